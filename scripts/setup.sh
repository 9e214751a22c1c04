#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# All set-up on a fresh Debian 12 machine, as root: the packages poof builds
# and tests with, then a build in ./build. Safe to run again.
set -euo pipefail

cd "$(dirname "$0")/.."

packages=(
	build-essential meson ninja-build pkg-config python3
	libxxhash-dev libinih-dev libjson-c-dev libmount-dev libcmocka-dev scdoc
	e2fsprogs xfsprogs btrfs-progs util-linux
	clang-format fio
	# capsh: tests drop CAP_SYS_RESOURCE to see poof refuse an immunity it cannot give.
	libcap2-bin
	# scripts/fuzz.sh: libFuzzer harnesses, built by clang with its runtime.
	clang libclang-rt-14-dev
	# Optional libraries: each one's feature is compiled in when present.
	libcgroup-dev libseccomp-dev liburing-dev libsystemd-dev
	# poof vm: libarchive writes the initramfs; the rest boots the guest.
	libarchive-dev qemu-system-x86 busybox-static dmsetup kmod cpio
	# poof vm --init systemd (the systemd manager's VM test) boots the host's own.
	systemd dbus
	# The report tests: the HTML in a headless browser, the JUnit XML against its
	# schema, the KTAP through the kernel's own kunit_parser.py.
	chromium libxml2-utils linux-source-6.1
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: these packages are missing: ${missing[*]}" >&2
		echo "setup: run this script as root, or: apt-get install ${missing[*]}" >&2
		exit 69
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f build/build.ninja ]; then
	meson setup build -Dwerror=true >/dev/null
fi
ninja -C build
echo "setup: built $(pwd)/build/poof"

# Debian's kernel for the VM test tier, fetched once into /var/cache/poof/kernel.
scripts/fetch-test-kernel.sh >/dev/null ||
	echo "setup: no test kernel (scripts/fetch-test-kernel.sh failed): the VM tests will skip" >&2
