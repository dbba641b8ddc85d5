/* resume.c: the resolvers an interrupted scan already wrote (resume.h). */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "scan/resume.h"
#include "scan/output.h"
#include "scan/summary.h"
#include "scan/readback.h"
#include "common/escape.h"

/* Family first, so IPv4 and IPv6 addresses never compare equal. */
struct done_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, the rest zero */
};

static void key(struct done_addr *k, const struct prefix *a)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family == AF_INET6 ? 6 : 4;
	memcpy(k->addr, a->addr, a->family == AF_INET6 ? 16 : 4);
}

static int cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct done_addr));
}

void done_set_init(struct done_set *d)
{
	memset(d, 0, sizeof(*d));
}

int done_set_add(struct done_set *d, const struct prefix *a)
{
	if (d->n == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 1024;
		struct done_addr *v = realloc(d->v, c * sizeof(*v));
		if (!v)
			return -1;
		d->v = v;
		d->cap = c;
	}
	key(&d->v[d->n++], a);
	d->sorted = false;
	return 0;
}

size_t done_set_finish(struct done_set *d)
{
	if (d->n)
		qsort(d->v, d->n, sizeof(d->v[0]), cmp);
	size_t w = 0;
	for (size_t i = 0; i < d->n; i++)
		if (w == 0 || cmp(&d->v[w - 1], &d->v[i]) != 0)
			d->v[w++] = d->v[i];
	size_t dropped = d->n - w;
	d->n = w;
	d->sorted = true;
	return dropped;
}

bool done_set_has(const struct done_set *d, const struct prefix *a)
{
	if (!d->sorted || !d->n)
		return false;
	struct done_addr k;
	key(&k, a);
	return bsearch(&k, d->v, d->n, sizeof(k), cmp) != NULL;
}

int done_set_get(const struct done_set *d, size_t i, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= d->n)
		return -1;
	bool six = d->v[i].family == 6;
	out->family = six ? AF_INET6 : AF_INET;
	out->len = six ? 128 : 32;
	memcpy(out->addr, d->v[i].addr, six ? 16 : 4);
	return 0;
}

void done_set_clear(struct done_set *d)
{
	free(d->v);
	done_set_init(d);
}

size_t resume_complete_len(const char *buf, size_t n)
{
	while (n > 0 && buf[n - 1] != '\n')
		n--;
	return n;
}

int resume_read(FILE *in, const char *name, struct done_set *d,
	struct summary *sum, struct resume_stats *st, struct left_out *left,
	struct sweep_record *sweep, char *err, size_t errlen)
{
	struct readback rb;
	enum readback_status rs;
	int rc = -1;
	memset(st, 0, sizeof(*st));
	done_set_init(&st->silent);
	readback_file(&rb, in, name, false, OUTPUT_LINE_MAX);
	while ((rs = readback_next(&rb)) != READBACK_EOF) {
		unsigned long no = readback_lineno(&rb);
		if (rs == READBACK_TORN) {
			/* Only the last line can lack its newline. */
			st->torn = rb.torn;
			break;
		}
		/* A wrong file is never appended to. */
		if (rs == READBACK_ERROR) {
			snprintf(err, errlen, "%s", rb.err);
			goto out;
		}
		if (rs == READBACK_BAD) {
			snprintf(err, errlen, "%s:%lu: not a scan result: %s",
				name, no, rb.why);
			goto out;
		}
		if (rs == READBACK_HEADER || rs == READBACK_FOLLOW)
			continue;
		if (rs == READBACK_SWEEP) {
			if (sweep && sweep_record_copy(sweep, &rb.sweep) < 0) {
				snprintf(err, errlen, "%s: out of memory", name);
				goto out;
			}
			continue;
		}
		struct summary_record *rec = &rb.rec;
		struct prefix a;
		char perr[128];
		if (prefix_parse(rec->resolver, &a, perr, sizeof(perr)) < 0 ||
		    a.len != (a.family == AF_INET6 ? 128u : 32u)) {
			char shown[96];
			escape_str(shown, sizeof(shown), rec->resolver,
				strlen(rec->resolver), ESCAPE_DNS);
			snprintf(err, errlen, "%s:%lu: resolver \"%s\" is not "
				"an address", name, no, shown);
			summary_record_clear(rec);
			goto out;
		}
		if (done_set_add(d, &a) < 0 ||
		    (sum && summary_add(sum, rec) < 0)) {
			snprintf(err, errlen, "%s: out of memory", name);
			summary_record_clear(rec);
			goto out;
		}
		if (rec->class < CLASS_COUNT && rec->class != CLASS_CORRECT)
			st->findings++;
		if (rec->silent && done_set_add(&st->silent, &a) < 0) {
			snprintf(err, errlen, "%s: out of memory", name);
			summary_record_clear(rec);
			goto out;
		}
		summary_record_clear(rec);
		st->lines++;
	}
	st->good_len = rb.good_len;
	for (size_t i = 0; left && i < rb.left.n; i++)
		if (left_out_add(left, rb.left.provider[i], rb.left.why[i]) < 0) {
			snprintf(err, errlen, "%s: out of memory", name);
			goto out;
		}
	rc = 0;
out:
	readback_free(&rb);
	return rc;
}
