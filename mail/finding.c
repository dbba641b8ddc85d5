/* finding.c: findings lists and the escape of record text (finding.h). */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/escape.h"
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
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 2;
		struct mail_finding *nf = realloc(fs->f, cap * sizeof(*nf));
		if (!nf) {
			fs->dropped++;
			return;
		}
		fs->f = nf;
		fs->cap = cap;
	}
	struct mail_finding *f = &fs->f[fs->n++];
	f->severity = sev;
	f->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void mail_findings_clear(struct mail_findings *fs)
{
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
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

char *mail_escape(const char *in, size_t len, char *out, size_t outlen)
{
	return escape_str(out, outlen, in, len, ESCAPE_RECORD);
}
