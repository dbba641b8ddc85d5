/* escape.c: escaping outside text for terminals and text output
 * (escape.h). */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "common/escape.h"

/* Is cp a format character that reorders or hides the text around it on a
 * terminal: the bidirectional embeddings, overrides and isolates (a DMARC
 * record "x=<U+202E>tcejer=p" would show as "x=p=reject"), the marks and
 * zero-width characters, the line and paragraph separators, the soft
 * hyphen and the byte order mark (Unicode category Cf and Zl/Zp)? */
static bool reorders_or_hides(uint32_t cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e ||
		(cp >= 0x200b && cp <= 0x200f) ||
		(cp >= 0x2028 && cp <= 0x202e) ||
		(cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
		(cp >= 0xfff9 && cp <= 0xfffb);
}

/* The length of the valid, printable UTF-8 character at s (at most n
 * bytes), or 0 when the byte at s must be escaped: a control character, or
 * not the start of a well-formed sequence (overlong forms, surrogates and
 * code points above U+10FFFF are not), a C1 control, or a character that
 * reorders or hides text. */
static size_t printable(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return c >= 0x20 && c != 0x7f ? 1 : 0;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp <= 0x9f) || reorders_or_hides(cp))
		return 0;
	return len;
}

bool escape_needed(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = printable(u + i, n - i);
		if (!k)
			return true;
		i += k;
	}
	return false;
}

/* printable, but a backslash is escaped too in raw record text. */
static size_t kept(const unsigned char *s, size_t n, enum escape_style st)
{
	return st == ESCAPE_RECORD && s[0] == '\\' ? 0 : printable(s, n);
}

/* One escaped byte into out (at least 5 bytes); returns its length. */
static size_t esc(char *out, unsigned char c, enum escape_style st)
{
	const char *hex = st == ESCAPE_RECORD ? "0123456789abcdef" :
		"0123456789ABCDEF";
	out[0] = '\\';
	if (st == ESCAPE_RECORD && c == '\\') {
		out[1] = '\\';
		return 2;
	}
	if (st != ESCAPE_DNS) {
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		return 4;
	}
	out[1] = (char)('0' + c / 100);
	out[2] = (char)('0' + c / 10 % 10);
	out[3] = (char)('0' + c % 10);
	return 4;
}

int escape_text(FILE *f, const char *s, size_t n, enum escape_style st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t run = i, k;
		while (run < n && (k = kept(u + run, n - run, st)) > 0)
			run += k;
		if (run > i && fwrite(s + i, 1, run - i, f) != run - i)
			return -1;
		i = run;
		if (i < n) {
			char e[5];
			size_t el = esc(e, u[i], st);
			if (fwrite(e, 1, el, f) != el)
				return -1;
			i++;
		}
	}
	return 0;
}

char *escape_str(char *buf, size_t size, const char *s, size_t n,
	enum escape_style st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t at = 0, need = 0;
	if (size == 0)
		return buf;
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		char e[5];
		need += (k = kept(u + i, n - i, st)) ? k : esc(e, u[i], st);
	}
	/* When it does not all fit, keep room for "..." after the cut. */
	size_t room = need < size ? size - 1 : size - 1 < 3 ? 0 : size - 4;
	for (size_t i = 0; i < n;) {
		char e[5];
		size_t k = kept(u + i, n - i, st), el;
		const char *piece;
		if (k) {
			piece = s + i;
			el = k;
		} else {
			el = esc(e, u[i], st);
			piece = e;
			k = 1;
		}
		if (at + el > room)
			break;
		memcpy(buf + at, piece, el);
		at += el;
		i += k;
	}
	if (need >= size) {
		size_t m = size - 1 - at < 3 ? size - 1 - at : 3;
		memcpy(buf + at, "...", m);
		at += m;
	}
	buf[at] = '\0';
	return buf;
}
