// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Escaping for the HTML, XML and KTAP renderers, with UTF-8 repair: see
 * escape.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escape.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF; U+FFFE/FFFF are not XML characters. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* The entity for c in mode, or NULL when c goes out as it is. */
static const char *entity(unsigned char c, enum escape_mode mode)
{
	switch (c) {
	case '&':
		return mode == ESCAPE_KTAP_LINE ? NULL : "&amp;";
	case '<':
		return mode == ESCAPE_KTAP_LINE ? NULL : "&lt;";
	case '>':
		return mode == ESCAPE_KTAP_LINE ? NULL : "&gt;";
	case '"':
		return mode == ESCAPE_HTML || mode == ESCAPE_XML_ATTR ? "&quot;" : NULL;
	case '\'':
		return mode == ESCAPE_HTML ? "&#39;" : NULL;
	case '\n':
		return mode == ESCAPE_XML_ATTR ? "&#10;" : mode == ESCAPE_KTAP_LINE ? " " : NULL;
	case '\t':
		return mode == ESCAPE_XML_ATTR ? "&#9;" : NULL;
	case '\r':
		return mode == ESCAPE_KTAP_LINE ? " " : "&#13;";
	default:
		return c < 0x20 || c == 0x7f ? REPLACEMENT : NULL;
	}
}

void escape_write(FILE *out, const char *s, enum escape_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t n = utf8_len(p);
		const char *e;

		if (n == 0) {
			fputs(REPLACEMENT, out);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		e = entity(*p, mode);
		if (e)
			fputs(e, out);
		else
			fputc(*p, out);
		p++;
	}
}
