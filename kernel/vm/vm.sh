#!/usr/bin/env bash
# vfio-pm-bench vm: build what is missing, boot the QEMU platform, run the
# suites on every variant (interleaved, in one boot), collect the results.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
all_devices="bridge root d3hot"

usage() {
	cat <<USAGE
usage: vfio-pm-bench vm [options] [-- extra 'vfio-pm-bench run' options]

Boots the QEMU platform (q35, TCG) on the guest kernel built by
kernel/build.sh and runs 'vfio-pm-bench run --summary defer' inside it on
every variant, round by round: the guest only measures, and the host
computes the summary from its samples ('vfio-pm-bench summarize', the same
build). Results land in RESULTS/<platform>/<run-id>/.

  --base NAME           the kernel base (kernel/bases/NAME; default: kernel/bases/default)
  --bases LIST          one boot per base, in turn, with the same harness build; run ids
                        <run-id>-<base> (default run id: <UTC time>-vm)
  --variants LIST       kernel variants (default: the base's, no-get first); a variant
                        whose series does not apply to the base is skipped, with its
                        reason in vm.json; NAME@tag loads NAME again under another name
  --suites LIST         suites (default: ioctl,d3cold)
  --devices LIST        emulated devices (default: $all_devices):
                          bridge  e1000e behind a pcie-root-port whose ACPI power
                                  resource is cut: D3cold with the 100 ms d3cold_delay
                          root    e1000e on the root bus with its own power resource
                          d3hot   nvme with no power resources: D3hot only
  --rounds N            rounds over the variants (default 2; 8 with --clock host)
  --clock MODE          icount (exact instruction time, 1 vCPU; default) or host
                        (multi-threaded TCG, real time, noisy; --smp vCPUs)
  --smp N               vCPUs with --clock host (default 2)
  --memory MB           guest memory (default 512)
  --iommu MODE          noiommu (default) or intel-iommu (type1/iommufd paths)
  --acpi-on-delay-ms N  emulated firmware latency of each power resource's _ON
  --acpi-off-delay-ms N the same for _OFF
  --timeout SEC         give up on a guest that has not powered off (default 900)
  --results DIR         results root (default: results/ in the repository)
  --run-id ID           the run id (default: <UTC time>-vm)
  --debug-kernel        boot the debug kernel (lockdep, KASAN)
  --profile             a profile run (README "Profiles"): QEMU loads the vpb-profile
                        plugin, which counts each guest instruction, locked RMW and
                        store inside the timed batches; the guest's run writes the
                        symbols (run --profile); then 'vfio-pm-bench profile' maps the
                        counts to functions (<run>/profile/profile.md) and the report
                        draws them. icount only, one vCPU; default suites ioctl, 1
                        round, run id <UTC time>-profile
  --job FILE            run this guest shell script instead of 'vfio-pm-bench run'
                        (it finds the variants' modules in /lib/vfio-variants/<name>,
                        the devices in \$VPB_DEVICES, and writes to /share)
  --share-out DIR       copy the guest's /share (and the console log) to DIR
  --lava-images DIR     boot nothing: write the images a LAVA job boots to DIR
                        (bzImage, initramfs.cpio whose /init gives a shell on the
                        serial console, ssdt.aml, images.env: the kernel command
                        line and QEMU's platform options; lava/README.md)
  --no-report           do not draw the report afterwards
  -h, --help            this text
Exit codes: 0 ok, 1 guest or suite failure, 2 usage.
USAGE
}

variants="" suites="ioctl,d3cold" devices="$all_devices" rounds="" clock=icount smp=2
memory=512 iommu=noiommu on_ms=0 off_ms=0 timeout=900 results="$top/results" run_id=""
debug="" report=1 extra=() job="" share_out="" base="" bases="" lava_out="" profile=0 suites_set=0
args=("$@")
while [ $# -gt 0 ]; do
	case "$1" in
	--base) base=$2; shift 2 ;;
	--bases) bases=$2; shift 2 ;;
	--variants) variants=$2; shift 2 ;;
	--suites) suites=$2; suites_set=1; shift 2 ;;
	--devices) devices=${2//,/ }; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--clock) clock=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--iommu) iommu=$2; shift 2 ;;
	--acpi-on-delay-ms) on_ms=$2; shift 2 ;;
	--acpi-off-delay-ms) off_ms=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--run-id) run_id=$2; shift 2 ;;
	--debug-kernel) debug=--debug; shift ;;
	--profile) profile=1; shift ;;
	--no-report) report=0; shift ;;
	--job) job=$2; shift 2 ;;
	--share-out) share_out=$2; shift 2 ;;
	--lava-images) lava_out=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "vfio-pm-bench vm: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
if [ "$profile" = 1 ]; then
	[ "$clock" = icount ] || { echo "vfio-pm-bench vm: --profile runs under the icount clock only" >&2; exit 2; }
	[ -z "$job" ] || { echo "vfio-pm-bench vm: --profile runs the suites; it does not take --job" >&2; exit 2; }
	[ "$suites_set" = 1 ] || suites=ioctl
	[ -n "$rounds" ] || rounds=1
fi
[ -n "$rounds" ] || { [ "$clock" = host ] && rounds=8 || rounds=2; }

die() { echo "vfio-pm-bench vm: $*" >&2; exit "${2:-1}"; }
. "$top/kernel/base.sh"
[ -n "$base" ] || base=$(base_default)
for b in $base ${bases//,/ }; do
	(base_load "$b") 2>/dev/null || die "unknown kernel base '$b' (valid: $(base_names | paste -sd' '))" 2
done
if [ -n "$bases" ]; then
	# One boot per base, each its own run: the same suites, variants and
	# harness build; the bases' runs are compared with `compare` and drawn
	# together by `report --bases`.
	[ -z "$job" ] || die "--bases runs the suites; it does not take --job" 2
	[ -n "$run_id" ] || run_id=$(date -u +%Y%m%dT%H%M%SZ)-vm
	pass=() skip_next=0
	for a in "${args[@]}"; do # the options but --bases, --base and --run-id
		if [ $skip_next = 1 ]; then skip_next=0; continue; fi
		case "$a" in --bases|--base|--run-id) skip_next=1; continue ;; --) break ;; esac
		pass+=("$a")
	done
	rc=0
	for b in ${bases//,/ }; do
		"$0" "${pass[@]}" --base "$b" --run-id "$run_id-$b" ${extra[@]+-- "${extra[@]}"} || rc=1
	done
	exit $rc
fi
isnum() { [[ "$1" =~ ^[0-9]+$ ]]; }
[ -z "$job" ] || [ -f "$job" ] || die "--job $job: no such file" 2
for n in rounds smp memory on_ms off_ms timeout; do
	isnum "${!n}" || die "--${n//_/-} needs a whole number, not '${!n}'" 2
done
case "$clock" in icount|host) ;; *) die "--clock must be icount or host, not '$clock'" 2 ;; esac
case "$iommu" in noiommu|intel-iommu) ;; *) die "--iommu must be noiommu or intel-iommu" 2 ;; esac
avail=$(cd "$top/kernel/variants" && ls -d */ | tr -d / | tr '\n' ' ')
if [ -z "$variants" ]; then # the base's, the reference first
	base_load "$base"
	variants=no-get
	for v in ${BASE_VARIANTS//,/ }; do [ "$v" = no-get ] || variants="$variants,$v"; done
fi
for v in ${variants//,/ }; do # NAME@tag: NAME again under another name (A/A)
	[[ " $avail " == *" ${v%@*} "* ]] || die "unknown variant '$v' (valid: $avail)" 2
done
build_variants=$(for v in ${variants//,/ }; do echo "${v%@*}"; done | sort -u | paste -sd,)
for d in $devices; do
	[[ " $all_devices " == *" $d "* ]] || die "unknown device '$d' (valid: $all_devices)" 2
done
for tool in qemu-system-x86_64:qemu-system-x86 iasl:acpica-tools cpio:cpio \
	/bin/busybox:busybox-static cmake:cmake jq:jq; do
	command -v "${tool%%:*}" >/dev/null ||
		die "${tool%%:*} not found: apt-get install ${tool#*:}"
done
qboot=/usr/share/qemu/qboot.rom
[ -f "$qboot" ] || die "$qboot not found: apt-get install qemu-system-data"

t0=$(date +%s.%N)
stage_names=() stage_secs=()
stage() { printf '[vm %6.1fs] %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$*" >&2; }
mark() { stage_names+=("$1"); stage_secs+=("$(printf '%.3f' "$(echo "$(date +%s.%N) - $2" | bc)")"); }

# --- build ----------------------------------------------------------------------
s=$(date +%s.%N)
stage "kernel and variants (kernel/build.sh)"
build_out=$("$top/kernel/build.sh" $debug --base "$base" --variants "$build_variants") ||
	die "kernel build failed"
eval "$(echo "$build_out" | grep -E '^[A-Z_a-z0-9]+=')"
# Variants whose series does not apply to this base: skipped, and said so.
skipped_json={} kept=""
for v in ${variants//,/ }; do
	sv=SKIPPED_${v%@*}; sv=${sv//-/_}
	if [ -n "${!sv:-}" ]; then
		stage "variant ${v%@*} skipped on $base: ${!sv}"
		skipped_json=$(jq -c --arg v "${v%@*}" --arg why "${!sv}" '.[$v] = $why' <<<"$skipped_json")
	else
		kept="$kept,$v"
	fi
done
variants=${kept#,}
[ -n "$variants" ] || die "no variant applies to kernel base $base"
build_variants=$(for v in ${variants//,/ }; do echo "${v%@*}"; done | sort -u | paste -sd,)
# One harness build for every base: against the default base's uAPI headers.
eval "$("$top/kernel/build.sh" --uapi-only | grep -E '^HEADERS=')" || die "exporting the uAPI headers failed"
mark kernel_build "$s"

s=$(date +%s.%N)
stage "harness (with the kernel's UAPI headers)"
work_plugin=$(mktemp -d "$cache/vm-profile.XXXXXX")
trap 'rm -rf "$work_plugin"' EXIT
# One build dir per checkout: a CMake build dir belongs to one source dir.
gbuild=$cache/guest-build-$(echo "$top" | sha256sum | cut -c1-12)
# Two launches at once share it: the lock makes the second wait for the first's build.
exec 9>"$gbuild.lock"
flock 9
# The uAPI headers live in the cache: their path is mapped out of the debug
# info, which the linker's build ID covers (and the stripped binary keeps).
# Not under VPB_STRICT (run-tests.sh): a cache without QEMU's plugin header
# (tests/repro-build.sh's second one) still builds the guest's harness, and
# --profile says below when the plugin is missing.
env -u VPB_STRICT cmake -S "$top" -B "$gbuild" -DVPB_TESTS=OFF -DVPB_UAPI_DIR="$HEADERS" -DVPB_DATA_DIR=/nonexistent \
	-DCMAKE_C_FLAGS="-ffile-prefix-map=$cache/=" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$gbuild.log" 2>&1 &&
	cmake --build "$gbuild" -j"$(nproc)" --target vfio-pm-bench >>"$gbuild.log" 2>&1 ||
	{ tail -20 "$gbuild.log" >&2; die "harness build failed ($gbuild.log)"; }
if [ "$profile" = 1 ]; then
	cmake --build "$gbuild" --target vpb-profile >>"$gbuild.log" 2>&1 ||
		{ tail -5 "$gbuild.log" >&2; die "the profile plugin was not built: no qemu-plugin.h (scripts/qemu-plugin-h.sh fetches it)" 4; }
	plugin=$work_plugin/vpb-profile.so
	cp "$gbuild/vpb-profile.so" "$plugin"
fi
# The guest's harness with its symbols: what the host runs afterwards
# (summarize, profile, report), the very build that measured, whatever a
# launch started meanwhile does to the build dir; and, for a profile, the
# symbols of the user-space addresses.
host_bin=$work_plugin/vfio-pm-bench
cp "$gbuild/vfio-pm-bench" "$host_bin"
mark harness_build "$s"

s=$(date +%s.%N)
stage "initramfs"
work=$(mktemp -d "$cache/vm.XXXXXX")
trap 'rm -rf "$work" "$work_plugin"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,share,lib/vfio-variants}
# busybox and a link per applet, made once per busybox binary (270 ln calls
# took 1-2 s at every launch).
bb=$cache/busybox-$(sha256sum /bin/busybox | cut -c1-12)
if [ ! -d "$bb" ]; then
	t=$(mktemp -d "$cache/busybox.XXXXXX")
	cp /bin/busybox "$t/busybox"
	for a in $("$t/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$t/$a"
	done
	mv -T "$t" "$bb" 2>/dev/null || rm -rf "$t" # another launch made it first
fi
cp -a "$bb/." "$root/bin/"
cp "$top/kernel/vm/init" "$root/init"
cp "$top/kernel/vm/vpb-share" "$root/bin/vpb-share"
# Without its debug info, which names the build's directories: the
# initramfs is then the same from any checkout and cache path.
objcopy --strip-debug "$gbuild/vfio-pm-bench" "$root/bin/vfio-pm-bench"
exec 9>&- # the binary is copied: the next launch may rebuild
# The harness is linked dynamically (libhwloc.a needs a libudev.a Debian does
# not ship): its shared libraries and the loader go into the initramfs.
for lib in $(ldd "$gbuild/vfio-pm-bench" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp -r "$MODROOT/lib" "$root/"
# modules_install's build link names the kernel's build tree on this machine.
rm -f "$root"/lib/modules/*/build "$root"/lib/modules/*/source
for v in ${build_variants//,/ }; do
	var=VARIANT_${v//-/_}
	mkdir -p "$root/lib/vfio-variants/$v"
	cp "${!var}"/*.ko "$root/lib/vfio-variants/$v/"
done

# --- firmware ----------------------------------------------------------------------
sleep_of() { [ "$1" -gt 0 ] && echo "Sleep ($1)" || echo ""; }
sed -e "s/@ON_SLEEP@/$(sleep_of "$on_ms")/" -e "s/@OFF_SLEEP@/$(sleep_of "$off_ms")/" \
	"$top/kernel/vm/ssdt.asl.in" >"$work/ssdt.asl"
(cd "$work" && iasl -p ssdt ssdt.asl >iasl.log 2>&1) || { cat "$work/iasl.log" >&2; die "iasl failed"; }

# --- the job ----------------------------------------------------------------------------
declare -A bdf=([bridge]=0000:01:00.0 [root]=0000:00:03.0 [d3hot]=0000:00:04.0)
# The platform's devices and its kernel command line, for this launcher and
# for a LAVA job alike.
platform_devices=(-device pcie-root-port,id=rp1,bus=pcie.0,addr=07.0,chassis=1,slot=1,hotplug=off,x-speed=5
	-device e1000e,bus=rp1,addr=00.0
	-device e1000e,bus=pcie.0,addr=03.0
	-device nvme,bus=pcie.0,addr=04.0,serial=vpb0)
hz=$(sed -n 's/^CONFIG_HZ=//p' "$OBJTREE/.config")
isnum "$hz" || die "no CONFIG_HZ in $OBJTREE/.config"
if [ -n "$lava_out" ]; then
	# LAVA boots these itself: /init prepares what the harness needs and
	# gives a shell on the console (lava/README.md); the kernel's banner
	# stays visible (LAVA's auto-login waits for "Linux version").
	cp "$top/kernel/vm/lava-init" "$root/init"
	mkdir -p "$root/etc"
	echo "VPB_DEVICES=\"$(for d in $devices; do printf '%s ' "${bdf[$d]}"; done)\"" >"$root/etc/vpb-devices"
	find "$root" -exec touch -h -d @0 {} +
	mkdir -p "$lava_out"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) \
		>"$lava_out/initramfs.cpio"
	cp "$BZIMAGE" "$lava_out/bzImage"
	cp "$work/ssdt.aml" "$lava_out/ssdt.aml"
	{
		echo "# vfio-pm-bench vm --lava-images: base $base, Linux $KERNEL_RELEASE, variants $build_variants"
		echo "KERNEL_RELEASE=$KERNEL_RELEASE"
		echo "VARIANTS=$build_variants"
		echo "CMDLINE=\"console=ttyS0,115200 nokaslr pcie_port_pm=force lapic_timer_period=$((1000000000 / hz))\""
		echo "QEMU_PLATFORM=\"-M q35,i8042=off,vmport=off -cpu qemu64,+rdrand -bios $qboot -acpitable file=$lava_out/ssdt.aml ${platform_devices[*]}\""
	} >"$lava_out/images.env"
	mark initramfs "$s"
	stage "LAVA images in $lava_out (bzImage, initramfs.cpio, ssdt.aml, images.env)"
	exit 0
fi
devargs="" varargs=""
for d in $devices; do devargs="$devargs --device ${bdf[$d]}"; done
for v in ${variants//,/ }; do varargs="$varargs --variant $v=/lib/vfio-variants/${v%@*}"; done
[ -n "$run_id" ] || run_id=$(date -u +%Y%m%dT%H%M%SZ)-$([ "$profile" = 1 ] && echo profile || echo vm)
guest_iommu=noiommu
run_profile=""
[ "$profile" = 0 ] || run_profile=--profile
[ "$iommu" = intel-iommu ] && guest_iommu=type1
# The job is part of the initramfs: the guest reads nothing through virtio-9p
# before it ends (9p requests complete on host threads, at host-dependent
# guest times). A --job gets the shared folder mounted at its start; the
# default job mounts it after the measurement, to copy the results out.
mkdir -p "$work/share"
cat >"$root/job.sh" <<JOB
set -u
# Dependencies of the variants' modules that stay in-tree. The emulated
# IOMMU runs without interrupt remapping (intremap=off: TCG has no split
# irqchip), so MSIs are not isolated and iommufd refuses to bind (EPERM)
# unless told it is allowed, as vfio_iommu_type1 is.
modprobe iommufd allow_unsafe_interrupts=1 2>/dev/null
modprobe irqbypass 2>/dev/null
# The root port has no PM capability, so d3cold_allowed starts at 0.
echo 1 >/sys/bus/pci/devices/0000:00:07.0/d3cold_allowed 2>/dev/null
export VPB_DEVICES="$(for d in $devices; do printf '%s ' "${bdf[$d]}"; done)"
JOB
if [ -n "$job" ]; then
	{ echo 'vpb-share || exit 1' && cat "$job"; } >>"$root/job.sh"
else
	cat >>"$root/job.sh" <<JOB
vfio-pm-bench run --suite $suites $devargs $varargs --rounds $rounds \
	--iommu $guest_iommu --clock-label $clock --results /tmp/results \
	--platform-id qemu-q35-tcg-$clock --run-id $run_id $run_profile --summary defer ${extra[*]:-}
rc=\$?
{ vpb-share && cp -r /tmp/results /share/; } || rc=1
exit \$rc
JOB
fi
cp "$root/job.sh" "$work/share/job.sh" # for --share-out
# Uncompressed: inflating it cost the guest 0.19 s of instructions at every
# boot (boot to /init: 0.71 s gzip'ed, 0.52 s as is).
# Byte for byte the same from launch to launch (file order, inode numbers,
# times): the kernel reads the archive's headers early in boot, and under
# icount different header bytes gave a different boot.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) \
	>"$work/initramfs.cpio"
mark initramfs "$s"
stage "images: bzImage $(sha256sum <"$BZIMAGE" | cut -c1-16) initramfs $(sha256sum <"$work/initramfs.cpio" | cut -c1-16)"
# tests/repro-build.sh keeps the initramfs to name what differs.
[ -z "${VPB_KEEP_INITRAMFS:-}" ] || cp "$work/initramfs.cpio" "$VPB_KEEP_INITRAMFS"

# --- boot ----------------------------------------------------------------------------------
if [ "$clock" = icount ]; then
	# -seed: without it QEMU hands the guest host randomness
	# (qemu_guest_getrandom), and the guest's random layouts (user-space
	# ASLR, hash seeds, stack offsets) change the instructions it executes.
	accel=(-accel tcg -icount shift=0,sleep=off -smp 1 -seed 1)
else
	accel=(-accel tcg,thread=multi -smp "$smp")
fi
iommu_args=() cmdline_iommu=""
if [ "$iommu" = intel-iommu ]; then
	iommu_args=(-device intel-iommu,intremap=off)
	cmdline_iommu="intel_iommu=on"
fi
# log_buf_len: `vfio-pm-bench stress` reads the whole kernel log, and under noiommu
# every open of a device fd logs a line (thousands a second).
# lapic_timer_period (kernel/platform/0001-*): QEMU's APIC timer counts the
# virtual clock's nanoseconds, 10^9/HZ per jiffy, so the guest takes that
# rate instead of spinning 100 ms to measure it (under icount, 10^8
# instructions: the boot to /init took 5.1-6.9 s with the spin, 2.6-3.4 s
# without).
# -cpu: the default model (qemu64) plus RDRAND, so the kernel's random pool
# is ready at boot; without it the harness's first read of /dev/urandom ran
# the kernel's jitter-entropy loop: 1 s of guest time before the first suite.
# Under icount, with -seed, RDRAND is deterministic too.
# The firmware is qboot, not SeaBIOS: SeaBIOS drives the NVMe controller,
# whose commands complete on a QEMU host thread, so under icount every boot
# started its kernel at a different instruction count (and SeaBIOS's PS/2
# setup added more). With qboot, no PS/2 controller, -seed and the same
# initramfs, two icount runs give the same figures to the ns.
qemu=(qemu-system-x86_64 -M q35,i8042=off,vmport=off -cpu qemu64,+rdrand -bios "$qboot"
	"${accel[@]}" -m "$memory"
	-nodefaults -no-user-config
	-display none -serial file:"$work/console.log" -no-reboot
	-rtc base=2026-01-01T00:00:00,clock=vm
	-kernel "$BZIMAGE" -initrd "$work/initramfs.cpio"
	-append "console=ttyS0 panic=-1 nokaslr pcie_port_pm=force log_buf_len=8M lapic_timer_period=$((1000000000 / hz)) $cmdline_iommu"
	-acpitable file="$work/ssdt.aml" "${iommu_args[@]}"
	"${platform_devices[@]}"
	-fsdev local,id=share,path="$work/share",security_model=none
	-device virtio-9p-pci,fsdev=share,mount_tag=share,bus=pcie.0,addr=0a.0)
# The plugin runs with the icount clock's one vCPU; its counts go to a host file.
[ "$profile" = 0 ] || qemu+=(-plugin "$plugin,out=$work_plugin/plugin.txt")
s=$(date +%s.%N)
stage "booting $base (Linux $KERNEL_RELEASE): ${variants//,/ } x $rounds rounds, suites $suites, clock $clock"
host_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
console=$work/console.log
set +e
# The console goes to a file, never a pipe: a full pipe makes QEMU's UART
# retry on a host timer, which breaks icount's determinism. Progress lines
# are followed from the file.
: >"$console"
timeout --foreground -k 5 "$timeout" "${qemu[@]}" </dev/null >"$work/qemu.log" 2>&1 &
qpid=$!
tail --pid="$qpid" -s 0.2 -n +1 -F "$console" 2>/dev/null |
	grep --line-buffered -E '^(round|run |vfio-pm-bench|  [a-z]|VPB-|ok |not ok |# )' |
	while IFS= read -r line; do stage "  guest: $line"; done
wait "$qpid"
qrc=$?
host_end=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat "$work/qemu.log" >>"$console"
set -e
mark guest "$s"
cp "$console" "$cache/console-last.log"
[ -z "$job" ] || { rm -rf "$cache/share-last"; cp -r "$work/share" "$cache/share-last"; }
if [ -n "$share_out" ]; then # this launch's own copy: another may finish meanwhile
	rm -rf "$share_out"
	cp -r "$work/share" "$share_out" && cp "$console" "$share_out/console.log"
fi
boot_s=$(sed -n 's/^VPB-BOOTED //p' "$console" | tr -d '\r')
guest_rc=$(sed -n 's/^VPB-EXIT \([0-9]*\).*/\1/p' "$console" | tr -d '\r')

# --- collect --------------------------------------------------------------------------
failed="" summary_failed=""
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	failed="the guest did not power off within ${timeout}s"
elif grep -q "Kernel panic" "$console"; then
	failed="the guest kernel panicked"
elif [ -z "$guest_rc" ]; then
	failed="the guest stopped without reporting (qemu exit $qrc)"
fi
src=$(ls -d "$work/share/results/"*/"$run_id" 2>/dev/null | head -n1 || true)
if [ -n "$src" ]; then
	plat=$(basename "$(dirname "$src")")
	dest=$results/$plat
	mkdir -p "$dest"
	cp "$(dirname "$src")"/platform.json "$(dirname "$src")"/lstopo.xml "$dest/" 2>/dev/null || true
	cp "$console" "$src/console.log"
	if [ "$profile" = 1 ]; then
		mkdir -p "$src/profile"
		# xz: 20 MB of counts for five variants' ioctl suite become 0.15 MB
		{ [ -s "$work_plugin/plugin.txt" ] &&
			xz -T1 -c "$work_plugin/plugin.txt" >"$src/profile/plugin.txt.xz"; } ||
			failed="the profile plugin wrote no counts"
		# The symbols of the user-space files the harness mapped
		# executable: the guest's copies are this machine's files (the
		# harness: its build with the symbols).
		[ -f "$src/profile/maps.txt" ] && awk '$2 ~ /x/ && $6 ~ /^\// { print $6 }' "$src/profile/maps.txt" |
			sort -u | while read -r f; do
				hf=$f
				[ "$f" = /bin/vfio-pm-bench ] && hf=$host_bin
				# a stripped file has no .symtab, a static one no .dynsym
				{ nm --defined-only "$hf" 2>/dev/null || :; nm -D --defined-only "$hf" 2>/dev/null || :; } |
					awk -v f="$f" '$2 ~ /^[tTwWiI]$/ { sub(/@.*/, "", $3); print f "\t" $1 "\t" $3 }'
			done | sort -u >"$src/profile/user-symbols.tsv"
	fi
	[ -f "$work/share/dmesg.txt" ] && cp "$work/share/dmesg.txt" "$src/dmesg.txt"
	# The guest only measured (run --summary defer): the summary is computed
	# here, before anything reads it. On failure the samples stay with the run.
	if [ -f "$src/series.raw.json" ] && [ ! -f "$src/summary.json" ]; then
		s=$(date +%s.%N)
		stage "summary (vfio-pm-bench summarize, on the host)"
		"$host_bin" summarize "$src" ||
			summary_failed="the summary was not computed: the samples are kept in $dest/$run_id/series.raw.json ('vfio-pm-bench summarize $dest/$run_id' computes it)"
		mark summary "$s"
	fi
	# vm.json: how the guest ran; run.json (the guest's) gets the same under "vm".
	stages=$(for i in "${!stage_names[@]}"; do
		printf '%s\t%s\n' "${stage_names[$i]}" "${stage_secs[$i]}"
	done | jq -R -n '[inputs | split("\t") | {(.[0]): (.[1] | tonumber)}] | add')
	jq -n --arg qemu "$(echo "${qemu[*]}" | sed "s|$work|<work>|g; s|$cache|<cache>|g")" \
		--arg key "$KERNEL_KEY" --arg clock "$clock" --argjson boot "${boot_s:-null}" \
		--argjson on "$on_ms" --argjson off "$off_ms" --argjson stages "$stages" \
		--arg kimg "$(sha256sum <"$BZIMAGE" | cut -c1-64)" \
		--arg initrd "$(sha256sum <"$work/initramfs.cpio" | cut -c1-64)" \
		--arg ssdt "$(sha256sum <"$work/ssdt.aml" | cut -c1-64)" \
		--arg bname "$BASE" --arg bpkg "$BASE_PACKAGE" --arg bver "$BASE_VERSION" \
		--arg bsha "$BASE_SHA256" --arg krel "$KERNEL_RELEASE" --argjson skipped "$skipped_json" \
		--arg hs "$host_start" --arg he "$host_end" \
		'{qemu: $qemu, kernel_key: $key, clock: $clock, boot_to_init_s: $boot,
		  base: {name: $bname, package: $bpkg, version: $bver, sha256: $bsha,
		         kernel_release: $krel},
		  skipped_variants: $skipped, host_start_time: $hs, host_end_time: $he,
		  acpi_on_delay_ms: $on, acpi_off_delay_ms: $off, stages_s: $stages,
		  sha256: {bzImage: $kimg, initramfs: $initrd, ssdt: $ssdt}}' \
		>"$src/vm.json.tmp" && mv "$src/vm.json.tmp" "$src/vm.json"
	if [ -f "$src/run.json" ]; then
		# The guest's clock starts at the same instant every boot (-rtc
		# base=2026-01-01): the run's times are the host's, the guest's kept.
		{ jq --slurpfile vm "$src/vm.json" '.vm = $vm[0] | .base = $vm[0].base
			| .guest_start_time = .start_time | .guest_end_time = .end_time
			| .start_time = $vm[0].host_start_time | .end_time = $vm[0].host_end_time' \
			"$src/run.json" >"$src/run.json.tmp" &&
			mv "$src/run.json.tmp" "$src/run.json"; } || rm -f "$src/run.json.tmp"
	fi
	rm -rf "$dest/.$run_id.tmp"
	cp -r "$src" "$dest/.$run_id.tmp" && mv "$dest/.$run_id.tmp" "$dest/$run_id"
	stage "results in $dest/$run_id"
	echo "$dest/$run_id"
fi
if [ -n "$failed" ]; then
	echo "vfio-pm-bench vm: $failed; last 40 console lines:" >&2
	tail -n 40 "$console" >&2
	exit 1
fi
[ -n "$src" ] || [ -n "$job" ] || die "the guest wrote no results (exit $guest_rc)"
[ -z "$summary_failed" ] || die "$summary_failed"
if [ "$profile" = 1 ] && [ -n "$src" ]; then
	stage "profile"
	"$host_bin" profile "$dest/$run_id" >/dev/null ||
		echo "vfio-pm-bench vm: the profile tables failed; the counts are kept" >&2
fi
if [ "$report" = 1 ] && [ -n "$src" ]; then
	stage "report"
	# (its build's own idea of plot/ is /nonexistent: the guest's is the same from any checkout)
	VPB_PLOT_DIR=$top/plot "$host_bin" report "$dest" --run "$run_id" ||
		echo "vfio-pm-bench vm: the report failed; the results are kept" >&2
fi
stage "done (guest exit $guest_rc)"
[ "$guest_rc" = 0 ] || exit 1
