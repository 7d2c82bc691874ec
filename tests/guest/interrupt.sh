# Guest job: interrupting vfio-pm-bench (issue 9, parts 3 and 5; issue 5).
#
# The host puts its arguments in front of this script:  set -- N SEED "VARIANTS"
#   N         random interruptions to land (default 6); SIGINT, SIGTERM and
#             SIGKILL in turn, each at a random point of a running
#             `vfio-pm-bench run --suite d3cold,ioctl` on every device: every
#             other one anywhere in the run, the others while it writes its
#             outputs (from its first CSV file on; lengths from an
#             uninterrupted run of each variant)
#   SEED      seed of the delays (an LCG: the same seed sends the same delays)
#   VARIANTS  kernel variants (default "upstream v4"), loaded in turn for
#             blocks of three iterations (one of each signal)
# It prints TAP lines, a "# counts" line, and writes /share/interrupt/
# (events.txt: what was sent when; counts.txt; the logs of failed checks).
#
# What each check stands on (Linux 6.12, drivers/vfio/pci/vfio_pci_core.c):
# - The last close of a device runs vfio_pci_core_disable(), which calls
#   vfio_pci_runtime_pm_exit() and pm_runtime_resume() before the final
#   pm_runtime_put(): whatever killed the process, the kernel ends the
#   engagement at close. Seen here for every variant (the "engaged" checks):
#   upstream, no-get, wakeref and percpu end LOW_POWER_ENTRY that way, v4
#   ends its stateful SET ENTER the same way (its patch 4 keeps that code);
#   after a SIGKILL in D3cold the device is held by no one, runtime_usage is
#   back to its value before the run, and the next run opens it in
#   D0/active and measures normally. So "found in low power at open" cannot
#   happen on these kernels: the harness's check for it (run.json
#   "recovered") must stay silent, and does.
# - An unopened device bound to vfio-pci runtime-suspends on its own (idle
#   D3, here D3cold): that is not "engaged". Not engaged and not held means:
#   no process has a /dev/vfio file open and runtime_usage is back to its
#   value before the run (CONFIG_PM_ADVANCED_DEBUG).
# - Results are written unnamed (O_TMPFILE) and linked when complete, so no
#   <file>.tmp.* may ever appear, not even after a SIGKILL.
set -u
n=${1:-6} seed=${2:-1} variants=${3:-upstream v4}
R=/tmp/ir plat=interrupt out=/share/interrupt tmp=/tmp/it
sys=/sys/bus/pci/devices
mkdir -p "$out" "$tmp"
: >"$tmp/events.txt"
devs=$VPB_DEVICES
dev1=${devs%% *}
devargs=""
for d in $devs; do devargs="$devargs --device $d"; done
common="--iommu noiommu --no-counters --warmup 1ms --results $R --platform-id $plat"
# Long enough to be hit anywhere (inside a low-power cycle, between cases,
# while writing the outputs), short enough for many iterations.
long="--suite d3cold,ioctl $devargs --cycles 3 --samples 300 $common"
short="--suite d3cold,ioctl $devargs --case exit,get-info,get-info-lp --cycles 2 --samples 50 $common"

t=0 failed=0
tap() { # status description [comment]
	t=$((t + 1))
	if [ "$1" = 0 ]; then echo "ok $t - $2${3:+ # $3}"; else
		failed=$((failed + 1))
		echo "not ok $t - $2${3:+ # $3}"
	fi
}
rand() { # r = 0 .. $1 - 1
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	r=$(((seed / 65536) % $1))
}
now_ms() { # guest time in ms, in 10 ms steps
	read -r up _ </proc/uptime
	cs=${up#*.}
	echo $((${up%.*} * 1000 + ${cs#0} * 10))
}
held() { ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q ' /dev/vfio/'; }
held_by() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q ' /dev/vfio/'; }
usages() { for d in $devs; do printf '%s=%s ' "$d" "$(cat "$sys/$d/power/runtime_usage")"; done; }
states() { for d in $devs; do printf '%s=%s/%s ' "$d" "$(cat "$sys/$d/power_state")" \
	"$(cat "$sys/$d/power/runtime_status")"; done; }
status_of() { sed -n 's/^ "status": "\(.*\)",*$/\1/p' "$1/run.json" 2>/dev/null; }
# Every CSV starts with its header row; rows of one file have one width
# (RFC 4180: a quoted field counts as one, whatever commas it holds).
csv_ok() {
	for f in "$1"/*.csv; do
		[ -e "$f" ] || continue
		awk 'NR == 1 && !/^schema_version,/ { bad = 1 }
			{ s = $0; gsub(/"[^"]*"/, "", s); n = split(s, a, ",")
			  if (w && n != w) bad = 1; w = n } END { exit bad }' "$f" || return 1
	done
}
# run.json and summary.json parse: the harness reads them (compare with
# itself: exit 2 is unreadable input; 1 is a verdict, e.g. too few samples
# in an interrupted case; "share no case" when stopped before its first
# case ended).
json_ok() {
	vfio-pm-bench compare "$1" "$1" >/dev/null 2>"$tmp/cmp.err"
	[ $? -le 1 ] || grep -q "share no case" "$tmp/cmp.err"
}
# md5 of every file of the run directories listed in $1.
sums() { while read -r dir; do find "$dir" -type f | sort | xargs -r md5sum; done <"$1"; }
keep_log() { cp "$1" "$out/$2"; }

# Start `vfio-pm-bench run` with $1 (options) as run $2; pid in $pid, the run
# directory in $dir, stderr in $tmp/$2.err; wait until the directory exists
# (the handlers are installed by then: a signal from here on is the run's).
start_run() {
	dir=$R/$plat/$2
	# shellcheck disable=SC2086
	vfio-pm-bench run $1 --run-id "$2" >"$tmp/$2.out" 2>"$tmp/$2.err" &
	pid=$!
	k=0
	while [ ! -d "$dir" ] && kill -0 "$pid" 2>/dev/null && [ $k -lt 5000 ]; do
		usleep 1000
		k=$((k + 1))
	done
	t_start=$(now_ms)
}

# After start_run: wait until the run holds the device, then 1 s (of a 30 s
# dwell in low power).
wait_engaged() {
	k=0
	until held_by $pid || [ $k -gt 5000 ]; do
		usleep 1000
		k=$((k + 1))
	done
	usleep 1000000
	at="$(cat "$sys/$dev1/power_state")/$(cat "$sys/$dev1/power/runtime_status")"
	at="$at, usage $(cat "$sys/$dev1/power/runtime_usage")"
}

# Where the run is, just before the signal (the harness goes on meanwhile).
phase() {
	if [ -e "$dir/summary.json" ]; then
		ph="ending (summary.json written)"
	elif ls "$dir" 2>/dev/null | grep -q '\.csv$'; then
		ph="writing outputs ($(ls "$dir" | grep -c '\.csv$') CSV files)"
	elif [ ! -e "$dir/run.json" ]; then
		ph="starting (no run.json yet)"
	else
		ph="measuring ($(grep -E '^round ' "$tmp/$run.err" | tail -n1))"
	fi
	ph="$ph; $(states)"
}

load() { # variant
	vfio-pm-bench run --suite null -n 10 --variant "$1=/lib/vfio-variants/$1" --keep-variant $devargs \
		--iommu noiommu --no-counters --warmup 1ms --results /tmp/load --run-id "load-$t" \
		-q >/dev/null 2>"$tmp/load.err"
	tap $? "variant $1 loaded, devices bound to vfio-pci"
	before=$(usages)
	loaded=$1
}

# ---- refusals ---------------------------------------------------------------------------------
# A device bound to its native driver: refused with one line, nothing written.
modprobe e1000e 2>/dev/null
usleep 200000
drv=$(basename "$(readlink "$sys/$dev1/driver" 2>/dev/null)" 2>/dev/null)
vfio-pm-bench run --suite d3cold --device "$dev1" --results /tmp/refused >/dev/null 2>"$tmp/ref.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/ref.err")" = 1 ] && [ ! -e /tmp/refused ] &&
	grep -qE "^vfio-pm-bench: $dev1 is (bound to ${drv:-?}, not vfio-pci|not bound to any driver)" "$tmp/ref.err"
tap $? "a device bound to ${drv:-no driver} is refused in one line, nothing written" "$(cat "$tmp/ref.err")"

set -- $variants
load "$1"

# A device held open by a stopped run: the next run names it in one line and
# leaves the device alone.
run=held-a
start_run "--suite d3cold --case exit --cycles 1 --dwell 30s --device $dev1 $common" $run
wait_engaged
kill -STOP $pid
u1=$(usages) s1=$(states)
vfio-pm-bench run --suite d3cold,ioctl --device "$dev1" $common --run-id held-b >/dev/null 2>"$tmp/held-b.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$tmp/held-b.err")" = 1 ] && [ ! -e "$R/$plat/held-b" ] &&
	grep -qE "^vfio-pm-bench: $dev1 is held open by pid $pid \(vfio-pm-bench\) through /dev/vfio/" "$tmp/held-b.err" &&
	[ "$(usages)" = "$u1" ] && [ "$(states)" = "$s1" ]
tap $? "a device held by a stopped run is refused in one line, untouched" "$(cat "$tmp/held-b.err")"
kill -CONT $pid
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 1 ] && [ "$(status_of "$dir")" = interrupted ] && ! held && [ "$(usages)" = "$before" ]
tap $? "the stopped run, continued and sent SIGTERM, ends interrupted and releases the device"

# ---- engaged: each variant, a signal while the device is surely in low power -----------------
for v in $variants; do
	[ "$loaded" = "$v" ] || load "$v"
	for sig in KILL TERM; do
		run=engaged-$v-$sig
		start_run "--suite d3cold --case exit --cycles 1 --dwell 30s --device $dev1 $common" $run
		wait_engaged
		t0=$(now_ms)
		kill -$sig $pid
		wait $pid
		rc=$?
		ms=$(($(now_ms) - t0))
		after="usage $(cat "$sys/$dev1/power/runtime_usage"), $(cat "$sys/$dev1/power_state")/$(cat "$sys/$dev1/power/runtime_status")"
		echo "engaged $v SIG$sig at $at -> exit $rc after ${ms} ms; after close: $after" >>"$tmp/events.txt"
		case $at in */suspended*) ok=0 ;; *) ok=1 ;; esac
		if [ $sig = KILL ]; then
			[ $ok = 0 ] && [ $rc = 137 ] && ! held && [ "$(usages)" = "$before" ] || ok=1
			tap $ok "$v: SIGKILL in low power ($at): the kernel ends it at close" "after: $after"
		else
			[ $ok = 0 ] && [ $rc = 1 ] && [ "$(status_of "$dir")" = interrupted ] &&
				[ $ms -lt 5000 ] && ! held && [ "$(usages)" = "$before" ] &&
				! grep -qE "could not leave|not back in D0" "$tmp/$run.err" || ok=1
			tap $ok "$v: SIGTERM in low power ($at): out of it, interrupted in $ms ms"
		fi
		[ $ok = 0 ] || keep_log "$tmp/$run.err" "$run.err"
		vfio-pm-bench run $short --run-id "$run-next" >/dev/null 2>"$tmp/$run-next.err"
		rc=$?
		[ $rc = 0 ] && [ "$(status_of "$R/$plat/$run-next")" = complete ] &&
			! grep -q "found in low power" "$tmp/$run-next.err" &&
			grep -q '"recovered": \[\]' "$R/$plat/$run-next/run.json"
		tap $? "$v: the next run finds the device in D0/active and completes"
	done
done

# ---- random interruptions ------------------------------------------------------------------------
landed=0 missed=0 attempts=0 engaged_left=0 changed=0 temps=0 bad_next=0 max_ms=0
nINT=0 nTERM=0 nKILL=0 nv=$#
while [ $landed -lt "$n" ] && [ $attempts -lt $((2 * n + 6)) ]; do
	attempts=$((attempts + 1))
	set -- $variants
	shift $(((landed / 3) % nv))
	v=$1
	[ "$loaded" = "$v" ] || load "$v"
	vv=$(echo "$v" | sed 's/[^a-z0-9]/_/g')
	eval "T=\${T_$vv:-} W=\${W_$vv:-}"
	if [ -z "$T" ]; then # per variant: how long a run lasts, when it writes its outputs
		run=calib-$v
		start_run "$long" $run
		W=""
		while [ -z "$W" ] && kill -0 $pid 2>/dev/null; do
			for f in "$dir"/*.csv; do
				[ -e "$f" ] && W=$(($(now_ms) - t_start))
				break
			done
			usleep 10000
		done
		wait $pid
		rc=$?
		T=$(($(now_ms) - t_start))
		eval "T_$vv=$T W_$vv=${W:-0}"
		[ $rc = 0 ] && [ "$(status_of "$dir")" = complete ]
		tap $? "$v: an uninterrupted run completes" "$T ms from its directory to its exit, outputs from $W ms"
	fi
	case $((landed % 3)) in 0) sig=INT ;; 1) sig=TERM ;; 2) sig=KILL ;; esac
	# Anywhere in the run: after a random part of its length. While it
	# writes its outputs: a random part of the time that took, counted from
	# its first CSV file (tens of ms: a delay from the start misses it).
	if [ $((landed % 2)) = 0 ]; then
		rand "$T"
		after_csv=0 when="+${r}ms"
	else
		rand $((T - W + 1))
		after_csv=1 when="+${r}ms after its first CSV"
	fi
	delay=$r
	run=it$attempts
	find "$R/$plat" -mindepth 1 -maxdepth 1 -type d | sort >"$tmp/earlier"
	sums "$tmp/earlier" >"$tmp/sums.before"
	start_run "$long" $run
	if [ $after_csv = 1 ]; then
		csv=""
		while [ -z "$csv" ] && kill -0 $pid 2>/dev/null; do
			for f in "$dir"/*.csv; do
				[ -e "$f" ] && csv=$f
				break
			done
			[ -n "$csv" ] || usleep 1000
		done
	fi
	usleep $((delay * 1000))
	phase
	t0=$(now_ms)
	kill -$sig $pid 2>/dev/null
	wait $pid
	rc=$?
	ms=$(($(now_ms) - t0))
	if [ $rc = 0 ] && [ "$(status_of "$dir")" = complete ]; then
		missed=$((missed + 1))
		echo "$run $v SIG$sig $when: missed (the run had finished)" >>"$tmp/events.txt"
		continue
	fi
	landed=$((landed + 1))
	eval "n$sig=\$((n$sig + 1))"
	echo "$run $v SIG$sig $when of ${T}ms: $ph -> exit $rc after ${ms} ms" >>"$tmp/events.txt"
	ok=0
	if [ $sig = KILL ]; then
		[ $rc = 137 ] || ok=1
	else
		[ $ms -gt $max_ms ] && max_ms=$ms
		[ $rc = 1 ] && [ "$(status_of "$dir")" = interrupted ] && [ -s "$dir/summary.json" ] &&
			[ $ms -lt 3000 ] &&
			json_ok "$dir" && csv_ok "$dir" &&
			! grep -qE "could not leave|not back in D0" "$tmp/$run.err" || ok=1
	fi
	tap $ok "$run ($v, SIG$sig at $when, $ph): $([ $sig = KILL ] &&
		echo killed || echo "interrupted in order in $ms ms, outputs parse")"
	[ $ok = 0 ] || keep_log "$tmp/$run.err" "$run.err"
	! held && [ "$(usages)" = "$before" ]
	ok=$?
	[ $ok = 0 ] || engaged_left=$((engaged_left + 1))
	tap $ok "$run: no device held or engaged" "$(usages)"
	if [ $sig = KILL ]; then
		vfio-pm-bench run $short --run-id "$run-next" >/dev/null 2>"$tmp/$run-next.err"
		rc=$?
		[ $rc = 0 ] && [ "$(status_of "$R/$plat/$run-next")" = complete ] &&
			! grep -q "found in low power" "$tmp/$run-next.err" &&
			grep -q '"recovered": \[\]' "$R/$plat/$run-next/run.json"
		ok=$?
		[ $ok = 0 ] || { bad_next=$((bad_next + 1)); keep_log "$tmp/$run-next.err" "$run-next.err"; }
		tap $ok "$run: the next run finds the device in D0/active and completes"
	fi
	sums "$tmp/earlier" >"$tmp/sums.after" 2>/dev/null
	cmp -s "$tmp/sums.before" "$tmp/sums.after"
	ok=$?
	[ $ok = 0 ] || changed=$((changed + 1))
	tap $ok "$run: $(wc -l <"$tmp/earlier") earlier run directories byte-identical"
	k=$(find "$R" -name '*.tmp.*' | wc -l)
	temps=$((temps + k))
	tap $([ "$k" = 0 ]; echo $?) "$run: no temp files in the results tree"
done
tap $([ $landed -ge "$n" ]; echo $?) "$landed random interruptions landed ($missed missed: the run had finished)"
counts="interruptions $landed (SIGINT $nINT, SIGTERM $nTERM, SIGKILL $nKILL), missed $missed, devices left engaged or held $engaged_left, earlier results changed $changed, temp files $temps, failed next runs $bad_next, slowest SIGINT/SIGTERM exit ${max_ms} ms, run directories $(find "$R/$plat" -mindepth 1 -maxdepth 1 -type d | wc -l)"
echo "# counts: $counts"
echo "$counts" >"$out/counts.txt"
cp "$tmp/events.txt" "$out/"
echo "1..$t"
[ $failed = 0 ]
