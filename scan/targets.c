/* targets.c: the target set as sorted disjoint ranges (see targets.h).
 * IPv4 ranges are kept as 32-bit pairs and IPv6 ranges as 128-bit pairs,
 * so a file of a million single IPv4 addresses costs 16 MB, not 48. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include "common/escape.h"
#include "scan/targets.h"
#include "scan/blocklist.h"
#include "common/lineread.h"

typedef unsigned __int128 u128;

struct r4 {
	uint32_t lo, hi;	/* inclusive, host byte order */
};

struct r6 {
	u128 lo, hi;		/* inclusive */
};

struct targets {
	struct r4 *v4;
	size_t n4, cap4;
	struct r6 *v6;
	size_t n6, cap6;
	/* After finalize: first target index of each range. */
	uint64_t *cum4, *cum6;
	uint64_t count4;	/* targets in v4 ranges (they come first) */
	struct targets_stats stats;
	bool final;
};

/* A longest target we accept: a line's cap (the reader's). */
#define LINE_MAX_LEN LINEREAD_TEXT_MAX

/* The range operations, once for each width.  sort_T sorts by lo and merges
 * overlapping or adjacent ranges in place; sub_T takes the sorted disjoint
 * ranges b out of the sorted disjoint ranges a into a new array. */
#define RANGE_OPS(T, W)							\
static int cmp_##T(const void *x, const void *y)			\
{									\
	const struct T *a = x, *b = y;					\
	return a->lo < b->lo ? -1 : a->lo > b->lo;			\
}									\
									\
static size_t sort_##T(struct T *v, size_t n)				\
{									\
	if (n == 0)							\
		return 0;						\
	qsort(v, n, sizeof(*v), cmp_##T);				\
	size_t out = 0;							\
	for (size_t i = 1; i < n; i++) {				\
		/* hi + 1 cannot wrap when hi < v[i].lo */		\
		if (v[i].lo <= v[out].hi || v[i].lo == v[out].hi + 1) {	\
			if (v[i].hi > v[out].hi)			\
				v[out].hi = v[i].hi;			\
		} else {						\
			v[++out] = v[i];				\
		}							\
	}								\
	return out + 1;							\
}									\
									\
static uint64_t size_##T(const struct T *r)				\
{									\
	return (uint64_t)((W)(r->hi - r->lo)) + 1;			\
}									\
									\
static struct T *sub_##T(const struct T *a, size_t na,			\
	const struct T *b, size_t nb, size_t *nout, uint64_t *removed)	\
{									\
	/* Each b range splits at most one a range in two. */		\
	struct T *out = malloc((na + nb + 1) * sizeof(*out));		\
	size_t n = 0, j = 0;						\
	if (!out)							\
		return NULL;						\
	for (size_t i = 0; i < na; i++) {				\
		W lo = a[i].lo, hi = a[i].hi;				\
		bool done = false;					\
		while (j < nb && b[j].hi < lo)				\
			j++;						\
		for (size_t k = j; k < nb && b[k].lo <= hi; k++) {	\
			W cut_lo = b[k].lo > lo ? b[k].lo : lo;		\
			W cut_hi = b[k].hi < hi ? b[k].hi : hi;		\
			if (b[k].lo > lo) {				\
				out[n].lo = lo;				\
				out[n++].hi = b[k].lo - 1;		\
			}						\
			*removed += (uint64_t)(W)(cut_hi - cut_lo) + 1;	\
			if (b[k].hi >= hi) {				\
				done = true;				\
				break;					\
			}						\
			lo = b[k].hi + 1;				\
		}							\
		if (!done) {						\
			out[n].lo = lo;					\
			out[n++].hi = hi;				\
		}							\
	}								\
	*nout = n;							\
	return out;							\
}

RANGE_OPS(r4, uint32_t)
RANGE_OPS(r6, u128)

static u128 addr6_to_u128(const uint8_t *a)
{
	u128 v = 0;
	for (int i = 0; i < 16; i++)
		v = (v << 8) | a[i];
	return v;
}

static void u128_to_addr6(u128 v, uint8_t *a)
{
	for (int i = 15; i >= 0; i--) {
		a[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint32_t addr4_to_u32(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		(uint32_t)a[2] << 8 | a[3];
}

/* The inclusive range of prefix p, in the width of its family. */
static void prefix_r4(const struct prefix *p, struct r4 *r)
{
	uint32_t host = p->len >= 32 ? 0 : (uint32_t)(0xffffffffu >> p->len);
	r->lo = addr4_to_u32(p->addr);
	r->hi = r->lo | host;
}

static void prefix_r6(const struct prefix *p, struct r6 *r)
{
	u128 host = p->len >= 128 ? 0 : ~(u128)0 >> p->len;
	r->lo = addr6_to_u128(p->addr);
	r->hi = r->lo | host;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = c;
	return 0;
}

struct targets *targets_new(void)
{
	return calloc(1, sizeof(struct targets));
}

void targets_free(struct targets *t)
{
	if (!t)
		return;
	free(t->v4);
	free(t->v6);
	free(t->cum4);
	free(t->cum6);
	free(t);
}

int targets_add(struct targets *t, const char *text, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN];
	struct prefix p;
	if (t->final) {
		snprintf(err, errlen, "targets already finalized");
		return -1;
	}
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' ||
	    text[n - 1] == '\r' || text[n - 1] == '\n'))
		n--;
	if (n >= sizeof(buf)) {
		char shown[64];
		escape_str(shown, sizeof(shown), text, n, ESCAPE_DNS);
		snprintf(err, errlen, "not an address: \"%s\"", shown);
		return -1;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (prefix_parse(buf, &p, err, errlen) < 0)
		return -1;
	if (p.family == AF_INET) {
		if (grow((void **)&t->v4, &t->cap4, t->n4, sizeof(*t->v4)) < 0)
			goto oom;
		prefix_r4(&p, &t->v4[t->n4]);
		t->stats.listed += size_r4(&t->v4[t->n4]);
		t->n4++;
	} else {
		/* /96 is 2^32 addresses: the most one line may name. */
		if (p.len < 96) {
			snprintf(err, errlen, "prefix too large: \"%s\" is 2^%u "
				"addresses (at most 2^32, an IPv6 /96)", buf,
				128 - p.len);
			return -1;
		}
		if (grow((void **)&t->v6, &t->cap6, t->n6, sizeof(*t->v6)) < 0)
			goto oom;
		prefix_r6(&p, &t->v6[t->n6]);
		t->stats.listed += size_r6(&t->v6[t->n6]);
		t->n6++;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int targets_load_stream(struct targets *t, FILE *in, const char *name,
	bool strict, FILE *diag, char *err, size_t errlen)
{
	struct lineread lr;
	char why[256];
	int rc = 0;

	lineread_file(&lr, in, name, LINEREAD_TEXT_MAX);
	for (;;) {
		enum lineread_status ls = lineread_next(&lr);
		if (ls == LINEREAD_EOF)
			break;
		if (ls == LINEREAD_ERROR) {
			snprintf(err, errlen, "%s", lr.err);
			rc = -1;
			break;
		}
		if (ls == LINEREAD_LONG) {
			/* lr.err is "name:LINE: line longer than N bytes" */
			t->stats.invalid++;
			if (strict) {
				snprintf(err, errlen, "%s", lr.err);
				rc = -1;
				break;
			}
			if (diag)
				fprintf(diag, "%s\n", lr.err);
			continue;
		}
		char *line = lr.line;
		if (lr.len != strlen(line)) {
			snprintf(why, sizeof(why), "NUL byte in line");
			goto bad;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			continue;
		if (targets_add(t, s, why, sizeof(why)) == 0)
			continue;
		if (!strcmp(why, "out of memory")) {
			snprintf(err, errlen, "%s:%lu: %s", name, lr.lineno, why);
			rc = -1;
			break;
		}
bad:
		t->stats.invalid++;
		if (strict) {
			snprintf(err, errlen, "%s:%lu: %s", name, lr.lineno, why);
			rc = -1;
			break;
		}
		if (diag)
			fprintf(diag, "%s:%lu: %s\n", name, lr.lineno, why);
	}
	lineread_free(&lr);
	return rc;
}

int targets_load(struct targets *t, const char *path, bool strict,
	FILE *diag, char *err, size_t errlen)
{
	if (!strcmp(path, "-"))
		return targets_load_stream(t, stdin, "(stdin)", strict, diag,
			err, errlen);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = targets_load_stream(t, f, path, strict, diag, err, errlen);
	fclose(f);
	return rc;
}

/* Cumulative first indices; returns the total. */
#define CUMULATE(T, v, n, cum, base) do {				\
	uint64_t c_ = (base);						\
	for (size_t i_ = 0; i_ < (n); i_++) {				\
		(cum)[i_] = c_;						\
		c_ += size_##T(&(v)[i_]);				\
	}								\
	total = c_ - (base);						\
} while (0)

int targets_finalize(struct targets *t, const struct blocklist *bl,
	char *err, size_t errlen)
{
	struct r4 *b4 = NULL;
	struct r6 *b6 = NULL;
	size_t nb4 = 0, nb6 = 0;
	uint64_t unique = 0, removed = 0, total;

	if (t->final) {
		snprintf(err, errlen, "targets already finalized");
		return -1;
	}
	t->n4 = sort_r4(t->v4, t->n4);
	t->n6 = sort_r6(t->v6, t->n6);
	for (size_t i = 0; i < t->n4; i++)
		unique += size_r4(&t->v4[i]);
	for (size_t i = 0; i < t->n6; i++)
		unique += size_r6(&t->v6[i]);

	if (bl && bl->n) {
		b4 = malloc(bl->n * sizeof(*b4));
		b6 = malloc(bl->n * sizeof(*b6));
		if (!b4 || !b6)
			goto oom;
		for (size_t i = 0; i < bl->n; i++) {
			const struct prefix *p = &bl->v[i].prefix;
			if (p->family == AF_INET)
				prefix_r4(p, &b4[nb4++]);
			else
				prefix_r6(p, &b6[nb6++]);
		}
		nb4 = sort_r4(b4, nb4);
		nb6 = sort_r6(b6, nb6);
		size_t n;
		struct r4 *v4 = sub_r4(t->v4, t->n4, b4, nb4, &n, &removed);
		if (!v4)
			goto oom;
		free(t->v4);
		t->v4 = v4;
		t->n4 = t->cap4 = n;
		struct r6 *v6 = sub_r6(t->v6, t->n6, b6, nb6, &n, &removed);
		if (!v6)
			goto oom;
		free(t->v6);
		t->v6 = v6;
		t->n6 = t->cap6 = n;
	}
	free(b4);
	free(b6);
	b4 = NULL;
	b6 = NULL;

	t->cum4 = malloc((t->n4 + 1) * sizeof(*t->cum4));
	t->cum6 = malloc((t->n6 + 1) * sizeof(*t->cum6));
	if (!t->cum4 || !t->cum6)
		goto oom;
	CUMULATE(r4, t->v4, t->n4, t->cum4, 0);
	t->count4 = total;
	CUMULATE(r6, t->v6, t->n6, t->cum6, t->count4);
	total += t->count4;

	t->stats.duplicate = t->stats.listed - unique;
	t->stats.blocklisted = removed;
	t->stats.count = total;
	t->final = true;
	if (total > TARGETS_TOTAL_MAX) {
		snprintf(err, errlen, "too many targets: %llu (at most 2^48)",
			(unsigned long long)total);
		return -1;
	}
	return 0;
oom:
	free(b4);
	free(b6);
	snprintf(err, errlen, "out of memory");
	return -1;
}

uint64_t targets_count(const struct targets *t)
{
	return t->final ? t->stats.count : 0;
}

const struct targets_stats *targets_stats(const struct targets *t)
{
	return &t->stats;
}

size_t targets_nranges(const struct targets *t)
{
	return t->n4 + t->n6;
}

/* The last range whose first index is <= i. */
static size_t find_range(const uint64_t *cum, size_t n, uint64_t i)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (cum[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int targets_get(const struct targets *t, uint64_t i, struct prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (!t->final || i >= t->stats.count)
		return -1;
	if (i < t->count4) {
		size_t r = find_range(t->cum4, t->n4, i);
		uint32_t a = t->v4[r].lo + (uint32_t)(i - t->cum4[r]);
		out->family = AF_INET;
		out->len = 32;
		out->addr[0] = (uint8_t)(a >> 24);
		out->addr[1] = (uint8_t)(a >> 16);
		out->addr[2] = (uint8_t)(a >> 8);
		out->addr[3] = (uint8_t)a;
	} else {
		size_t r = find_range(t->cum6, t->n6, i);
		u128 a = t->v6[r].lo + (u128)(i - t->cum6[r]);
		out->family = AF_INET6;
		out->len = 128;
		u128_to_addr6(a, out->addr);
	}
	return 0;
}

/* The sorted, disjoint ranges make this one binary search: the first range
 * ending at or after x holds x, or nothing does. */
#define RANGE_HAS(v, n, x)						\
	do {								\
		size_t lo_ = 0, hi_ = (n);				\
		while (lo_ < hi_) {					\
			size_t mid_ = lo_ + (hi_ - lo_) / 2;		\
			if ((v)[mid_].hi < (x))				\
				lo_ = mid_ + 1;				\
			else						\
				hi_ = mid_;				\
		}							\
		return lo_ < (n) && (v)[lo_].lo <= (x);			\
	} while (0)

bool targets_contains(const struct targets *t, const struct prefix *a)
{
	if (!t->final)
		return false;
	if (a->family == AF_INET) {
		uint32_t x = addr4_to_u32(a->addr);
		RANGE_HAS(t->v4, t->n4, x);
	}
	if (a->family == AF_INET6) {
		u128 x = addr6_to_u128(a->addr);
		RANGE_HAS(t->v6, t->n6, x);
	}
	return false;
}

int targets_digest(const struct targets *t, uint8_t out[32])
{
	if (!t->final)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
	/* Each range as 1 (or 2) then lo and hi, big-endian: the digest does
	 * not depend on this machine's byte order. */
	for (size_t i = 0; ok && i < t->n4; i++) {
		uint8_t b[9] = { 4 };
		for (int k = 0; k < 4; k++) {
			b[1 + k] = (uint8_t)(t->v4[i].lo >> (24 - 8 * k));
			b[5 + k] = (uint8_t)(t->v4[i].hi >> (24 - 8 * k));
		}
		ok = EVP_DigestUpdate(c, b, sizeof(b)) == 1;
	}
	for (size_t i = 0; ok && i < t->n6; i++) {
		uint8_t b[33] = { 6 };
		u128_to_addr6(t->v6[i].lo, b + 1);
		u128_to_addr6(t->v6[i].hi, b + 17);
		ok = EVP_DigestUpdate(c, b, sizeof(b)) == 1;
	}
	unsigned len = 0;
	if (ok)
		ok = EVP_DigestFinal_ex(c, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}
