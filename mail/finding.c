/* finding.c: findings lists and the escape of record text (finding.h). */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "mail/finding.h"

void mail_finding_add(struct mail_findings *fs, enum mail_severity sev,
	const char *code, const char *fmt, ...)
{
	if (sev == MAIL_ERROR)
		fs->errors++;
	if (fs->n >= MAIL_FINDINGS_MAX) {
		fs->dropped++;
		return;
	}
	struct mail_finding *f = &fs->f[fs->n++];
	f->severity = sev;
	f->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

bool mail_findings_has(const struct mail_findings *fs, const char *code)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].code, code))
			return true;
	return false;
}

const char *mail_severity_str(enum mail_severity s)
{
	switch (s) {
	case MAIL_ERROR: return "error";
	case MAIL_WARN: return "warning";
	default: return "note";
	}
}

/* Length of the valid UTF-8 sequence of a printable character at p (n
 * bytes available), or 0: shortest form only, no surrogates, nothing past
 * U+10FFFF, no C1 controls (U+0080..U+009F). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

char *mail_escape(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t w = 0, i = 0;
	if (outlen == 0)
		return out;
	while (i < len) {
		char piece[8];
		size_t plen;
		size_t u;
		if (p[i] == '\\') {
			memcpy(piece, "\\\\", 2);
			plen = 2;
			u = 1;
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			piece[0] = (char)p[i];
			plen = 1;
			u = 1;
		} else if ((u = utf8_len(p + i, len - i)) > 0) {
			memcpy(piece, p + i, u);
			plen = u;
		} else {
			snprintf(piece, sizeof(piece), "\\x%02x", p[i]);
			plen = 4;
			u = 1;
		}
		if (w + plen + 1 > outlen) {
			/* Cut: room for "..." where possible. */
			while (w > 0 && w + 4 > outlen)
				w--;
			/* Do not leave half a UTF-8 sequence. */
			while (w > 0 && ((unsigned char)out[w] & 0xc0) == 0x80)
				w--;
			if (w + 4 <= outlen) {
				memcpy(out + w, "...", 3);
				w += 3;
			}
			break;
		}
		memcpy(out + w, piece, plen);
		w += plen;
		i += u;
	}
	out[w] = '\0';
	return out;
}
