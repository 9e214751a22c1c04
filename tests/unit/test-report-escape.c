// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Escaping for the HTML, JUnit XML and KTAP reports: what file names and
 * kernel lines can hold (<, &, quotes, newlines, control characters, bytes
 * that are not UTF-8) comes out safe for each format, and nothing else
 * changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/escape.h"
#include "shared/macro.h"

struct escape_case {
	const char *in;
	enum escape_mode mode;
	const char *out;
};

#define FFFD "\xef\xbf\xbd"

static const struct escape_case cases[] = {
	{ "plain text", ESCAPE_HTML, "plain text" },
	{ "", ESCAPE_HTML, "" },
	{ "a<b>&c", ESCAPE_HTML, "a&lt;b&gt;&amp;c" },
	{ "\"quoted\" 'single'", ESCAPE_HTML, "&quot;quoted&quot; &#39;single&#39;" },
	{ "<script>alert(1)</script>", ESCAPE_HTML, "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "&amp;", ESCAPE_HTML, "&amp;amp;" },
	{ "line\nnext\ttab", ESCAPE_HTML, "line\nnext\ttab" },
	{ "bell\a", ESCAPE_HTML, "bell" FFFD },
	{ "\r", ESCAPE_HTML, "&#13;" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5", ESCAPE_HTML,
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5" },
	{ "bad \xff byte", ESCAPE_HTML, "bad " FFFD " byte" },
	{ "cut \xe2\x82", ESCAPE_HTML, "cut " FFFD FFFD },
	{ "overlong \xc0\xaf", ESCAPE_HTML, "overlong " FFFD FFFD },
	{ "surrogate \xed\xa0\x80", ESCAPE_HTML, "surrogate " FFFD FFFD FFFD },
	{ "a<b>&c", ESCAPE_XML_TEXT, "a&lt;b&gt;&amp;c" },
	{ "\"q\" 'q'", ESCAPE_XML_TEXT, "\"q\" 'q'" },
	{ "two\nlines", ESCAPE_XML_TEXT, "two\nlines" },
	{ "nul-free \x01\x1f", ESCAPE_XML_TEXT, "nul-free " FFFD FFFD },
	{ "not a char \xef\xbf\xbe", ESCAPE_XML_TEXT, "not a char " FFFD FFFD FFFD },
	{ "a<b>&c", ESCAPE_XML_ATTR, "a&lt;b&gt;&amp;c" },
	{ "say \"hi\"", ESCAPE_XML_ATTR, "say &quot;hi&quot;" },
	{ "two\nlines\tand tab", ESCAPE_XML_ATTR, "two&#10;lines&#9;and tab" },
	{ "a<b>&c \"q\"", ESCAPE_KTAP_LINE, "a<b>&c \"q\"" },
	{ "two\nlines\r", ESCAPE_KTAP_LINE, "two lines " },
	{ "# SKIP inside", ESCAPE_KTAP_LINE, "# SKIP inside" },
	{ "esc \x1b[31m", ESCAPE_KTAP_LINE, "esc " FFFD "[31m" },
};

static char *escaped(const char *in, enum escape_mode mode)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	escape_write(f, in, mode);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_escape_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *out = escaped(cases[i].in, cases[i].mode);

		if (strcmp(out, cases[i].out) != 0)
			print_message("case %zu \"%s\" (mode %d): got \"%s\"\n", i, cases[i].in,
				      cases[i].mode, out);
		assert_string_equal(out, cases[i].out);
	}
}

static void test_escape_null(void **state)
{
	_cleanup_free_ char *out = escaped(NULL, ESCAPE_HTML);

	(void)state;
	assert_string_equal(out, "");
}

/* Every byte value alone: no markup character ever comes through unescaped. */
static void test_escape_every_byte(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		char in[2] = { (char)b, '\0' };
		_cleanup_free_ char *html = escaped(in, ESCAPE_HTML);
		_cleanup_free_ char *attr = escaped(in, ESCAPE_XML_ATTR);

		assert_null(strpbrk(html, "<>\"'") ? html : NULL);
		assert_null(strpbrk(attr, "<>\"\n\t") ? attr : NULL);
		assert_true(html[0] != '&' || strchr(html, ';') != NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_null),
		cmocka_unit_test(test_escape_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
