#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fetch Debian's current linux-image-*-amd64 into a cache for `poof vm` and
# the VM test tier, without installing it: apt-get download, dpkg -x,
# depmod -b. Idempotent: a second run only prints the paths.
#
# Output (stdout), two lines usable with `eval`:
#   POOF_VM_KERNEL=/var/cache/poof/kernel/VERSION/boot/vmlinuz-VERSION
#   POOF_VM_MODULES=/var/cache/poof/kernel/VERSION/lib/modules/VERSION
# Exit 69 when the package cannot be found or fetched.
set -euo pipefail

cache="${POOF_CACHE_DIR:-/var/cache/poof}/kernel"

fail() {
	echo "fetch-test-kernel: $*" >&2
	exit 69
}

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	# No apt lists: fall back to the newest kernel already in the cache.
	latest=$(ls -1d "$cache"/*/ 2>/dev/null | sort -V | tail -n1 || true)
	[ -n "$latest" ] || fail "apt-cache knows no linux-image-amd64; run apt-get update"
	pkg="linux-image-$(basename "$latest")"
fi
version=${pkg#linux-image-}
dest="$cache/$version"
kernel="$dest/boot/vmlinuz-$version"
modules="$dest/lib/modules/$version"

if [ ! -f "$dest/.complete" ]; then
	command -v depmod >/dev/null || fail "depmod not found; apt-get install kmod"
	tmp=$(mktemp -d "$cache.tmp.XXXXXX" 2>/dev/null) || {
		mkdir -p "$cache"
		tmp=$(mktemp -d "$cache.tmp.XXXXXX")
	}
	chmod 755 "$tmp" # apt-get download drops privileges to _apt
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -qq "$pkg" >&2) ||
		fail "apt-get download $pkg failed (is the Debian archive reachable?)"
	dpkg -x "$tmp"/"$pkg"_*.deb "$tmp/root"
	depmod -b "$tmp/root" "$version"
	[ -f "$tmp/root/boot/vmlinuz-$version" ] || fail "$pkg has no /boot/vmlinuz-$version"
	touch "$tmp/root/.complete"
	rm -rf "$dest"
	mv "$tmp/root" "$dest"
fi

echo "POOF_VM_KERNEL=$kernel"
echo "POOF_VM_MODULES=$modules"
