#!/usr/bin/env bash
# The profile plugin on a user program with a known profile
# (plugin/tests/marked-loop.c), run under qemu-x86_64 (Debian's qemu-user).
# usage: run.sh PLUGIN.so MARKED-LOOP
set -euo pipefail
plugin=$1 prog=$2
# qemu-x86_64 is needed: skip without it, or fail when VPB_STRICT=1 (CI).
if ! command -v qemu-x86_64 >/dev/null; then
	echo "SKIP: qemu-x86_64 not found (apt-get install qemu-user)"
	[ "${VPB_STRICT:-}" = 1 ] && exit 1
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
qemu-x86_64 -plugin "$plugin,out=$out" "$prog" || fail "qemu-x86_64 exited $?"
# 5 windows of 1 + 8 * 100 instructions, 300 locked and 500 stores each:
# one group (no interrupt in user mode), per-window total 801.
grep -qx 'segment 1 role op windows 5' "$out" || fail "op: not 5 windows in segment 1"
grep -qx 'group 801 1500 2500 5 0' "$out" || fail "op: not 801 instructions, 1500 locked, 2500 stores in 5 windows"
grep -qx 'segment 1 role null windows 1' "$out" || fail "null: not 1 window"
grep -qx 'group 2 0 0 1 0' "$out" || fail "null: not 2 instructions"
# Per address: the loop's eight instructions 500 times, the mov before it 5
# times; the lock incl and the xchg locked (1), the ds incl a LOCK patched to
# DS (2), the ds mov not locked; each of the five one store per execution.
awk 'NF == 4 && $2 == 500' "$out" | wc -l | grep -qx 8 || fail "not eight instructions run 500 times"
awk 'NF == 4 && $2 == 500 && $4 == 1 && $3 == 500' "$out" | wc -l | grep -qx 2 ||
	fail "not two locked instructions with 500 stores"
awk 'NF == 4 && $2 == 500 && $4 == 2 && $3 == 500' "$out" | wc -l | grep -qx 1 ||
	fail "not one DS-patched LOCK with 500 stores"
awk 'NF == 4 && $2 == 500 && $4 == 0 && $3 == 500' "$out" | wc -l | grep -qx 2 ||
	fail "not two unlocked stores (mov, ds mov) 500 times"
awk 'NF == 4 && $2 == 5 && $3 == 0 && $4 == 0' "$out" | wc -l | grep -qx 1 || fail "not one instruction run 5 times"
# No marker is counted: every address line belongs to a window's instructions.
[ "$(awk 'NF == 4' "$out" | wc -l)" = 11 ] || fail "not 11 counted instructions (markers counted?)"
# Deterministic: a second run gives the same file.
out2=$(mktemp)
qemu-x86_64 -plugin "$plugin,out=$out2" "$prog"
cmp -s "$out" "$out2" || { rm -f "$out2"; fail "two runs differ"; }
rm -f "$out2"
# Bad arguments: one line on stderr, QEMU refuses the plugin.
if qemu-x86_64 -plugin "$plugin" "$prog" 2>"$out2"; then fail "no out= accepted"; fi
rm -f "$out2"
echo "ok: plugin counts 801 instructions, 300 locked, 500 stores per window"
