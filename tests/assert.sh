# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the integration and VM tiers (their lib.sh sources it; it is not
# a test): skip and fail with the reason, report values read with json-c, and
# assertions that print what was expected and what was found. Messages go to
# stderr, so that a value captured with $(...) never swallows one.
#
# Needs POOF_JSON (tests/helpers/poof-json; meson test sets it).

# The script's name and arguments: damage-ext4-older.
TEST_NAME=$(basename "$0" .sh)
for __arg in "$@"; do
	TEST_NAME+=-$__arg
done
unset __arg

skip()
{
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}

fail()
{
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

info()
{
	echo "# $*" >&2
}

[ -x "${POOF_JSON:-}" ] ||
	fail "POOF_JSON must name the tests/helpers/poof-json reader (meson test sets it), got '${POOF_JSON:-}'"

# json [--sum|--count] FILE PATH: the value at PATH (keys and array indexes
# joined by dots, like verify.losses.0.found.kind; `*` matches every element);
# null for JSON null, true/false for booleans. A missing value fails the test
# when used directly; inside $(...) it gives nothing, which no assertion
# accepts as a number.
json()
{
	"$POOF_JSON" "$@" || fail "no value at ${*: -1} in ${*: -2:1}"
}

# getv VAR [--sum|--count] FILE PATH: the value into VAR, in this shell, so
# that a missing value fails the test here (a $(json ...) inside $((...))
# would quietly count as nothing).
getv()
{
	local __v

	__v=$("$POOF_JSON" "${@:2}") || fail "no value at ${*: -1} in ${*: -2:1}"
	printf -v "$1" '%s' "$__v"
}

# assert_eq NAME EXPECTED ACTUAL
assert_eq()
{
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	case "$3" in
	*$'\n'*) info "ok: $1" ;;
	*) info "ok: $1 = $3" ;;
	esac
}

# assert_ge NAME MIN ACTUAL: an integer of at least MIN.
assert_ge()
{
	[ "$3" -ge "$2" ] 2>/dev/null || fail "$1: expected at least $2, got '$3'"
	info "ok: $1 = $3 (>= $2)"
}

# assert_gt NAME MIN ACTUAL: more than MIN, for numbers with a fraction too.
assert_gt()
{
	awk -v a="$3" -v m="$2" 'BEGIN { exit !(a ~ /^[0-9.eE+-]+$/ && a + 0 > m + 0) }' ||
		fail "$1: expected more than $2, got '$3'"
	info "ok: $1 = $3 (> $2)"
}

# assert_contains NAME NEEDLE FILE: NEEDLE (any case) somewhere in FILE.
assert_contains()
{
	grep -qiF -- "$2" "$3" || fail "$1: expected '$2' in: $(head -c 2000 "$3")"
	info "ok: $1 mentions '$2'"
}
