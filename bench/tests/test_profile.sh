#!/usr/bin/env bash
# vfio-pm-bench profile on a fixture run (bench/tests/fixtures/profile-run):
# symbols per variant load, user-space mapping, the path most windows ran,
# per-op figures, locked RMWs (LOCK and DS-patched), the reconciliation
# with the icount figure, the comparison by function, bad input.
# usage: test_profile.sh path/to/vfio-pm-bench
set -u
bin=$1
fix=$(cd "$(dirname "$0")" && pwd)/fixtures/profile-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check DESCRIPTION JQ-EXPR (true when it holds)
	if jq -e "$2" "$tmp/run/profile/profile.json" >/dev/null; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1 ($2)"
	fi
}
cp -r "$fix" "$tmp/run"
"$bin" profile "$tmp/run" --compare a,b --min 0 >"$tmp/out.md" || { echo "FAIL: profile exited $?"; exit 1; }
cmp -s "$tmp/out.md" "$tmp/run/profile/profile.md" || { echo "FAIL: stdout is not profile.md"; fail=$((fail + 1)); }
a='.cases[] | select(.variant == "a" and .case == "get-info")'
b='.cases[] | select(.variant == "b")'
fa() { echo "$a | .op.functions[] | select(.function == \"$1\")"; }
fb() { echo "$b | .op.functions[] | select(.function == \"$1\")"; }
check "a: 100 instructions per window of 2 ops" "$a | .op.instructions == 50 and .op.instructions_per_window == 100"
check "a: the interrupted window is apart" "$a | .op.windows == 3 and .op.windows_profiled == 2 and .op.other_windows[0].instructions_per_window == 150"
check "a: locked and stores per op" "$a | .op.locked == 1 and .op.stores == 5"
check "module symbol of variant a's load" "$(fa 'vfio_ioctl [vfio]') | .instructions == 30"
check "module symbol of variant b's load" "$(fb 'vfio_ioctl [vfio]') | .instructions == 30"
check "kernel function, LOCK counted" "$(fa do_syscall_64) | .instructions == 10 and .locked == 1"
check "harness function through maps" "$(fa 'time_batches [vfio-pm-bench]') | .instructions == 3"
check "libc function through maps, stores" "$(fa 'ioctl [libc.so.6]') | .instructions == 5 and .stores == 5"
check "DS-patched LOCK counted as locked" "$(fb rpm_resume) | .instructions == 14 and .locked == 0.5"
check "b: 64 per op, 1.5 locked" "$b | .op.instructions == 64 and .op.locked == 1.5"
check "reconciled: (100 + 90 - 10) / 2 = 90" "$a | .icount.outside_window_per_batch == 80 and .icount.predicted_ns_per_op == 90 and .icount.difference_ns_per_op == 0"
check "b reconciled" "$b | .icount.difference_ns_per_op == 0"
check "cycle case not reconciled, and says why" '.cases[] | select(.case == "get-info-lp") | .kind == "cycle" and (.icount | test("cycle case"))'
check "loop case kind" "$a | .kind == \"loop\""
check "cycle case mapped in a's symbols" '.cases[] | select(.case == "get-info-lp") | .op.functions[0].function == "vfio_other [vfio]"'
check "cycle case: the mean of every window" '.cases[] | select(.case == "get-info-lp") | .op.instructions == 5500 and .op.windows_profiled == 2 and (.op.other_windows | length) == 0'
grep -qxF '### ioctl.get-info on 0000:01:00.0: +14.000 instructions, +0.500 locked, +0.000 stores per op' "$tmp/out.md" &&
	grep -qxF '| rpm_resume | 0.000 | 14.000 | +14.000 | +0.500 | +0.000 |' "$tmp/out.md" &&
	! grep -qF '| vfio_ioctl [vfio] | 30' <(sed -n '/^### /,$p' "$tmp/out.md") && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: the comparison by function"; grep -A8 '^###' "$tmp/out.md"; }
# --compare twice: both comparisons.
"$bin" profile "$tmp/run" --compare a,b --compare b,a >"$tmp/two.md" &&
	grep -qx '## b against a, by function (per op)' "$tmp/two.md" &&
	grep -qx '## a against b, by function (per op)' "$tmp/two.md" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL: two --compare pairs"; }
"$bin" profile "$tmp/run" --compare a,b --min 0 >/dev/null # back to the checked profile.md
# The counts as vm.sh stores them, xz-compressed: the same profile.
cp -r "$fix" "$tmp/xz" && xz "$tmp/xz/profile/plugin.txt"
"$bin" profile "$tmp/xz" --compare a,b --min 0 >/dev/null &&
	cmp -s <(jq -S 'del(.run, .icount_figures_from)' "$tmp/xz/profile/profile.json") \
		<(jq -S 'del(.run, .icount_figures_from)' "$tmp/run/profile/profile.json") &&
	pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: plugin.txt.xz gives another profile"; }
# Bad input: one line on stderr, exit 2.
bad() { # bad DESCRIPTION: profile on $tmp/bad must exit 2 with one line
	local out rc
	out=$("$bin" profile "$tmp/bad" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: exit $rc, stderr: $out"
	fi
}
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && rm "$tmp/bad/profile/plugin.txt"
bad "no plugin.txt"
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && echo "garbage here" >>"$tmp/bad/profile/plugin.txt"
bad "a corrupt plugin.txt"
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && echo "not xz" >"$tmp/bad/profile/plugin.txt.xz" && rm "$tmp/bad/profile/plugin.txt"
bad "a corrupt plugin.txt.xz"
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && echo "zz T broken" >>"$tmp/bad/profile/kallsyms.txt"
bad "a corrupt kallsyms.txt"
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && printf '1\tioctl\n' >>"$tmp/bad/profile/segments.tsv"
bad "a short segments.tsv line"
rm -rf "$tmp/bad" && cp -r "$fix" "$tmp/bad" && printf 'nonsense\n' >>"$tmp/bad/profile/maps.txt"
bad "a corrupt maps.txt"
# --icount: the figures of another run (here one whose a is 1 ns/op slower).
mkdir -p "$tmp/other"
jq '.cases[0].variants.a.median = 91' "$fix/summary.json" >"$tmp/other/summary.json"
"$bin" profile "$tmp/run" --icount "$tmp/other" >/dev/null || { echo "FAIL: --icount exited $?"; fail=$((fail + 1)); }
check "--icount: another run's figure" "$a | .icount.icount_ns_per_op == 91 and .icount.difference_ns_per_op == 1"
"$bin" profile "$tmp/run" --icount "$tmp/nonexistent" >/dev/null 2>&1
[ $? = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: --icount of no run accepted"; }
"$bin" profile "$tmp/run" --compare a >/dev/null 2>&1
[ $? = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: --compare a accepted"; }
echo "test_profile: $pass passed, $fail failed"
[ "$fail" = 0 ]
