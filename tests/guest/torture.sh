# Guest job (sourced by the guest's /share/job.sh; see tests/torture.sh):
# `vfio-pm-bench stress --race intx` on every variant with the one-shot
# features and `--race exit-fail` on v4, or `--race $TORTURE_RACE` on every
# variant when it is set, on the e1000e on the root bus. The host sets
# TORTURE_ARGS (sizes), TORTURE_OUT (where the files go), TORTURE_DELAY_MS
# (written to vfio-pci-core's test-only debug_resume_delay_ms when the
# variant has it) and TORTURE_RACE if it wants one race everywhere.
: "${TORTURE_ARGS:=--cycles 200 --duration 10min --threads 1}"
: "${TORTURE_OUT:=/share/torture}"
: "${TORTURE_DELAY_MS:=0}"
dev=0000:00:03.0
param=/sys/module/vfio_pci_core/parameters
rc=0
mkdir -p "$TORTURE_OUT"
for dir in /lib/vfio-variants/*; do
	v=${dir##*/}
	out=$TORTURE_OUT/$v
	vfio-pm-bench check --device "$dev" --iommu noiommu --variant "$v=$dir" >"$out.check" 2>&1
	race=${TORTURE_RACE:-intx}
	[ -z "${TORTURE_RACE:-}" ] && [ "$v" = v4 ] && race=exit-fail
	delay=-
	if [ -w "$param/debug_resume_delay_ms" ]; then
		echo "$TORTURE_DELAY_MS" >"$param/debug_resume_delay_ms"
		delay=$TORTURE_DELAY_MS
	fi
	echo "# torture: $v, --race $race, resume delay $delay ms ($TORTURE_ARGS)"
	vfio-pm-bench stress --device "$dev" --iommu noiommu --race "$race" $TORTURE_ARGS \
		--out "$out.json" >"$out.txt" 2>&1
	src=$?
	grep -E "^(#|FAIL|ok|vfio-pm-bench)" "$out.txt"
	grep -m 5 "^cycle" "$out.txt"
	[ $src = 0 ] || { echo "torture FAILED ($src): $v"; rc=1; }
done
dmesg >/share/dmesg.txt
exit $rc
