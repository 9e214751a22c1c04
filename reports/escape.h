/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Text from a report (file names, kernel lines, stacks) put into HTML, XML
 * and KTAP safely. All of them also repair what a kernel line may carry:
 * bytes that are not UTF-8 become U+FFFD, and control characters that the
 * target format cannot hold become U+FFFD too (tab and newline stay where
 * the format allows them).
 */

#include <stdio.h>

enum escape_mode {
	ESCAPE_HTML,	  /* text or a quoted attribute: & < > " ' escaped */
	ESCAPE_XML_TEXT,  /* XML 1.0 character data: & < > escaped, newlines kept */
	ESCAPE_XML_ATTR,  /* an XML attribute in double quotes: also ", tab and newline */
	ESCAPE_KTAP_LINE, /* the rest of one KTAP line: a newline becomes a space */
};

/* Write s to out escaped for mode; NULL writes nothing. */
void escape_write(FILE *out, const char *s, enum escape_mode mode);

static inline void html_puts(FILE *out, const char *s)
{
	escape_write(out, s, ESCAPE_HTML);
}
