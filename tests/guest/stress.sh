# Guest job (sourced by the guest's /share/job.sh): `vfio-pm-bench stress` on
# every variant and every device in $VPB_DEVICES. The variant is loaded by
# `vfio-pm-bench check --variant`, whose semantic checks are kept beside the
# stress outcome. STRESS_ARGS sizes it and STRESS_OUT says where its files go
# (both may be set by the host before this file, as scripts/stress.sh does).
: "${STRESS_ARGS:=--cycles 100 --duration 60s}"
: "${STRESS_OUT:=/share/stress}"
rc=0
mkdir -p "$STRESS_OUT"
for dir in /lib/vfio-variants/*; do
	v=${dir##*/}
	for dev in $VPB_DEVICES; do
		out=$STRESS_OUT/$v-$dev
		vfio-pm-bench check --device "$dev" --iommu noiommu --variant "$v=$dir" >"$out.check" 2>&1
		echo "# stress: $v on $dev ($STRESS_ARGS)"
		vfio-pm-bench stress --device "$dev" --iommu noiommu $STRESS_ARGS --out "$out.json" 2>&1 |
			tee "$out.txt" | grep -E "^(#|FAIL|expected)"
		grep -q "^# .*: pass " "$out.txt" || { echo "stress FAILED: $v on $dev"; rc=1; }
	done
done
# --race idle-d3 needs vfio-pci-core's test-only writable disable_idle_d3
# (tests/kernel-debug/, recorded by tests/torture.sh idle-d3): without it, the run
# cannot be made and says so with exit 4, the device left as it was.
set -- $VPB_DEVICES
vfio-pm-bench stress --device "$1" --iommu noiommu --race idle-d3 --cycles 1 >"$STRESS_OUT/idle-d3.txt" 2>&1
src=$?
echo "# stress --race idle-d3 without the test-only parameter: exit $src"
if [ $src != 4 ] || ! grep -q "no writable disable_idle_d3" "$STRESS_OUT/idle-d3.txt"; then
	echo "stress FAILED: --race idle-d3 without the parameter"
	rc=1
fi
dmesg >/share/dmesg.txt
exit $rc
