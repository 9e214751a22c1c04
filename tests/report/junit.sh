#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The JUnit report of a PASS, FAIL, HANG and INEFFECTIVE run (and of every
# other fixture) validates with xmllint against junit.xsd, the shape Jenkins
# and GitLab read; it has a testcase per check and per container; the
# failing check is the one the verdict names; and a failure's message says
# what a person needs first: the class counts and the first loss.
. "$(dirname "$0")/lib.sh"

command -v xmllint >/dev/null || skip "xmllint not found (apt-get install libxml2-utils)"

# xpath FILE EXPR: the string value of EXPR.
xpath()
{
	xmllint --xpath "$2" "$1" 2>/dev/null || true
}

# validate REPORT.json: the JUnit XML of it, valid, in $WORK/NAME.xml; prints its path.
validate()
{
	local out

	out=$WORK/$(basename "$1" .json).xml
	render junit "$1" "$out"
	xmllint --noout --schema "$HERE/junit.xsd" "$out" 2>"$WORK/xmllint.err" ||
		fail "$(basename "$1"): not valid JUnit: $(cat "$WORK/xmllint.err")"
	info "ok: $(basename "$1") validates"
	echo "$out"
}

# outcome XML CHECK: failure, error, skipped or pass for the testcase named CHECK.
outcome()
{
	local o

	for o in failure error skipped; do
		if [ "$(xpath "$1" "count(//testcase[@name='$2']/$o)")" = 1 ]; then
			echo "$o"
			return
		fi
	done
	echo pass
}

# expect REPORT.json VERIFICATION HANGS KERNEL EXPECT-OOM: each check's outcome.
expect()
{
	local xml name containers

	xml=$(validate "$1")
	name=$(basename "$1" .json)
	# A report of uncontained processes has no containers key: poof-json counts 0 and fails.
	containers=$("$POOF_JSON" --count "$1" 'containers.*' 2>/dev/null || true)
	assert_eq "$name: testcases" $((4 + containers)) "$(xpath "$xml" 'count(//testcase)')"
	shift
	for check in verification hangs kernel expect-oom; do
		assert_eq "$name: $check" "$1" "$(outcome "$xml" "$check")"
		shift
	done
	assert_eq "$name: suite failures" "$(xpath "$xml" 'count(//testcase/failure)')" \
		"$(xpath "$xml" 'string(/testsuites/testsuite/@failures)')"
}

expect "$FIX_PASS" pass pass pass pass
expect "$FIX_FAIL" failure pass pass pass
expect "$FIX_HANG" pass failure pass skipped
expect "$FIX_INEFFECTIVE" pass pass pass failure
expect "$FIX_INTERRUPTED" pass pass pass skipped
expect "$FIXTURES/fail-error-writes.json" failure pass pass skipped
expect "$FIXTURES/pass-oom-storm.json" pass pass pass pass
expect "$FIXTURES/verify.json" pass skipped skipped skipped

# A failure's message: the class counts and the first loss, file and offset.
xml=$WORK/fail-drop-writes.xml
msg=$(xpath "$xml" "string(//testcase[@name='verification']/failure/@message)")
getv first_file "$FIX_FAIL" verify.losses.0.file
getv first_offset "$FIX_FAIL" verify.losses.0.offset
getv silent "$FIX_FAIL" verify.classes.lost-silent
getv durable "$FIX_FAIL" verify.classes.lost-durable
for want in "lost-silent $silent" "lost-durable $durable" "first: $first_file" "(offset $first_offset)"; do
	case "$msg" in
	*"$want"*) info "ok: the failure message says '$want'" ;;
	*) fail "the failure message lacks '$want': $msg" ;;
	esac
done

# The INEFFECTIVE run's container fails with the limit to lower.
xml=$WORK/ineffective.xml
getv box "$FIX_INEFFECTIVE" containers.0.name
msg=$(xpath "$xml" "string(//testcase[@classname='poof.container'][@name='$box']/failure/@message)")
case "$msg" in
*memory-max*) info "ok: $box fails with: $msg" ;;
*) fail "container $box: no failure naming memory-max: '$msg'" ;;
esac

# Names and lines full of markup stay well-formed (the future fixture escapes < & ' ").
validate "$(synth future future "$FIX_FAIL")" >/dev/null
validate "$(synth bare bare)" >/dev/null
