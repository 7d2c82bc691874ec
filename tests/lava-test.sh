#!/usr/bin/env bash
# The LAVA test: a real lava-run (lava-dispatcher, no lava-server) boots the
# QEMU platform under TCG from our own bzImage and initramfs
# (`vfio-pm-bench vm --lava-images`), runs the test definition
# lava/vfio-pm-bench.yaml (one short ioctl case on one emulated device, two
# variants: a few seconds of guest work), and tests/lava-check.py checks
# that every figure LAVA collected equals the run's summary.json (printed by
# the definition on the console). Then `lava-run --validate` on the lab
# template lava/lab-job.yaml.
#   tests/lava-test.sh          exit 0 pass, 1 fail, 77 cannot run here (said why)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
skip() { echo "lava-test: SKIPPED: $*"; exit 77; }
fail() { echo "lava-test: FAIL: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || skip "lava-run must run as root (it boots QEMU and writes /var/lib/lava); not root here"
command -v lava-run >/dev/null || fail "lava-run not found (scripts/deps.sh installs lava-dispatcher)"
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml missing (a dependency of lava-dispatcher)"

tmp=$(mktemp -d /tmp/vpb-lava.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "== images (vfio-pm-bench vm --lava-images: the kernel cache, the harness, an initramfs with a shell)"
"$top/kernel/vm/vm.sh" --lava-images "$tmp/img" --variants no-get,upstream >"$tmp/images.log" 2>&1 ||
	{ tail -20 "$tmp/images.log" >&2; fail "vm.sh --lava-images failed"; }
grep -E 'LAVA images|kernel .* (cached|built)' "$tmp/images.log" || true

python3 "$top/lava/render.py" device --images "$tmp/img" >"$tmp/device.yaml"
python3 "$top/lava/render.py" job --images "$tmp/img" \
	--param DEVICE=0000:00:03.0 \
	--param "VARIANTS=no-get=/lib/vfio-variants/no-get upstream=/lib/vfio-variants/upstream" \
	--param SUITES=ioctl \
	--param "OPTIONS=--case get-info --rounds 1 --samples 200 --iommu noiommu --clock-label host" \
	>"$tmp/job.yaml"
# Job ids name lava-run's scratch directory (/var/lib/lava/dispatcher/tmp/ID):
# one of this test's own, not another job's.
id=$((90000 + $$ % 9000))

echo "== lava-run --validate (the QEMU job)"
lava-run --validate --job-id "$id" --output-dir "$tmp/out-validate" --device "$tmp/device.yaml" \
	"$tmp/job.yaml" >"$tmp/validate.log" 2>&1 || { tail -5 "$tmp/validate.log" >&2; fail "the QEMU job does not validate"; }

echo "== lava-run (boot under TCG, the definition, lava-test-case per figure)"
t0=$(date +%s)
rc=0
timeout 900 lava-run --job-id "$id" --output-dir "$tmp/out" --device "$tmp/device.yaml" "$tmp/job.yaml" \
	>"$tmp/lava-run.log" 2>&1 || rc=$?
echo "lava-run exit $rc after $(($(date +%s) - t0)) s"
if [ "$rc" != 0 ]; then
	grep -E '"lvl": "(error|results)"' "$tmp/lava-run.log" | tail -5 >&2
	fail "lava-run exit $rc"
fi
echo "== the figures LAVA collected against summary.json"
python3 "$top/tests/lava-check.py" "$tmp/lava-run.log" 5 || {
	mkdir -p "$top/build"
	cp "$tmp/lava-run.log" "$top/build/lava-run-failed.log"
	fail "LAVA's figures differ from summary.json's (log: build/lava-run-failed.log)"
}

echo "== lava-run --validate (the lab template, lava/lab-job.yaml)"
# A lab's dispatcher has tftpd-hpa and the serial console's telnet; this
# machine has neither, and --validate looks for both: in a private mount
# namespace /etc/default gains a tftpd-hpa naming a scratch TFTP directory,
# and PATH stand-ins for in.tftpd and telnet (never run: nothing boots).
# The images are file:// URLs (--validate checks that they exist), the
# definition is this repository's at HEAD.
sed -e "s|@KERNEL_URL@|file://$tmp/img/bzImage|; s|@RAMDISK_URL@|file://$tmp/img/initramfs.cpio|" \
	-e "s|@REPOSITORY@|$top|; s|@DEVICE@|0000:41:00.0|g" "$top/lava/lab-job.yaml" >"$tmp/lab.yaml"
grep -q '@[A-Z_]*@' "$tmp/lab.yaml" && fail "lab-job.yaml has a field this test does not fill"
mkdir -p "$tmp/etc-default" "$tmp/tftp" "$tmp/bin"
cp -a /etc/default/. "$tmp/etc-default/"
echo "TFTP_DIRECTORY=\"$tmp/tftp\"" >"$tmp/etc-default/tftpd-hpa"
for c in in.tftpd telnet; do printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/$c" && chmod +x "$tmp/bin/$c"; done
timeout 120 unshare -m --propagation private sh -c \
	"mount --bind '$tmp/etc-default' /etc/default && PATH='$tmp/bin':\$PATH exec lava-run --validate \
	--job-id $((id + 1)) --output-dir '$tmp/out-lab' --device '$top/lava/x86-device-example.yaml' '$tmp/lab.yaml'" \
	>"$tmp/lab.log" 2>&1 || { grep -v '"debug"' "$tmp/lab.log" | tail -5 >&2; fail "lava/lab-job.yaml does not validate"; }
grep -q '"case": "validate", "definition": "lava", "result": "pass"' "$tmp/lab.log" ||
	fail "lava/lab-job.yaml: no passing validate result"
echo "lava/lab-job.yaml validates"
echo "lava-test: 2 passed, 0 failed"
