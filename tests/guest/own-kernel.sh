# Guest job: the guest plays a user's machine with its own kernel (issue 17,
# part 6). Its in-tree vfio modules are loaded and the device is bound to
# vfio-pci first, as a user would have it; then the README's real-hardware
# commands run one by one (shortened: fewer samples and cycles); afterwards
# the in-tree modules must be loaded again, the device bound to vfio-pci as
# before, and back in the power state it idles in. The same after a run
# with variants that is interrupted.
# Prints TAP lines; exit 0 when all pass.
set -u
dev=0000:00:03.0
sys=/sys/bus/pci/devices/$dev
fails=0
tap() { # status name [detail]
	if [ "$1" = 0 ]; then echo "ok - $2"; else
		echo "not ok - $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'
		fails=$((fails + 1))
	fi
}
state() { # what must be as before: vfio's version, the driver, driver_override
	echo "vfio=$(cat /sys/module/vfio/version 2>/dev/null || echo none)" \
		"type1=$([ -d /sys/module/vfio_iommu_type1 ] && echo loaded || echo none)" \
		"noiommu=$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode 2>/dev/null)" \
		"driver=$(basename "$(readlink "$sys/driver" 2>/dev/null)" 2>/dev/null)" \
		"override=$(cat "$sys/driver_override")"
}
settle() { # the idle power state the device reaches once nothing holds it
	i=0
	while [ $i -lt 50 ] && [ "$(cat "$sys/power/runtime_status")" != suspended ]; do
		usleep 100000
		i=$((i + 1))
	done
	echo "$(cat "$sys/power_state")/$(cat "$sys/power/runtime_status")"
}

# The user's setup: the distribution's vfio modules and the device bound.
modprobe vfio enable_unsafe_noiommu_mode=1 && modprobe vfio-pci &&
	echo vfio-pci >"$sys/driver_override" && echo "$dev" >/sys/bus/pci/drivers_probe
tap $? "setup: in-tree vfio-pci loaded, $dev bound to it"
before=$(state)
idle=$(settle)
echo "# before: $before, idle $idle"
case "$before" in *"vfio=0.3 "*"driver=vfio-pci "*) r=0 ;; *) r=1 ;; esac
tap $r "setup: the in-tree vfio (version 0.3) is loaded and the device bound" "$before"

# README, "On real hardware": the suites on the loaded vfio ...
vfio-pm-bench run --suite ioctl,d3cold --device "$dev" --expect d3cold --iommu noiommu \
	--samples 200 --cycles 2 --rounds 1 --results /tmp/own -q >/tmp/own.1 2>&1
rc=$?
tap $rc "run --suite ioctl,d3cold --expect d3cold on the loaded vfio" "$(tail -n 5 /tmp/own.1)"
[ "$(state)" = "$before" ]
tap $? "after it: modules and binding unchanged" "$(state)"

# ... and the variants, swapped in and interleaved.
vfio-pm-bench run --suite ioctl --device "$dev" --iommu noiommu \
	--variant no-get=/lib/vfio-variants/no-get --variant upstream=/lib/vfio-variants/upstream \
	--rounds 2 --samples 200 --results /tmp/own -q >/tmp/own.2 2>&1
rc=$?
tap $rc "run --suite ioctl --variant no-get=... --variant upstream=..." "$(tail -n 5 /tmp/own.2)"
after=$(state)
[ "$after" = "$before" ]
tap $? "after the variants: the in-tree modules are loaded again, the device bound as before" \
	"before: $before
after:  $after"
now=$(settle)
[ "$now" = "$idle" ]
tap $? "after the variants: the device idles in $idle as before (now $now)"

# README, "Qualifying a platform", steps 4 to 6 (fewer cycles; the spec's
# limits are this emulated device's, and its percentiles are maxima: a p99
# needs 100 valid cycles).
out=$(vfio-pm-bench check --device "$dev" --iommu noiommu 2>&1)
rc=$?
echo "$out" | grep -q "^# no expectations for variant unpatched-0.3: design oneshot" && [ $rc = 0 ]
tap $? "vendor step 4: check (exit $rc), design oneshot" "$out"
dir=$(vfio-pm-bench run --suite d3cold --device "$dev" --expect d3cold --iommu noiommu \
	--cycles 2 --rounds 1 --clock-label icount --results /tmp/own -q 2>/tmp/own.v5)
rc=$?
[ $rc = 0 ] && [ -f "$dir/summary.json" ]
tap $? "vendor step 5: run --suite d3cold --expect d3cold" "$(tail -n 3 /tmp/own.v5)"
cat >/tmp/board.spec <<SPEC
d3cold.exit.max <= 150ms [device=$dev]
d3cold.exit.valid >= 2/2 [device=$dev]
d3cold.exit.state == D3cold [device=$dev]
d3cold.exit.entry.max <= 100ms [device=$dev]
d3cold.ioctl.max <= 150ms [device=$dev]
SPEC
out=$(vfio-pm-bench qualify --spec /tmp/board.spec "$dir" 2>&1)
rc=$?
[ $rc = 0 ] && ls "$dir"/qualify/board-*.json >/dev/null 2>&1 &&
	! echo "$out" | grep -q "^FAIL"
tap $? "vendor step 6: qualify PASS (exit $rc), certificate written" "$out"
[ "$(state)" = "$before" ]
tap $? "after the vendor's steps: modules and binding unchanged" "$(state)"

# Interrupted while a variant is loaded: the same state afterwards.
vfio-pm-bench run --suite ioctl --device "$dev" --iommu noiommu \
	--variant upstream=/lib/vfio-variants/upstream --variant no-get=/lib/vfio-variants/no-get \
	--rounds 50 --samples 2000 --results /tmp/own >/tmp/own.3 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -q "^round 1" /tmp/own.3; do usleep 100000; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
after=$(state)
[ $rc = 1 ] && grep -q "vfio modules restored" /tmp/own.3 && [ "$after" = "$before" ]
tap $? "interrupted with a variant loaded (exit $rc): modules and binding restored" \
	"$(tail -n 3 /tmp/own.3)
after: $after"
now=$(settle)
[ "$now" = "$idle" ]
tap $? "after the interruption: the device idles in $idle as before (now $now)"
echo "# own-kernel: $fails failed"
[ $fails = 0 ]
