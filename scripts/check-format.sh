#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Check the C sources against .clang-format without changing them.
#
#   scripts/check-format.sh [-d]
#
# Lists every *.c/*.h file of the project (tracked or not, build directories
# excluded) that clang-format would change, and exits 1 if there is any; -d also prints what it would change. Exits 77 (skip) when
# clang-format is not installed. CLANG_FORMAT names another binary.
# Fix a file with: clang-format -i FILE

set -u

show_diff=0
case "${1-}" in
-d | --diff) show_diff=1 ;;
"") ;;
*)
	echo "usage: $0 [-d|--diff]" >&2
	exit 2
	;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
	echo "check-format: $clang_format not found, skipping (apt-get install clang-format)" >&2
	exit 77
fi

top=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$top" || exit 2
if [ ! -f .clang-format ]; then
	echo "check-format: $top/.clang-format is missing" >&2
	exit 2
fi

# Tracked and untracked files alike (a new file is checked before it is
# committed); outside a git checkout, every file on disk.
list_sources()
{
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . -type f | sed 's|^\./||'
	fi |
		grep -E '\.[ch]$' |
		grep -Ev '(^|/)(build[^/]*|_build|builddir|subprojects|meson-private)/' |
		sort -u
}

tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
list_sources >"$tmp"

# One clang-format for every file: fast when all is well. Only when it
# complains is each file checked on its own, to name the ones that differ.
existing=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$existing"' EXIT
while IFS= read -r f; do
	[ -f "$f" ] && echo "$f"
done <"$tmp" >"$existing"
if [ "$show_diff" = 0 ] && tr '\n' '\0' <"$existing" |
	xargs -0 "$clang_format" --dry-run --Werror >/dev/null 2>&1; then
	echo "check-format: $(wc -l <"$existing") files clean"
	exit 0
fi

checked=0
bad=0
while IFS= read -r f; do
	[ -f "$f" ] || continue # deleted but still in the index
	checked=$((checked + 1))
	if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "needs formatting: $f"
		if [ "$show_diff" = 1 ]; then
			"$clang_format" "$f" | diff -u "$f" - | sed '1,2d'
		fi
	fi
done <"$tmp"

if [ "$bad" -gt 0 ]; then
	echo "check-format: $bad of $checked files differ from .clang-format;" \
		"run clang-format -i on them (or $0 -d to see how)"
	exit 1
fi
echo "check-format: $checked files clean"
exit 0
