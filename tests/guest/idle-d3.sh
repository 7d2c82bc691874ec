# Guest job (sourced by the guest's /share/job.sh; see tests/idle-d3.sh):
# `vfio-pm-bench stress --race idle-d3` on every variant, on the e1000e on
# the root bus. The host sets IDLE_D3_ARGS (sizes) and IDLE_D3_OUT (where
# the files go).
: "${IDLE_D3_ARGS:=--cycles 20 --duration 5min}"
: "${IDLE_D3_OUT:=/share/idle-d3}"
dev=0000:00:03.0
rc=0
mkdir -p "$IDLE_D3_OUT"
for dir in /lib/vfio-variants/*; do
	v=${dir##*/}
	out=$IDLE_D3_OUT/$v
	vfio-pm-bench check --device "$dev" --iommu noiommu --variant "$v=$dir" >"$out.check" 2>&1
	echo "# idle-d3: $v ($IDLE_D3_ARGS)"
	vfio-pm-bench stress --device "$dev" --iommu noiommu --race idle-d3 $IDLE_D3_ARGS \
		--out "$out.json" >"$out.txt" 2>&1
	src=$?
	grep -E "^(#|FAIL|ok|vfio-pm-bench)" "$out.txt"
	grep -m 5 "^cycle" "$out.txt"
	[ $src = 0 ] || { echo "idle-d3 FAILED ($src): $v"; rc=1; }
done
dmesg >/share/dmesg.txt
exit $rc
