#!/usr/bin/env bash
# kernel/build.sh: build the guest kernel and every vfio variant's modules.
#
# Progress goes to stderr; the last lines on stdout are KEY=VALUE pairs
# (KERNEL_KEY, OBJTREE, BZIMAGE, HEADERS, VARIANT_<name>=<module dir>) that
# the QEMU launcher reads. Everything is cached under $VFIO_PM_BENCH_CACHE
# (default ~/.cache/vfio-pm-bench), keyed by a hash of its inputs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VFIO_PM_BENCH_CACHE:-$HOME/.cache/vfio-pm-bench}
# Bump when the way a kernel or a variant is built changes.
recipe=4
. "$here/base.sh"

# Byte-identical builds on any machine: the kernel embeds the build's time,
# user and host in its version string, and the compiler the paths of the
# sources (the cache lives under $HOME, the variants' copies in it).
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" KBUILD_BUILD_USER=vfio-pm-bench \
	KBUILD_BUILD_HOST=vfio-pm-bench KBUILD_BUILD_VERSION=1

usage() {
	cat <<USAGE
usage: kernel/build.sh [options]
Builds the guest kernel (the pinned source with kernel/platform/series applied,
tinyconfig + config/guest.config) and each variant's drivers/vfio modules.
  --variants LIST   comma-separated variants to build (default: all in kernel/variants)
  --debug           build the debug kernel (config/debug.config: lockdep, KASAN)
  --base NAME       the kernel base (kernel/bases/NAME; default: kernel/bases/default)
  --kdir DIR        build the variants' modules against this kernel build tree
                    (e.g. /lib/modules/\$(uname -r)/build) instead of the guest kernel
  --ksrc DIR        with --kdir: the kernel source whose drivers/vfio is patched
                    (default: the pinned base, unpacked)
  --uapi-only       only print the base's exported uAPI headers (HEADERS=DIR)
  --jobs N          parallel make jobs (default: nproc)
  -h, --help        this text
USAGE
}

variants="" debug=0 base="" kdir="" ksrc="" jobs=$(nproc) uapi_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--variants) variants=${2:?--variants needs a list}; shift 2 ;;
	--debug) debug=1; shift ;;
	--uapi-only) uapi_only=1; shift ;;
	--base) base=${2:?--base needs a name}; shift 2 ;;
	--kdir) kdir=${2:?--kdir needs a directory}; shift 2 ;;
	--ksrc) ksrc=${2:?--ksrc needs a directory}; shift 2 ;;
	--jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "kernel/build.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

t0=$(date +%s)
step() { printf '[build %4ds] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }
die() { echo "kernel/build.sh: $*" >&2; exit 1; }
# A variant that does not apply to the base is skipped, not a failure: the
# reason goes to stderr and to the SKIPPED_<name> output line.
skip() { # VARIANT REASON
	step "variant $1: skipped: $2"
	out_lines+=("SKIPPED_${1//-/_}=$2")
}
# The patches DIR/series lists, in order, into $series (blank lines and
# comments skipped); WHAT names the series in errors.
read_series() { # DIR WHAT
	local p
	series=()
	while IFS= read -r p; do
		case "$p" in ''|\#*) continue ;; esac
		[ -f "$1/$p" ] || die "$2: series names $p, which is missing"
		series+=("$1/$p")
	done <"$1/series"
}

all_variants=$(cd "$here/variants" && ls -d */ | tr -d / | tr '\n' ' ')
[ -n "$variants" ] || variants=$(echo $all_variants | tr ' ' ',')
for v in ${variants//,/ }; do
	[ -f "$here/variants/$v/series" ] ||
		{ echo "kernel/build.sh: unknown variant '$v' (valid: $all_variants)" >&2; exit 2; }
done

for tool in make gcc flex bison bc patch xz lz4; do
	command -v $tool >/dev/null ||
		die "'$tool' not found (apt-get install build-essential flex bison bc patch xz-utils lz4)"
done

# --- the base ---------------------------------------------------------------
[ -n "$base" ] || base=$(base_default)
(base_load "$base") || exit 2
base_load "$base"
tarball=$(base_tarball) || exit 1
sha=$BASE_SHA256
# The guest platform's own kernel patches (kernel/platform/series), applied
# to the unpacked source; the variants patch only their copy of drivers/vfio.
read_series "$here/platform" "kernel/platform"
platform_patches=(${series[@]+"${series[@]}"})
pkey=$(cat "$here/platform/series" "${platform_patches[@]}" | sha256sum | cut -c1-8)
# Absolute paths the compiler would embed (__FILE__ outside the kernel's
# own -fmacro-prefix-map, the variants' out-of-tree copies) are mapped away.
export KCFLAGS="-ffile-prefix-map=$cache/="
src_root=$cache/src/${sha:0:12}-p$pkey
if [ ! -f "$src_root/.unpacked" ]; then
	step "unpacking $tarball"
	rm -rf "$src_root" && mkdir -p "$src_root"
	# The Debian tarball is xz in 62 blocks: xz decompresses them on every
	# CPU (9 s single-threaded, 5 s on 2 CPUs).
	tar -C "$src_root" --use-compress-program='xz -T0' -xf "$tarball"
	for p in "${platform_patches[@]}"; do
		step "applying kernel/platform/${p##*/}"
		patch -d "$(ls -d "$src_root"/*/ | head -n1)" -p1 -N --no-backup-if-mismatch \
			-r - -s <"$p" >&2 || die "kernel/platform/${p##*/} does not apply to $tarball"
	done
	touch "$src_root/.unpacked"
fi
src=$(ls -d "$src_root"/*/ | head -n1)
src=${src%/}
krel=$(awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 }
	/^SUBLEVEL =/ { print v "." p "." $3; exit }' "$src/Makefile")
kver=${krel%.*}
# The uAPI headers the harness includes, exported from the source as
# headers_install does (the rest of what it includes comes from the system;
# `make headers_install` exports all 1000 of them, one process each: 36 s).
# A header the base does not have (6.1 has no iommufd.h) is left out.
uapi=$src_root/uapi/include
if [ ! -f "$src_root/.uapi" ]; then
	mkdir -p "$uapi/linux" "$src_root/scripts"
	# headers_install.sh runs scripts/unifdef from the current directory.
	gcc -O2 -o "$src_root/scripts/unifdef" "$src/scripts/unifdef.c" ||
		die "building scripts/unifdef failed"
	for h in vfio.h iommufd.h; do
		[ -f "$src/include/uapi/linux/$h" ] || continue
		(cd "$src_root" && sh "$src/scripts/headers_install.sh" "$src/include/uapi/linux/$h" \
			"uapi/include/linux/$h") >&2 || die "exporting include/uapi/linux/$h failed"
	done
	touch "$src_root/.uapi"
fi
if [ "$uapi_only" = 1 ]; then
	printf '%s=%q\n' BASE "$BASE_NAME" HEADERS "$uapi"
	exit 0
fi

# --- the guest kernel ----------------------------------------------------------
frags=("$here/config/guest.config")
# What one kernel release needs beyond the shared fragment.
[ -f "$here/config/guest-$kver.config" ] && frags+=("$here/config/guest-$kver.config")
[ $debug = 1 ] && frags+=("$here/config/debug.config")
if [ -z "$kdir" ]; then
	kkey=$( (echo "recipe=$recipe sha=$sha platform=$pkey"; cat "${frags[@]}") | sha256sum | cut -c1-16)
	obj=$cache/kbuild/$kkey
	# Two builds of one kernel at once would share its tree: the second waits.
	mkdir -p "$cache/kbuild"
	exec 8>"$obj.lock"
	flock 8
	if [ ! -f "$obj/.done" ]; then
		mkdir -p "$obj"
		step "configuring kernel $kkey (tinyconfig + ${frags[*]##*/})"
		# `make tinyconfig`, with our fragments appended before its final
		# olddefconfig: each run of Kconfig probes the compiler for 5 s.
		KCONFIG_ALLCONFIG="$src/kernel/configs/tiny-base.config" \
			make -s -C "$src" O="$obj" allnoconfig >"$obj/config.log" 2>&1
		# Kconfig reads a later line for a symbol over an earlier one, so
		# appending the fragments is what merge_config.sh -m does, without
		# its grep and sed per line (the same .config, seconds sooner).
		cat "$src/kernel/configs/tiny.config" "$src/arch/x86/configs/tiny.config" \
			"${frags[@]}" >>"$obj/.config"
		make -s -C "$src" O="$obj" olddefconfig >>"$obj/config.log" 2>&1
		# Every fragment line must survive, but for symbols this base does
		# not define (6.1 has no IOMMUFD or VFIO_DEVICE_CDEV, say): those are
		# listed in absent-symbols.txt and recorded with the build.
		# A later fragment's line for a symbol overrides an earlier one's,
		# as in Kconfig: the lines are read last first, each symbol once.
		missing="" absent="" seen=" "
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) opt=${line%%=*} ;;
			"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
			*) continue ;;
			esac
			[[ "$seen" == *" $opt "* ]] && continue
			seen="$seen$opt "
			case "$line" in
			CONFIG_*=*) grep -qxF "$line" "$obj/.config" && continue ;;
			*) grep -q "^$opt=" "$obj/.config" || continue
				line="$opt(should be unset)" ;;
			esac
			if grep -rqE "^(menu)?config ${opt#CONFIG_}\$" "$src" --include='Kconfig*'; then
				missing="$missing $line"
			else
				absent="$absent ${opt#CONFIG_}"
			fi
		done < <(cat "${frags[@]}" | tac)
		[ -z "$missing" ] || die "config lines lost after olddefconfig:$missing"
		echo "${absent# }" >"$obj/absent-symbols.txt"
		[ -z "$absent" ] || step "not in this base's Kconfig (ignored):$absent"
		step "building bzImage and modules (make -j$jobs; 7.5 to 9 minutes on 2 cores)"
		if ! make -s -C "$src" O="$obj" -j"$jobs" bzImage modules \
			>"$obj/build.log" 2>&1; then
			tail -n 30 "$obj/build.log" >&2
			die "kernel build failed; full log: $obj/build.log"
		fi
		make -s -C "$src" O="$obj" modules_install INSTALL_MOD_PATH="$obj/modroot" >>"$obj/build.log" 2>&1
		touch "$obj/.done"
		step "kernel $kkey built"
	else
		step "kernel $kkey cached"
	fi
	exec 8>&-
else
	[ -f "$kdir/Makefile" ] || die "--kdir $kdir is not a kernel build tree (no Makefile)"
	obj=$(cd "$kdir" && pwd)
	kkey=$( (echo "recipe=$recipe kdir=$obj"; cat "$obj/.config" 2>/dev/null || true) | sha256sum | cut -c1-16)
	[ -n "$ksrc" ] && src=$(cd "$ksrc" && pwd)
fi

# --- the variants ----------------------------------------------------------------
out_lines=("KERNEL_KEY=$kkey" "OBJTREE=$obj" "SRC=$src" "KERNEL_VERSION=$kver" "KERNEL_RELEASE=$krel")
if [ -z "$kdir" ]; then
	out_lines+=("BASE=$BASE_NAME" "BASE_PACKAGE=$BASE_PACKAGE" "BASE_VERSION=$BASE_VERSION"
		"BASE_SHA256=$BASE_SHA256" "BZIMAGE=$obj/arch/x86/boot/bzImage" "HEADERS=$uapi"
		"MODROOT=$obj/modroot")
fi
built=""
for v in ${variants//,/ }; do
	# A variant's series is written against one kernel release; a port to
	# another lives in kernel/variants/<name>/<major.minor>/.
	vdir=$here/variants/$v
	[ -f "$vdir/$kver/series" ] && vdir=$vdir/$kver
	if [ -z "$kdir" ] && [[ ",$BASE_VARIANTS," != *",$v,"* ]]; then
		skip "$v" "not listed in kernel/bases/$BASE_NAME"
		continue
	fi
	read_series "$vdir" "variant $v"
	patches=(${series[@]+"${series[@]}"})
	vkey=$( (echo "recipe=$recipe kernel=$kkey variant=$v"; cat "$vdir/series" ${patches[@]+"${patches[@]}"}) |
		sha256sum | cut -c1-16)
	vout=$cache/variants/$vkey
	mkdir -p "$cache/variants"
	exec 7>"$vout.lock"
	flock 7
	if [ ! -f "$vout/.done" ]; then
		step "variant $v: applying ${#patches[@]} patch(es)"
		rm -rf "$vout" && mkdir -p "$vout/work/drivers" "$vout/work/include/uapi/linux" \
			"$vout/work/include/linux"
		cp -r "$src/drivers/vfio" "$vout/work/drivers/"
		cp "$src/include/uapi/linux/vfio.h" "$vout/work/include/uapi/linux/"
		# In-kernel headers a variant may change (struct vfio_device,
		# struct vfio_pci_core_device); first on the include path too.
		cp "$src/include/linux/vfio.h" "$src/include/linux/vfio_pci_core.h" \
			"$vout/work/include/linux/"
		for p in ${patches[@]+"${patches[@]}"}; do
			if ! res=$(patch -d "$vout/work" -p1 -N --no-backup-if-mismatch -r - <"$p" 2>&1); then
				hunks=$(echo "$res" | grep -E 'FAILED|can.t find file' | head -n3 | paste -sd';')
				skip "$v" "${p##*/} does not apply to $kver: ${hunks:-$(echo "$res" | tail -n1)}"
				rm -rf "$vout"
				exec 7>&-
				continue 2
			fi
		done
		# Stamp the variant into MODULE_VERSION: /sys/module/vfio/version.
		sed -i "s/^#define DRIVER_VERSION\t\"0.3\"$/#define DRIVER_VERSION\t\"0.3+$v\"/" \
			"$vout/work/drivers/vfio/vfio_main.c"
		grep -q "DRIVER_VERSION.*\"0.3+$v\"" "$vout/work/drivers/vfio/vfio_main.c" ||
			die "variant $v: could not stamp DRIVER_VERSION in vfio_main.c"
		# Build drivers/vfio as an external module tree; the variant's
		# uAPI header comes first on the include path (as backports do).
		cat >"$vout/work/drivers/vfio/Kbuild" <<KBUILD
NOSTDINC_FLAGS := -I$vout/work/include \$(NOSTDINC_FLAGS)
include \$(src)/Makefile
KBUILD
		step "variant $v: building modules"
		if ! make -s -C "$obj" M="$vout/work/drivers/vfio" -j"$jobs" modules >"$vout/build.log" 2>&1; then
			tail -n 30 "$vout/build.log" >&2
			die "variant $v: module build failed; full log: $vout/build.log"
		fi
		mkdir -p "$vout/modules"
		find "$vout/work/drivers/vfio" -name '*.ko' -exec cp {} "$vout/modules/" \;
		cp "$vout/work/include/uapi/linux/vfio.h" "$vout/vfio.h"
		echo "$v" >"$vout/variant"
		touch "$vout/.done"
		step "variant $v: built ($(ls "$vout/modules" | tr '\n' ' '))"
	else
		step "variant $v: cached ($vkey)"
	fi
	exec 7>&-
	out_lines+=("VARIANT_${v//-/_}=$vout/modules")
	built="$built,$v"
done
out_lines+=("VARIANTS=${built#,}")
# Values shell-quoted: the launcher evals these lines.
for l in "${out_lines[@]}"; do printf '%s=%q\n' "${l%%=*}" "${l#*=}"; done
