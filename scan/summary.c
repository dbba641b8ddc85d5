/* summary.c: the paper-shaped summary of a scan, fed from memory or from
 * saved JSON lines through one record type (see summary.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <math.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "scan/summary.h"

/* --- small helpers ---------------------------------------------------- */

static const char *const role_names[] = {
	[QUERY_MX] = "mx",
	[QUERY_ADDR] = "addr",
	[QUERY_NXCONTROL] = "nxcontrol",
	[QUERY_CONTROL] = "control",
	[QUERY_OTHER] = "other",
};
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

const char *summary_role_str(enum query_role role)
{
	return (unsigned)role < NROLES ? role_names[role] : "other";
}

int summary_role_parse(const char *name)
{
	for (size_t i = 0; i < NROLES; i++)
		if (!strcmp(name, role_names[i]))
			return (int)i;
	return -1;
}

static const char *class_name(int c)
{
	return c >= 0 && c < CLASS_COUNT ? verdict_class_str(c) : "unjudged";
}

/* The unique invalid names and addresses of one provider and kind, each
 * with the number of resolvers that gave it, in bounded memory.
 *
 * Up to SUMMARY_EXACT_MAX distinct values the set is exact: a dense array
 * of entries and an open-addressing index of them (linear probing, at most
 * half full).  A new value past that evicts the entry with the fewest
 * resolvers (Space-Saving, Metwally et al. 2005: a min-heap over the
 * entries, built when the set fills), and comes in with that count plus
 * one; its `over` remembers the count it inherited.  A kept value's true
 * number of resolvers is then between count - over and count, and over is
 * at most (resolver-values counted) / SUMMARY_EXACT_MAX; a value kept
 * since before the set filled is exact, and any value given by more
 * resolvers than that bound is kept.  The number of distinct values
 * comes from a HyperLogLog sketch (2^12 one-byte registers, Ertl's improved
 * estimator, about 1.6% standard error) fed every value from the first,
 * so it takes over seamlessly at the cap.  Everything here depends only on
 * the values and their order: the same records in the same order give the
 * same set (while exact, in any order).
 *
 * The strings live in large chunks of their own rather than one malloc
 * each: scattered among the per-resolver allocations they kept the heap
 * from ever shrinking.  Evicted strings stay in their chunk as dead bytes
 * until those outweigh the live ones by a chunk; then the live strings
 * are copied to fresh chunks, so string memory stays under twice the live
 * bytes plus two chunks. */
struct strent {
	char *s;		/* in the set's chunks */
	uint64_t count;		/* resolvers that gave it (at most) */
	uint64_t over;		/* count taken over on eviction, 0: exact */
	uint64_t last;		/* serial of the last resolver counted */
};

#define STRCHUNK_SIZE (256u << 10)	/* above malloc's mmap threshold */

struct strchunk {
	struct strchunk *next;
	size_t used;
	char data[];
};

#define HLL_P 12
#define HLL_M (1u << HLL_P)		/* registers */
#define HLL_Q (64 - HLL_P)		/* hash bits left for the rank */

struct strset {
	struct strent *v;		/* owned; n used of vcap */
	size_t n, vcap;
	uint32_t *slot;			/* owned; v index + 1, 0 empty */
	size_t nslot;			/* a power of 2 (or 0) */
	uint32_t *heap, *pos;		/* owned, once full: min-heap of v
					 * indices by count, each one's place */
	uint8_t *hll;			/* owned; HLL_M registers */
	struct strchunk *chunks;	/* owned; the newest first */
	size_t nchunks, live, dead;	/* chunks; string bytes: used, dead */
};

/* A copy of s in the chunks at *chunks, or NULL when out of memory. */
static char *chunk_copy(struct strchunk **chunks, size_t *nchunks,
	const char *s, size_t len)
{
	size_t room = STRCHUNK_SIZE - sizeof(struct strchunk);
	struct strchunk *c = *chunks;
	if (len > room)
		return NULL;	/* values are names and addresses: short */
	if (!c || c->used + len > room) {
		if (!(c = malloc(STRCHUNK_SIZE)))
			return NULL;
		c->used = 0;
		c->next = *chunks;
		*chunks = c;
		(*nchunks)++;
	}
	char *p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

static void chunks_free(struct strchunk *c)
{
	while (c) {
		struct strchunk *next = c->next;
		free(c);
		c = next;
	}
}

/* FNV-1a, then murmur3's finalizer: FNV's high bits mix poorly, and the
 * sketch takes its register from them. */
static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void hll_add(uint8_t *reg, uint64_t h)
{
	uint64_t w = h << HLL_P;
	uint8_t rank = w ? (uint8_t)(__builtin_clzll(w) + 1) : HLL_Q + 1;
	if (rank > HLL_Q + 1)
		rank = HLL_Q + 1;
	if (reg[h >> HLL_Q] < rank)
		reg[h >> HLL_Q] = rank;
}

/* Ertl, "New cardinality estimation algorithms for HyperLogLog sketches"
 * (2017), Algorithm 6: no bias correction tables, and accurate from a few
 * values up, unlike the original estimator between 2.5 and 5 times the
 * register count. */
static double hll_sigma(double x)
{
	if (x == 1.0)
		return INFINITY;
	double y = 1.0, z = x, zp;
	do {
		x *= x;
		zp = z;
		z += x * y;
		y += y;
	} while (z != zp);
	return z;
}

static double hll_tau(double x)
{
	if (x == 0.0 || x == 1.0)
		return 0.0;
	double y = 1.0, z = 1.0 - x, zp;
	do {
		x = sqrt(x);
		zp = z;
		y *= 0.5;
		z -= (1.0 - x) * (1.0 - x) * y;
	} while (z != zp);
	return z / 3.0;
}

static uint64_t hll_estimate(const uint8_t *reg)
{
	unsigned c[HLL_Q + 2] = { 0 };
	for (size_t i = 0; i < HLL_M; i++)
		c[reg[i]]++;
	double m = HLL_M;
	double z = m * hll_tau(1.0 - c[HLL_Q + 1] / m);
	for (int k = HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * hll_sigma(c[0] / m);
	/* alpha_inf = 1 / (2 ln 2) */
	return (uint64_t)llround(0.72134752044448170368 * m * m / z);
}

/* The number of distinct values in set; *estimated when past the cap. */
static uint64_t strset_unique(const struct strset *set, bool *estimated)
{
	*estimated = set->heap != NULL;
	if (!set->heap)
		return set->n;
	/* Past the cap there are more than SUMMARY_EXACT_MAX for sure. */
	uint64_t e = hll_estimate(set->hll);
	return e > SUMMARY_EXACT_MAX ? e : SUMMARY_EXACT_MAX + 1;
}

/* Bytes the set holds. */
static size_t strset_bytes(const struct strset *set)
{
	return set->vcap * sizeof(*set->v) + set->nslot * sizeof(*set->slot) +
		(set->heap ? 2 * SUMMARY_EXACT_MAX * sizeof(*set->heap) : 0) +
		(set->hll ? HLL_M : 0) + set->nchunks * STRCHUNK_SIZE;
}

/* Put entry e (index into v) into the index. */
static void slot_put(struct strset *set, uint32_t e)
{
	size_t mask = set->nslot - 1, j = hash(set->v[e].s) & mask;
	while (set->slot[j])
		j = (j + 1) & mask;
	set->slot[j] = e + 1;
}

static int slot_grow(struct strset *set)
{
	size_t nslot = set->nslot ? set->nslot * 2 : 16;
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		return -1;
	free(set->slot);
	set->slot = slot;
	set->nslot = nslot;
	for (size_t e = 0; e < set->n; e++)
		slot_put(set, (uint32_t)e);
	return 0;
}

/* Take entry e out of the index, shifting back the entries after it that
 * would no longer be found (linear probing has no tombstones). */
static void slot_remove(struct strset *set, uint32_t e)
{
	size_t mask = set->nslot - 1, i = hash(set->v[e].s) & mask;
	while (set->slot[i] != e + 1)
		i = (i + 1) & mask;
	set->slot[i] = 0;
	for (size_t k = (i + 1) & mask; set->slot[k]; k = (k + 1) & mask) {
		size_t home = hash(set->v[set->slot[k] - 1].s) & mask;
		/* It stays if its home lies cyclically in (i, k]. */
		if (i <= k ? (i < home && home <= k) : (i < home || home <= k))
			continue;
		set->slot[i] = set->slot[k];
		set->slot[k] = 0;
		i = k;
	}
}

/* Restore the heap below place i after its entry's count grew. */
static void heap_down(struct strset *set, size_t i)
{
	size_t n = set->n;
	uint32_t e = set->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && set->v[set->heap[c + 1]].count <
		    set->v[set->heap[c]].count)
			c++;
		if (set->v[set->heap[c]].count >= set->v[e].count)
			break;
		set->heap[i] = set->heap[c];
		set->pos[set->heap[i]] = (uint32_t)i;
		i = c;
	}
	set->heap[i] = e;
	set->pos[e] = (uint32_t)i;
}

static int heap_build(struct strset *set)
{
	if (!(set->heap = malloc(set->n * sizeof(*set->heap))) ||
	    !(set->pos = malloc(set->n * sizeof(*set->pos)))) {
		free(set->heap);
		set->heap = NULL;
		return -1;
	}
	for (size_t i = 0; i < set->n; i++)
		set->heap[i] = set->pos[i] = (uint32_t)i;
	for (size_t i = set->n / 2; i-- > 0;)
		heap_down(set, i);
	return 0;
}

/* Copy the live strings to fresh chunks once the dead ones outweigh them.
 * Out of memory just leaves the old chunks. */
static void strset_compact(struct strset *set)
{
	if (set->dead <= set->live + STRCHUNK_SIZE)
		return;
	struct strchunk *chunks = NULL;
	size_t nchunks = 0;
	char **s = malloc(set->n * sizeof(*s));
	for (size_t e = 0; s && e < set->n; e++)
		if (!(s[e] = chunk_copy(&chunks, &nchunks, set->v[e].s,
		    strlen(set->v[e].s) + 1))) {
			chunks_free(chunks);
			free(s);
			return;
		}
	if (!s)
		return;
	for (size_t e = 0; e < set->n; e++)
		set->v[e].s = s[e];
	free(s);
	chunks_free(set->chunks);
	set->chunks = chunks;
	set->nchunks = nchunks;
	set->dead = 0;
}

/* Add s for resolver number serial (counted once per resolver). */
static int strset_add(struct strset *set, const char *s, uint64_t serial)
{
	uint64_t h = hash(s);
	if (set->nslot) {
		size_t mask = set->nslot - 1;
		for (size_t j = h & mask; set->slot[j]; j = (j + 1) & mask) {
			struct strent *e = &set->v[set->slot[j] - 1];
			if (strcmp(e->s, s))
				continue;
			if (e->last == serial)
				return 0;
			e->last = serial;
			e->count++;
			if (set->heap)
				heap_down(set, set->pos[set->slot[j] - 1]);
			return 0;
		}
	}
	/* A value not kept: new, or evicted before.  The sketch sees it
	 * again either way, which changes nothing for a value it has seen. */
	if (!set->hll && !(set->hll = calloc(HLL_M, 1)))
		return -1;
	hll_add(set->hll, h);
	size_t len = strlen(s) + 1;
	char *copy;
	if (set->n < SUMMARY_EXACT_MAX) {
		if ((set->n + 1) * 2 > set->nslot && slot_grow(set) < 0)
			return -1;
		if (set->n == set->vcap) {
			size_t vcap = set->vcap ? set->vcap * 2 : 16;
			if (vcap > SUMMARY_EXACT_MAX)
				vcap = SUMMARY_EXACT_MAX;
			struct strent *v = realloc(set->v, vcap * sizeof(*v));
			if (!v)
				return -1;
			set->v = v;
			set->vcap = vcap;
		}
		if (!(copy = chunk_copy(&set->chunks, &set->nchunks, s, len)))
			return -1;
		set->v[set->n] = (struct strent){ copy, 1, 0, serial };
		set->live += len;
		slot_put(set, (uint32_t)set->n++);
		return 0;
	}
	if (!set->heap && heap_build(set) < 0)
		return -1;
	uint32_t e = set->heap[0];
	if (!(copy = chunk_copy(&set->chunks, &set->nchunks, s, len)))
		return -1;
	slot_remove(set, e);
	size_t old = strlen(set->v[e].s) + 1;
	set->live -= old;
	set->dead += old;
	uint64_t min = set->v[e].count;
	set->v[e] = (struct strent){ copy, min + 1, min, serial };
	set->live += len;
	slot_put(set, e);
	heap_down(set, 0);
	strset_compact(set);
	return 0;
}

static void strset_clear(struct strset *set)
{
	chunks_free(set->chunks);
	free(set->v);
	free(set->slot);
	free(set->heap);
	free(set->pos);
	free(set->hll);
	memset(set, 0, sizeof(*set));
}

static int cmp_top(const void *a, const void *b)
{
	const struct strent *const *x = a, *const *y = b;
	if ((*x)->count != (*y)->count)
		return (*x)->count > (*y)->count ? -1 : 1;
	return strcmp((*x)->s, (*y)->s);
}

/* The entries of set, most resolvers first, ties by name: a new array of
 * set->n borrowed pointers (NULL when empty or out of memory). */
static const struct strent **strset_top(const struct strset *set)
{
	const struct strent **v;
	if (!set->n || !(v = malloc(set->n * sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		v[i] = &set->v[i];
	qsort(v, set->n, sizeof(*v), cmp_top);
	return v;
}

/* --- records ------------------------------------------------------------ */

void summary_record_clear(struct summary_record *r)
{
	for (size_t i = 0; i < r->nqueries; i++) {
		struct summary_query *q = &r->queries[i];
		free(q->provider);
		for (size_t j = 0; j < q->ninvalid; j++)
			free(q->invalid[j]);
		free(q->invalid);
	}
	free(r->queries);
	memset(r, 0, sizeof(*r));
}

int summary_record_from_scan(struct summary_record *r,
	const struct observation *o, const struct verdict *v,
	const struct truth *truth)
{
	memset(r, 0, sizeof(*r));
	prefix_str(&o->resolver, r->resolver, sizeof(r->resolver));
	r->class = v ? v->class : CLASS_COUNT;
	r->classes = v ? v->classes : 0;
	r->flags = v ? v->flags : 0;
	if (o->n && !(r->queries = calloc(o->n, sizeof(*r->queries))))
		return -1;
	r->nqueries = o->n;
	for (size_t k = 0; k < o->n; k++) {
		const struct query_result *res = &o->results[k];
		struct summary_query *q = &r->queries[k];
		const struct query_verdict *qv = NULL;
		for (size_t i = 0; v && i < v->nqueries; i++)
			if (v->queries[i].result == k)
				qv = &v->queries[i];
		q->role = res->role;
		q->qtype = res->qtype;
		q->answered = res->status == REPLY_OK;
		q->class = qv ? (int)qv->class : -1;
		if (q->answered)
			r->responsive = true;
		if (truth && res->provider >= 0 &&
		    (size_t)res->provider < truth->nproviders &&
		    !(q->provider = strdup(truth->providers[res->provider].domain)))
			goto oom;
		if (qv && qv->ninvalid &&
		    !(q->invalid = calloc(qv->ninvalid, sizeof(*q->invalid))))
			goto oom;
		for (size_t i = 0; qv && i < qv->ninvalid; i++, q->ninvalid++)
			if (!(q->invalid[i] = strdup(qv->invalid[i])))
				goto oom;
	}
	return 0;
oom:
	summary_record_clear(r);
	return -1;
}

/* --- reading a JSON line back ------------------------------------------- */

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -1;
}

static json_object *field(json_object *o, const char *key, json_type type)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int flag_parse(const char *name)
{
	for (int i = 0; i < FLAG_COUNT_BITS; i++)
		if (!strcmp(name, verdict_flag_str(1 << i)))
			return 1 << i;
	return -1;
}

static int query_from_json(struct summary_query *q, json_object *jq,
	char *err, size_t errlen)
{
	json_object *v;
	if (!json_object_is_type(jq, json_type_object))
		return bad(err, errlen, "a query is not an object");
	if (!(v = field(jq, "role", json_type_string)) ||
	    summary_role_parse(json_object_get_string(v)) < 0)
		return bad(err, errlen, "a query has no valid \"role\"");
	q->role = summary_role_parse(json_object_get_string(v));
	if (!(v = field(jq, "qtype", json_type_string)))
		return bad(err, errlen, "a query has no \"qtype\"");
	q->qtype = ldns_get_rr_type_by_name(json_object_get_string(v));
	if (q->qtype == 0)
		return bad(err, errlen, "a query has an unknown \"qtype\"");
	if (!(v = field(jq, "status", json_type_string)))
		return bad(err, errlen, "a query has no \"status\"");
	q->answered = !strcmp(json_object_get_string(v), "ok");
	if ((v = field(jq, "provider", json_type_string)) &&
	    !(q->provider = strdup(json_object_get_string(v))))
		return bad(err, errlen, "out of memory");
	q->class = -1;
	json_object *jv = field(jq, "verdict", json_type_object);
	if (jv) {
		if (!(v = field(jv, "class", json_type_string)) ||
		    verdict_class_parse(json_object_get_string(v)) < 0)
			return bad(err, errlen,
				"a query verdict has no valid \"class\"");
		q->class = verdict_class_parse(json_object_get_string(v));
	}
	json_object *inv = field(jq, "invalid", json_type_array);
	size_t n = inv ? json_object_array_length(inv) : 0;
	if (n && !(q->invalid = calloc(n, sizeof(*q->invalid))))
		return bad(err, errlen, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(inv, i);
		if (!json_object_is_type(s, json_type_string))
			return bad(err, errlen, "an \"invalid\" value is not "
				"a string");
		if (!(q->invalid[i] = strdup(json_object_get_string(s))))
			return bad(err, errlen, "out of memory");
		q->ninvalid++;
	}
	return 0;
}

int summary_record_from_json(struct summary_record *r, const char *text,
	size_t len, char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = NULL, *v;
	int rc = -1;
	memset(r, 0, sizeof(*r));
	if (!tok)
		return bad(err, errlen, "out of memory");
	if (len > INT32_MAX) {
		bad(err, errlen, "line too long");
		goto out;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		snprintf(err, errlen, "not JSON: %s",
			jerr == json_tokener_continue ? "unexpected end of line"
			: json_tokener_error_desc(jerr));
		goto out;
	}
	/* Only blanks may follow the object. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (!isspace((unsigned char)text[i])) {
			bad(err, errlen, "not JSON: text after the object");
			goto out;
		}
	if (!json_object_is_type(root, json_type_object)) {
		bad(err, errlen, "not a JSON object");
		goto out;
	}
	if (!(v = field(root, "resolver", json_type_string)) ||
	    strlen(json_object_get_string(v)) >= sizeof(r->resolver)) {
		bad(err, errlen, "no valid \"resolver\"");
		goto out;
	}
	snprintf(r->resolver, sizeof(r->resolver), "%s",
		json_object_get_string(v));
	r->class = CLASS_COUNT;
	if ((v = field(root, "class", json_type_string))) {
		int c = verdict_class_parse(json_object_get_string(v));
		if (c < 0) {
			snprintf(err, errlen, "unknown class \"%.40s\"",
				json_object_get_string(v));
			goto out;
		}
		r->class = c;
	} else if (!json_object_object_get_ex(root, "class", &v) || v) {
		/* json-c gives a JSON null as a NULL object. */
		bad(err, errlen, "no \"class\"");
		goto out;
	}
	json_object *arr = field(root, "classes", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(arr, i));
		int c = s ? verdict_class_parse(s) : -1;
		if (c < 0) {
			bad(err, errlen, "unknown name in \"classes\"");
			goto out;
		}
		r->classes |= 1u << c;
	}
	arr = field(root, "flags", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(arr, i));
		int f = s ? flag_parse(s) : -1;
		if (f < 0) {
			bad(err, errlen, "unknown name in \"flags\"");
			goto out;
		}
		r->flags |= (unsigned)f;
	}
	if (!(v = field(root, "responsive", json_type_boolean))) {
		bad(err, errlen, "no \"responsive\"");
		goto out;
	}
	r->responsive = json_object_get_boolean(v);
	arr = field(root, "queries", json_type_array);
	size_t n = arr ? json_object_array_length(arr) : 0;
	if (n && !(r->queries = calloc(n, sizeof(*r->queries)))) {
		bad(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		r->nqueries++;
		if (query_from_json(&r->queries[i],
		    json_object_array_get_idx(arr, i), err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		summary_record_clear(r);
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

/* --- the totals --------------------------------------------------------- */

struct prov {
	char *name;
	uint64_t mx_servers, ip_servers;	/* resolvers with an invalid answer */
	uint64_t asked;				/* resolvers that answered for it */
	struct strset mx, ip;			/* unique invalid values */
};

struct summary {
	uint64_t probed, responsive, invalid, malformed, unjudged;
	uint64_t primary[CLASS_COUNT];	/* by class */
	uint64_t any[CLASS_COUNT];	/* by any class bit */
	uint64_t flags[FLAG_COUNT_BITS];
	struct prov *provs;
	size_t nprovs;
};

struct summary *summary_new(void)
{
	return calloc(1, sizeof(struct summary));
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nprovs; i++) {
		free(s->provs[i].name);
		strset_clear(&s->provs[i].mx);
		strset_clear(&s->provs[i].ip);
	}
	free(s->provs);
	free(s);
}

static struct prov *prov_get(struct summary *s, const char *name)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (!strcasecmp(s->provs[i].name, name))
			return &s->provs[i];
	struct prov *v = realloc(s->provs, (s->nprovs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->provs = v;
	memset(&v[s->nprovs], 0, sizeof(*v));
	if (!(v[s->nprovs].name = strdup(name)))
		return NULL;
	return &v[s->nprovs++];
}

/* A value that names one MX host or address: no "TYPE rdata" space, and
 * no longer than a name in presentation form can be (a saved file may
 * hold anything; the set's memory is bounded by its cap times this). */
static bool plain(const char *v)
{
	return !strchr(v, ' ') && strlen(v) <= SUMMARY_VALUE_MAX;
}

int summary_add(struct summary *s, const struct summary_record *r)
{
	bool invalid = false;
	s->probed++;
	if (r->responsive)
		s->responsive++;
	if (r->class < CLASS_COUNT)
		s->primary[r->class]++;
	else
		s->unjudged++;
	for (int c = 0; c < CLASS_COUNT; c++)
		if (r->classes & (1u << c)) {
			s->any[c]++;
			if (verdict_class_is_lie(c))
				invalid = true;
		}
	if (verdict_class_is_lie(r->class))
		invalid = true;
	for (int f = 0; f < FLAG_COUNT_BITS; f++)
		if (r->flags & (1u << f))
			s->flags[f]++;

	/* Per provider: each resolver counts once per provider and column. */
	struct seen {
		const char *name;
		bool mx, ip, asked;
	} *seen = NULL;
	size_t nseen = 0;
	if (r->nqueries && !(seen = calloc(r->nqueries, sizeof(*seen))))
		return -1;
	for (size_t i = 0; i < r->nqueries; i++) {
		const struct summary_query *q = &r->queries[i];
		if (verdict_class_is_lie(q->class))
			invalid = true;
		if (!q->provider ||
		    (q->role != QUERY_MX && q->role != QUERY_ADDR))
			continue;
		struct prov *p = prov_get(s, q->provider);
		if (!p)
			goto oom;
		size_t j;
		for (j = 0; j < nseen; j++)
			if (!strcasecmp(seen[j].name, q->provider))
				break;
		if (j == nseen)
			seen[nseen++].name = q->provider;
		if (q->answered && !seen[j].asked) {
			seen[j].asked = true;
			p->asked++;
		}
		if (!verdict_class_is_lie(q->class))
			continue;
		bool mx = q->role == QUERY_MX;
		if (mx && !seen[j].mx) {
			seen[j].mx = true;
			p->mx_servers++;
		} else if (!mx && !seen[j].ip) {
			seen[j].ip = true;
			p->ip_servers++;
		}
		for (size_t k = 0; k < q->ninvalid; k++)
			if (plain(q->invalid[k]) && strset_add(mx ? &p->mx :
			    &p->ip, q->invalid[k], s->probed) < 0)
				goto oom;
	}
	free(seen);
	if (invalid)
		s->invalid++;
	return 0;
oom:
	free(seen);
	return -1;
}

void summary_add_malformed(struct summary *s)
{
	s->malformed++;
}

uint64_t summary_probed(const struct summary *s) { return s->probed; }
uint64_t summary_responsive(const struct summary *s) { return s->responsive; }
uint64_t summary_invalid(const struct summary *s) { return s->invalid; }

uint64_t summary_class_count(const struct summary *s, enum verdict_class c)
{
	return c < CLASS_COUNT ? s->primary[c] : s->unjudged;
}

static const struct strset *set_of(const struct summary *s,
	const char *provider, bool mx)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (!strcasecmp(s->provs[i].name, provider))
			return mx ? &s->provs[i].mx : &s->provs[i].ip;
	return NULL;
}

int summary_unique(const struct summary *s, const char *provider, bool mx,
	struct summary_unique *u)
{
	const struct strset *set = set_of(s, provider, mx);
	memset(u, 0, sizeof(*u));
	if (!set)
		return -1;
	u->count = strset_unique(set, &u->estimated);
	u->kept = set->n;
	u->bytes = strset_bytes(set);
	return 0;
}

int summary_top(const struct summary *s, const char *provider, bool mx,
	struct summary_top *top, size_t max, size_t *n)
{
	const struct strset *set = set_of(s, provider, mx);
	*n = 0;
	if (!set)
		return -1;
	if (!set->n)
		return 0;
	const struct strent **v = strset_top(set);
	if (!v)
		return -1;
	for (; *n < max && *n < set->n; (*n)++)
		top[*n] = (struct summary_top){ v[*n]->s, v[*n]->count,
			v[*n]->over };
	free(v);
	return 0;
}

/* --- printing ------------------------------------------------------------ */

static int cmp_prov(const void *a, const void *b)
{
	const struct prov *const *x = a, *const *y = b;
	return strcasecmp((*x)->name, (*y)->name);
}

/* Providers in name order (the input order must not matter). */
static const struct prov **sorted_provs(const struct summary *s)
{
	const struct prov **v = malloc((s->nprovs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->nprovs; i++)
		v[i] = &s->provs[i];
	qsort(v, s->nprovs, sizeof(*v), cmp_prov);
	return v;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* A value from a saved file may hold anything: keep terminals safe. */
static void put_safe(FILE *f, const char *v, int width)
{
	int n = 0;
	for (; *v; v++, n++)
		fputc((unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v, f);
	for (; n < width; n++)
		fputc(' ', f);
}

#define TOP_TEXT 5
#define TOP_HTML 10

/* A count as text: "~N" when it is an estimate or an upper bound. */
static const char *num(char *buf, size_t len, uint64_t n, bool estimated)
{
	snprintf(buf, len, "%s%llu", estimated ? "~" : "",
		(unsigned long long)n);
	return buf;
}

/* Any set of s past its cap, or any value kept with an inherited count? */
static bool any_estimate(const struct summary *s)
{
	for (size_t i = 0; i < s->nprovs; i++)
		if (s->provs[i].mx.heap || s->provs[i].ip.heap)
			return true;
	return false;
}

static void print_top(FILE *f, const char *prov, const char *kind,
	const struct strset *set)
{
	const struct strent **top = strset_top(set);
	size_t n = set->n < TOP_TEXT ? set->n : TOP_TEXT;
	char buf[32];
	for (size_t k = 0; top && k < n; k++) {
		fputs("  ", f);
		put_safe(f, prov, 20);
		fprintf(f, " %-2s  ", kind);
		put_safe(f, top[k]->s, 40);
		fprintf(f, " %10s\n", num(buf, sizeof(buf), top[k]->count,
			top[k]->over > 0));
	}
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (top && u > n) {
		fputs("  ", f);
		put_safe(f, prov, 20);
		fprintf(f, " %-2s  (%s more)\n", kind,
			num(buf, sizeof(buf), u - n, est));
	}
	free(top);
}

int summary_print(const struct summary *s, FILE *f)
{
	const struct prov **pv = sorted_provs(s);
	if (!pv)
		return -1;
	fprintf(f, "Summary\n");
	fprintf(f, "  %-28s %12llu\n", "resolvers probed",
		(unsigned long long)s->probed);
	fprintf(f, "  %-28s %12llu %7.2f%% of probed\n", "responsive",
		(unsigned long long)s->responsive, pct(s->responsive, s->probed));
	fprintf(f, "  %-28s %12llu %7.2f%% of responsive\n",
		"any invalid answer", (unsigned long long)s->invalid,
		pct(s->invalid, s->responsive));
	if (s->malformed)
		fprintf(f, "  %-28s %12llu\n", "malformed lines skipped",
			(unsigned long long)s->malformed);

	fprintf(f, "\nResolvers by class (the paper's Table 13)\n");
	fprintf(f, "  %-16s %12s %9s %12s\n", "class", "resolvers",
		"%probed", "any-of-class");
	for (int c = 0; c < CLASS_COUNT; c++)
		fprintf(f, "  %-16s %12llu %8.2f%% %12llu\n", class_name(c),
			(unsigned long long)s->primary[c],
			pct(s->primary[c], s->probed),
			(unsigned long long)s->any[c]);
	if (s->unjudged)
		fprintf(f, "  %-16s %12llu %8.2f%%\n", "unjudged",
			(unsigned long long)s->unjudged,
			pct(s->unjudged, s->probed));

	fprintf(f, "\nFlags\n");
	for (int b = 0; b < FLAG_COUNT_BITS; b++)
		fprintf(f, "  %-16s %12llu %8.2f%%\n", verdict_flag_str(1 << b),
			(unsigned long long)s->flags[b],
			pct(s->flags[b], s->probed));

	fprintf(f, "\nInvalid answers by provider (the paper's Table 7)\n");
	fprintf(f, "  %-20s %10s %12s %12s %12s %12s\n", "provider",
		"answered", "invalid-MX", "invalid-IP", "unique-MX",
		"unique-IP");
	fprintf(f, "  %-20s %10s %12s %12s %12s %12s\n", "",
		"servers", "servers", "servers", "names", "IPs");
	for (size_t i = 0; i < s->nprovs; i++) {
		char mx[32], ip[32];
		bool mxe, ipe;
		uint64_t mxn = strset_unique(&pv[i]->mx, &mxe);
		uint64_t ipn = strset_unique(&pv[i]->ip, &ipe);
		fprintf(f, "  %-20s %10llu %12llu %12llu %12s %12s\n",
			pv[i]->name, (unsigned long long)pv[i]->asked,
			(unsigned long long)pv[i]->mx_servers,
			(unsigned long long)pv[i]->ip_servers,
			num(mx, sizeof(mx), mxn, mxe),
			num(ip, sizeof(ip), ipn, ipe));
	}
	if (s->nprovs == 0)
		fprintf(f, "  (no provider queries)\n");

	bool any = false;
	for (size_t i = 0; i < s->nprovs; i++)
		any = any || pv[i]->mx.n || pv[i]->ip.n;
	if (any) {
		fprintf(f, "\nMost common invalid answers (resolvers giving "
			"each; top %d)\n", TOP_TEXT);
		for (size_t i = 0; i < s->nprovs; i++) {
			print_top(f, pv[i]->name, "MX", &pv[i]->mx);
			print_top(f, pv[i]->name, "IP", &pv[i]->ip);
		}
	}
	if (any_estimate(s))
		fprintf(f, "\n~ marks an estimate: past %d distinct values of "
			"a provider and kind,\n  unique counts come from a "
			"HyperLogLog sketch (about 1.6%% standard error),\n"
			"  and a count of resolvers may be overstated by the "
			"count of the dropped\n  value it replaced\n",
			SUMMARY_EXACT_MAX);
	free(pv);
	return ferror(f) ? -1 : 0;
}

/* --- HTML ----------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
				fprintf(f, "&#%u;", (unsigned char)*s);
			else
				fputc(*s, f);
		}
	}
}

/* A horizontal bar chart: one bar per (label, value), scaled to the
 * largest. */
static void svg_bars(FILE *f, const char *const *labels,
	const uint64_t *values, size_t n, const char *color)
{
	uint64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	const int row = 22, left = 170, width = 420;
	fprintf(f, "<svg role=\"img\" "
		"width=\"%d\" height=\"%zu\" class=\"chart\">\n",
		left + width + 90, n * row + 4);
	for (size_t i = 0; i < n; i++) {
		double w = (double)width * (double)values[i] / (double)max;
		int y = (int)i * row + 2;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			left - 8, y + 15);
		esc(f, labels[i]);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
			"height=\"%d\" fill=\"%s\"/>", left, y, w, row - 6,
			color);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%llu</text>\n",
			left + w + 6, y + 15, (unsigned long long)values[i]);
	}
	fprintf(f, "</svg>\n");
}

/* A table cell with a unique count: an estimate is marked as such. */
static void html_unique(FILE *f, const struct strset *set)
{
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (est)
		fprintf(f, "<td class=\"estimated\" title=\"HyperLogLog "
			"estimate, about 1.6%% standard error\">~%llu</td>",
			(unsigned long long)u);
	else
		fprintf(f, "<td>%llu</td>", (unsigned long long)u);
}

static void html_top(FILE *f, const char *prov, const char *kind,
	const struct strset *set)
{
	const struct strent **top = strset_top(set);
	size_t n = set->n < TOP_HTML ? set->n : TOP_HTML;
	for (size_t k = 0; top && k < n; k++) {
		fputs("<tr><td>", f);
		esc(f, prov);
		fprintf(f, "</td><td>%s</td><td>", kind);
		esc(f, top[k]->s);
		if (top[k]->over)
			fprintf(f, "</td><td class=\"estimated\" title=\"at "
				"least %llu, at most %llu\">~%llu</td></tr>\n",
				(unsigned long long)(top[k]->count -
				top[k]->over),
				(unsigned long long)top[k]->count,
				(unsigned long long)top[k]->count);
		else
			fprintf(f, "</td><td>%llu</td></tr>\n",
				(unsigned long long)top[k]->count);
	}
	bool est;
	uint64_t u = strset_unique(set, &est);
	if (top && u > n) {
		fputs("<tr><td>", f);
		esc(f, prov);
		fprintf(f, "</td><td>%s</td><td>(%s%llu more)</td><td></td>"
			"</tr>\n", kind, est ? "~" : "",
			(unsigned long long)(u - n));
	}
	free(top);
}

int summary_html(const struct summary *s, FILE *f, const char *title)
{
	const struct prov **pv = sorted_provs(s);
	if (!pv)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n<title>", f);
	esc(f, title);
	fputs("</title>\n<style>\n"
		"body{font-family:system-ui,sans-serif;margin:2em auto;"
		"max-width:60em;color:#222;padding:0 1em}\n"
		"h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;"
		"border-bottom:1px solid #ccc}\n"
		"table{border-collapse:collapse;margin:1em 0}\n"
		"th,td{padding:.25em .8em;border-bottom:1px solid #eee;"
		"text-align:right}\n"
		"th:first-child,td:first-child{text-align:left}\n"
		"th{background:#f4f4f4}\n"
		"tr.lie td:first-child{color:#b00020;font-weight:600}\n"
		".big{font-size:2em;font-weight:700}\n"
		".cards{display:flex;gap:1.5em;flex-wrap:wrap}\n"
		".card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em}\n"
		".chart text{font-size:12px;fill:#333}\n"
		"</style>\n</head>\n<body>\n<h1>", f);
	esc(f, title);
	fputs("</h1>\n<div class=\"cards\">\n", f);
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"resolvers probed</div>\n", (unsigned long long)s->probed);
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"responsive (%.2f%%)</div>\n", (unsigned long long)s->responsive,
		pct(s->responsive, s->probed));
	fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
		"any invalid answer (%.2f%% of responsive)</div>\n",
		(unsigned long long)s->invalid, pct(s->invalid, s->responsive));
	if (s->malformed)
		fprintf(f, "<div class=\"card\"><div class=\"big\">%llu</div>"
			"malformed lines skipped</div>\n",
			(unsigned long long)s->malformed);
	fputs("</div>\n", f);

	fputs("<h2>Resolvers by class (the paper's Table 13)</h2>\n", f);
	const char *labels[CLASS_COUNT + FLAG_COUNT_BITS];
	uint64_t values[CLASS_COUNT + FLAG_COUNT_BITS];
	for (int c = 0; c < CLASS_COUNT; c++) {
		labels[c] = class_name(c);
		values[c] = s->primary[c];
	}
	svg_bars(f, labels, values, CLASS_COUNT, "#3b6ea8");
	fputs("<table>\n<tr><th>class</th><th>resolvers</th><th>% of probed"
		"</th><th>with this class among others</th></tr>\n", f);
	for (int c = 0; c < CLASS_COUNT; c++)
		fprintf(f, "<tr%s><td>%s</td><td>%llu</td><td>%.2f%%</td>"
			"<td>%llu</td></tr>\n",
			verdict_class_is_lie(c) ? " class=\"lie\"" : "",
			class_name(c), (unsigned long long)s->primary[c],
			pct(s->primary[c], s->probed),
			(unsigned long long)s->any[c]);
	if (s->unjudged)
		fprintf(f, "<tr><td>unjudged</td><td>%llu</td><td>%.2f%%</td>"
			"<td></td></tr>\n", (unsigned long long)s->unjudged,
			pct(s->unjudged, s->probed));
	fputs("</table>\n", f);

	fputs("<h2>Flags</h2>\n", f);
	for (int b = 0; b < FLAG_COUNT_BITS; b++) {
		labels[b] = verdict_flag_str(1 << b);
		values[b] = s->flags[b];
	}
	svg_bars(f, labels, values, FLAG_COUNT_BITS, "#8a5fb0");

	fputs("<h2>Invalid answers by provider (the paper's Table 7)</h2>\n",
		f);
	if (s->nprovs) {
		const char **pl = malloc(2 * s->nprovs * sizeof(*pl));
		uint64_t *pvv = malloc(2 * s->nprovs * sizeof(*pvv));
		char (*names)[300] = malloc(2 * s->nprovs * sizeof(*names));
		if (pl && pvv && names) {
			for (size_t i = 0; i < s->nprovs; i++) {
				snprintf(names[2 * i], sizeof(names[0]),
					"%s MX", pv[i]->name);
				snprintf(names[2 * i + 1], sizeof(names[0]),
					"%s IP", pv[i]->name);
				pl[2 * i] = names[2 * i];
				pl[2 * i + 1] = names[2 * i + 1];
				pvv[2 * i] = pv[i]->mx_servers;
				pvv[2 * i + 1] = pv[i]->ip_servers;
			}
			svg_bars(f, pl, pvv, 2 * s->nprovs, "#c0504d");
		}
		free(pl);
		free(pvv);
		free(names);
	}
	fputs("<table>\n<tr><th>provider</th><th>servers answering</th>"
		"<th>servers with invalid MX</th><th>servers with invalid IP"
		"</th><th>unique invalid MX names</th><th>unique invalid IPs"
		"</th></tr>\n", f);
	for (size_t i = 0; i < s->nprovs; i++) {
		fputs("<tr><td>", f);
		esc(f, pv[i]->name);
		fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%llu</td>",
			(unsigned long long)pv[i]->asked,
			(unsigned long long)pv[i]->mx_servers,
			(unsigned long long)pv[i]->ip_servers);
		html_unique(f, &pv[i]->mx);
		html_unique(f, &pv[i]->ip);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);

	bool any = false;
	for (size_t i = 0; i < s->nprovs; i++)
		any = any || pv[i]->mx.n || pv[i]->ip.n;
	if (any) {
		fprintf(f, "<h2>Most common invalid answers</h2>\n<table>\n"
			"<tr><th>provider</th><th>kind</th><th>invalid answer"
			"</th><th>resolvers giving it</th></tr>\n");
		for (size_t i = 0; i < s->nprovs; i++) {
			html_top(f, pv[i]->name, "MX", &pv[i]->mx);
			html_top(f, pv[i]->name, "IP", &pv[i]->ip);
		}
		fputs("</table>\n", f);
	}
	if (any_estimate(s))
		fprintf(f, "<p class=\"estimated\">~ marks an estimate: "
			"past %d distinct values of a provider and kind, "
			"unique counts come from a HyperLogLog sketch (about "
			"1.6%% standard error), and a count of resolvers may "
			"be overstated by the count of the dropped value it "
			"replaced (its title gives the bounds).</p>\n",
			SUMMARY_EXACT_MAX);
	fputs("</body>\n</html>\n", f);
	free(pv);
	return ferror(f) ? -1 : 0;
}
