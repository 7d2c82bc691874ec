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
recipe=3

usage() {
	cat <<USAGE
usage: kernel/build.sh [options]
Builds the guest kernel (the pinned source with kernel/platform/series applied,
tinyconfig + config/guest.config) and each variant's drivers/vfio modules.
  --variants LIST   comma-separated variants to build (default: all in kernel/variants)
  --debug           build the debug kernel (config/debug.config: lockdep, KASAN)
  --base TARBALL    use another kernel source tarball than the pinned one (recorded)
  --kdir DIR        build the variants' modules against this kernel build tree
                    (e.g. /lib/modules/\$(uname -r)/build) instead of the guest kernel
  --ksrc DIR        with --kdir: the kernel source whose drivers/vfio is patched
                    (default: the pinned base, unpacked)
  --jobs N          parallel make jobs (default: nproc)
  -h, --help        this text
USAGE
}

variants="" debug=0 base="" kdir="" ksrc="" jobs=$(nproc)
while [ $# -gt 0 ]; do
	case "$1" in
	--variants) variants=${2:?--variants needs a list}; shift 2 ;;
	--debug) debug=1; shift ;;
	--base) base=${2:?--base needs a tarball}; shift 2 ;;
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

# --- the pinned base ---------------------------------------------------------
pinned_sha=$(sed -n 's/^sha256=//p' "$here/base.txt")
pinned_tar=$(sed -n 's/^tarball=//p' "$here/base.txt")
tarball=${base:-$pinned_tar}
[ -f "$tarball" ] || die "kernel source $tarball not found (apt-get install $(sed -n 's/^package=//p' "$here/base.txt"))"
sha=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ -z "$base" ] && [ "$sha" != "$pinned_sha" ]; then
	die "$tarball has sha256 $sha, not the pinned $pinned_sha (kernel/base.txt); pass --base $tarball to use it anyway"
fi
# The guest platform's own kernel patches (kernel/platform/series), applied
# to the unpacked source; the variants patch only their copy of drivers/vfio.
read_series "$here/platform" "kernel/platform"
platform_patches=(${series[@]+"${series[@]}"})
pkey=$(cat "$here/platform/series" "${platform_patches[@]}" | sha256sum | cut -c1-8)
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

# --- the guest kernel ----------------------------------------------------------
frags=("$here/config/guest.config")
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
		missing=""
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) grep -qxF "$line" "$obj/.config" || missing="$missing $line" ;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }; opt=${opt%% *}
				grep -q "^$opt=" "$obj/.config" && missing="$missing $opt(should be unset)" ;;
			esac
		done < <(cat "${frags[@]}")
		[ -z "$missing" ] || die "config lines lost after olddefconfig:$missing"
		step "building bzImage and modules (make -j$jobs; 7.5 to 9 minutes on 2 cores)"
		if ! make -s -C "$src" O="$obj" -j"$jobs" bzImage modules scripts_unifdef \
			>"$obj/build.log" 2>&1; then
			tail -n 30 "$obj/build.log" >&2
			die "kernel build failed; full log: $obj/build.log"
		fi
		# The uAPI headers the harness includes from this kernel, exported as
		# headers_install does; the rest of what it includes comes from the
		# system. `make headers_install` exports all 1000 of them, one
		# process each: 36 s.
		mkdir -p "$obj/uapi/include/linux"
		for h in vfio.h iommufd.h; do
			(cd "$obj" && sh "$src/scripts/headers_install.sh" "$src/include/uapi/linux/$h" \
				"uapi/include/linux/$h") >>"$obj/build.log" 2>&1 ||
				die "exporting include/uapi/linux/$h failed; log: $obj/build.log"
		done
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
out_lines=("KERNEL_KEY=$kkey" "OBJTREE=$obj" "SRC=$src")
if [ -z "$kdir" ]; then
	out_lines+=("BZIMAGE=$obj/arch/x86/boot/bzImage" "HEADERS=$obj/uapi/include"
		"MODROOT=$obj/modroot")
fi
for v in ${variants//,/ }; do
	vdir=$here/variants/$v
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
				echo "$res" | grep -E 'FAILED|can.t find file|patching file' >&2 || echo "$res" >&2
				die "variant $v: patch ${p##*/} does not apply"
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
done
printf '%s\n' "${out_lines[@]}"
