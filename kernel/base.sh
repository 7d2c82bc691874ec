# kernel/base.sh: the catalogue of kernel bases (kernel/bases/<name>), sourced
# by kernel/build.sh, kernel/vm/vm.sh, scripts/deps.sh and the tests.
#
# A base is a Debian source package at one exact version and the sha256 of
# the tarball it ships; kernel/bases/default names the default base. A build
# never uses a tarball whose sha256 is not the pinned one, and never falls
# back to another version.
#
# Callers set $cache (the cache root) before base_tarball, and may set
# VPB_BASES_DIR to use another catalogue (the tests do).

bases_dir=${VPB_BASES_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bases}

base_die() { echo "$*" >&2; exit 1; }

# base_names: every base in the catalogue, one per line.
base_names() {
	local f
	for f in "$bases_dir"/*; do
		case "${f##*/}" in default | README* | *.md) continue ;; esac
		[ -f "$f" ] && echo "${f##*/}"
	done
}

base_default() {
	local d
	d=$(tr -d ' \n' <"$bases_dir/default" 2>/dev/null) ||
		base_die "kernel/bases/default: missing (it names the default base)"
	echo "$d"
}

# base_load NAME: sets BASE_NAME, BASE_PACKAGE, BASE_VERSION, BASE_TARBALL
# (the path inside the package), BASE_SHA256 and BASE_VARIANTS (comma list).
base_load() {
	local name=$1 f key val
	f=$bases_dir/$name
	if [ -z "$name" ] || [ ! -f "$f" ] || [ "$name" = default ]; then
		base_die "unknown kernel base '$name' (valid: $(base_names | paste -sd' '))"
	fi
	BASE_NAME=$name BASE_PACKAGE="" BASE_VERSION="" BASE_TARBALL="" BASE_SHA256="" BASE_VARIANTS=""
	while IFS='=' read -r key val; do
		case "$key" in
		package) BASE_PACKAGE=$val ;;
		version) BASE_VERSION=$val ;;
		tarball) BASE_TARBALL=$val ;;
		sha256) BASE_SHA256=$val ;;
		variants) BASE_VARIANTS=$val ;;
		'' | \#*) ;;
		*) base_die "kernel/bases/$name: unknown key '$key'" ;;
		esac
	done <"$f"
	for key in PACKAGE VERSION TARBALL SHA256; do
		val=BASE_$key
		[ -n "${!val}" ] || base_die "kernel/bases/$name: no ${key,,}= line"
	done
	[[ "$BASE_SHA256" =~ ^[0-9a-f]{64}$ ]] || base_die "kernel/bases/$name: sha256 is not 64 hex digits"
}

# base_archive_versions PACKAGE: the versions the configured archive offers.
base_archive_versions() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV
}

# base_missing_msg: the one line for a pin the archive no longer has.
base_missing_msg() {
	local have
	have=$(base_archive_versions "$BASE_PACKAGE" | paste -sd' ')
	echo "kernel base $BASE_NAME pins $BASE_PACKAGE=$BASE_VERSION, which the archive no longer has (it has: ${have:-none}); to move the pin, put a version it has and its tarball's sha256 in kernel/bases/$BASE_NAME (or add a new base there)"
}

# base_installed: true when the pinned version of the package is installed.
base_installed() {
	[ "$(dpkg-query -W -f='${Status} ${Version}' "$BASE_PACKAGE" 2>/dev/null)" = \
		"install ok installed $BASE_VERSION" ]
}

# base_tarball: prints the path of the loaded base's verified source tarball.
# The installed package's when it is the pinned version; otherwise the
# package is fetched (apt-get download, no install: two versions of one
# package cannot be installed side by side) into $cache/bases/<name>/.
base_tarball() {
	local dir=$cache/bases/$BASE_NAME t tmp sha
	if base_installed && [ -f "$BASE_TARBALL" ]; then
		t=$BASE_TARBALL
	else
		t=$dir/${BASE_TARBALL##*/}
		if [ ! -f "$t" ]; then
			command -v apt-get >/dev/null ||
				base_die "kernel base $BASE_NAME: $BASE_PACKAGE=$BASE_VERSION is not installed and there is no apt-get to fetch it"
			mkdir -p "$dir"
			tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
			echo "kernel base $BASE_NAME: fetching $BASE_PACKAGE=$BASE_VERSION" >&2
			if ! (cd "$tmp" && apt-get download -q "$BASE_PACKAGE=$BASE_VERSION") >"$tmp/log" 2>&1; then
				rm -rf "$tmp"
				base_die "$(base_missing_msg)"
			fi
			dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xO ".$BASE_TARBALL" >"$tmp/src.tar.xz" ||
				{ rm -rf "$tmp"; base_die "kernel base $BASE_NAME: no $BASE_TARBALL in $BASE_PACKAGE=$BASE_VERSION"; }
			mv "$tmp/src.tar.xz" "$t"
			rm -rf "$tmp"
		fi
	fi
	sha=$(sha256sum "$t" | cut -d' ' -f1)
	if [ "$sha" != "$BASE_SHA256" ]; then
		[ "$t" = "$BASE_TARBALL" ] || rm -f "$t"
		base_die "kernel base $BASE_NAME: $t has sha256 $sha, not the pinned $BASE_SHA256 (kernel/bases/$BASE_NAME)"
	fi
	echo "$t"
}
