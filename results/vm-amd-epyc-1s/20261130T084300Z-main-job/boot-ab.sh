#!/usr/bin/env bash
# Boot to the first suite under icount, the platform as committed (A) against
# copies of kernel/vm/vm.sh without its two boot changes (B: no
# lapic_timer_period=, C: no RDRAND, D: neither), interleaved, 3 rounds.
# Prints: variant round booting_s booted_s first_suite_s guest_boot_s
set -euo pipefail
cd /work/main
vm=kernel/vm/vm.sh
sed 's/ lapic_timer_period=\$((1000000000 \/ hz))//' $vm >kernel/vm/vm-ab-B.sh
sed 's/ -cpu qemu64,+rdrand//' $vm >kernel/vm/vm-ab-C.sh
sed 's/ lapic_timer_period=\$((1000000000 \/ hz))//; s/ -cpu qemu64,+rdrand//' $vm >kernel/vm/vm-ab-D.sh
chmod +x kernel/vm/vm-ab-*.sh
trap 'rm -f kernel/vm/vm-ab-*.sh' EXIT
for s in B C D; do diff $vm kernel/vm/vm-ab-$s.sh | sed "s/^/# $s: /" || true; done
for r in 1 2 3; do
	for s in A B C D; do
		script=kernel/vm/vm-ab-$s.sh
		[ $s = A ] && script=$vm
		out=$($script --variants no-get --rounds 1 --suites ioctl --results /tmp/xres --no-report 2>&1)
		b=$(echo "$out" | sed -n 's/^\[vm *\([0-9.]*\)s\] booting.*/\1/p')
		up=$(echo "$out" | sed -n 's/^\[vm *\([0-9.]*\)s\]   guest: VPB-BOOTED.*/\1/p')
		g=$(echo "$out" | sed -n 's/.*guest: VPB-BOOTED \([0-9.]*\).*/\1/p')
		f=$(echo "$out" | grep -m1 'guest: round 1' | sed -n 's/^\[vm *\([0-9.]*\)s\].*/\1/p')
		printf '%s %s %.1f %.1f %.1f %s\n' $s $r "$b" "$(echo "$up - $b" | bc)" "$(echo "$f - $b" | bc)" "$g"
	done
done
