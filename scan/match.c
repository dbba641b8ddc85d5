/* match.c: query wire format, 0x20, reply matching, the in-flight table
 * (see match.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <ldns/ldns.h>
#include "scan/match.h"

int match_build_query(uint8_t *buf, size_t cap, uint16_t id,
	const char *qname, uint16_t qtype, bool dnssec_ok,
	char *err, size_t errlen)
{
	ldns_rdf *name = NULL;
	if (ldns_str2rdf_dname(&name, qname) != LDNS_STATUS_OK || !name) {
		snprintf(err, errlen, "not a domain name: \"%s\"", qname);
		return -1;
	}
	ldns_pkt *p = ldns_pkt_query_new(name, (ldns_rr_type)qtype,
		LDNS_RR_CLASS_IN, LDNS_RD);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, dnssec_ok);
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_status st = ldns_pkt2wire(&wire, p, &len);
	ldns_pkt_free(p);
	if (st != LDNS_STATUS_OK) {
		snprintf(err, errlen, "%s", ldns_get_errorstr_by_id(st));
		return -1;
	}
	if (len > cap) {
		free(wire);
		snprintf(err, errlen, "query too long (%zu bytes)", len);
		return -1;
	}
	memcpy(buf, wire, len);
	free(wire);
	return (int)len;
}

void match_set_id(uint8_t *wire, uint16_t id)
{
	wire[0] = (uint8_t)(id >> 8);
	wire[1] = (uint8_t)id;
}

/* Length of the uncompressed name at wire[12], or -1. */
static int name_len(const uint8_t *wire, size_t len)
{
	size_t i = 12;
	for (;;) {
		if (i >= len)
			return -1;
		uint8_t l = wire[i];
		if (l == 0)
			break;
		if (l > 63)	/* a pointer or an extended label type */
			return -1;
		i += 1 + (size_t)l;
	}
	if (i + 1 - 12 > 255)
		return -1;
	return (int)(i + 1 - 12);
}

int match_question_len(const uint8_t *wire, size_t len)
{
	int n = name_len(wire, len);
	if (n < 0 || 12 + (size_t)n + 4 > len)
		return -1;
	return n + 4;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

static bool is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int match_0x20(uint8_t *wire, size_t len, const uint8_t *rnd, size_t nrnd)
{
	int n = name_len(wire, len);
	if (n < 0 || nrnd == 0)
		return -1;
	int letters = 0;
	size_t i = 12, end = 12 + (size_t)n - 1, bit = 0;
	while (i < end) {
		uint8_t l = wire[i++];
		for (size_t k = 0; k < l; k++, i++) {
			if (!is_alpha(wire[i]))
				continue;
			/* bit = letters % (nrnd * 8), without a division per
			 * letter: discovery cases every question it sends. */
			if (rnd[bit / 8] >> (bit % 8) & 1)
				wire[i] ^= 0x20;
			letters++;
			if (++bit == nrnd * 8)
				bit = 0;
		}
	}
	return letters;
}

int match_qname_str(const uint8_t *wire, size_t len, char *buf,
	size_t buflen)
{
	int n = name_len(wire, len);
	if (n < 0 || buflen == 0)
		return -1;
	ldns_rdf *rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, (size_t)n,
		wire + 12);
	if (!rdf)
		return -1;
	char *s = ldns_rdf2str(rdf);
	ldns_rdf_deep_free(rdf);
	if (!s)
		return -1;
	int rc = snprintf(buf, buflen, "%s", s) < (int)buflen ? 0 : -1;
	free(s);
	return rc;
}

int match_qname_case(const uint8_t *wire, size_t len, const char *name,
	char *buf, size_t buflen)
{
	int n = name_len(wire, len);
	size_t nl = strlen(name);
	if (n < 0 || nl == 0 || name[nl - 1] != '.' || strchr(name, '\\') ||
	    nl + 1 > buflen)
		return -1;
	size_t i = 12, k = 0;
	for (;;) {
		uint8_t l = wire[i++];
		if (l == 0)
			break;
		if (k + l > nl)
			return -1;
		for (size_t j = 0; j < l; j++, k++) {
			uint8_t w = wire[i + j], c = (uint8_t)name[k];
			if (lower(w) != lower(c))
				return -1;
			buf[k] = (char)w;
		}
		i += l;
		if (k < nl && name[k] != '.')
			return -1;
		if (k < nl)
			buf[k++] = '.';
	}
	/* The root alone is ".", every other name ends in exactly one dot. */
	if (k == 0 && nl == 1 && name[0] == '.')
		buf[k++] = '.';
	if (k != nl)
		return -1;
	buf[k] = 0;
	return 0;
}

const char *match_result_str(enum match_result r)
{
	static const char *const names[] = { "ok", "short", "not-reply", "id",
		"source", "question", "malformed" };
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

enum match_result match_reply(const uint8_t *reply, size_t rlen,
	const uint8_t *query, size_t qlen, bool exact_case)
{
	int ql = match_question_len(query, qlen);
	if (rlen < 2 || qlen < 12 || ql < 0)
		return MATCH_SHORT;
	if (reply[0] != query[0] || reply[1] != query[1])
		return MATCH_ID;
	if (rlen < 12)
		return MATCH_MALFORMED;
	if (!(reply[2] & 0x80))
		return MATCH_NOT_REPLY;
	if (reply[4] != 0 || reply[5] != 1 ||
	    match_question_len(reply, rlen) < 0)
		return MATCH_MALFORMED;
	const uint8_t *a = reply + 12, *b = query + 12;
	if (match_question_len(reply, rlen) != ql)
		return MATCH_QUESTION;
	if (exact_case)
		return memcmp(a, b, (size_t)ql) ? MATCH_QUESTION : MATCH_OK;
	/* Label length bytes are below 64, so lowering them is harmless. */
	for (int i = 0; i < ql; i++)
		if (lower(a[i]) != lower(b[i]))
			return MATCH_QUESTION;
	return MATCH_OK;
}

bool match_source(const struct sockaddr *want, const struct sockaddr *got)
{
	if (want->sa_family != got->sa_family)
		return false;
	if (want->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)want,
			*b = (const void *)got;
		return a->sin_port == b->sin_port &&
			a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	if (want->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)want,
			*b = (const void *)got;
		return a->sin6_port == b->sin6_port &&
			!memcmp(&a->sin6_addr, &b->sin6_addr, 16);
	}
	return false;
}

static size_t home(const struct inflight *t, uint32_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & t->mask;
}

int inflight_init(struct inflight *t, unsigned nsock, size_t max)
{
	size_t cap = 64;
	while (cap < 2 * max)
		cap *= 2;
	t->slot = calloc(cap, sizeof(*t->slot));
	t->mask = cap - 1;
	t->nsock = nsock;
	t->used = 0;
	t->max = max;
	return t->slot && nsock <= 65536 ? 0 : -1;
}

void inflight_clear(struct inflight *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find(const struct inflight *t, uint32_t key)
{
	size_t i = home(t, key);
	while (t->slot[i].q && t->slot[i].key != key)
		i = (i + 1) & t->mask;
	return i;
}

int inflight_put(struct inflight *t, unsigned sock, uint16_t id, void *q)
{
	if (sock >= t->nsock || !q || t->used >= t->max)
		return -1;
	uint32_t key = (uint32_t)sock << 16 | id;
	size_t i = find(t, key);
	if (t->slot[i].q)
		return -1;
	t->slot[i].key = key;
	t->slot[i].q = q;
	t->used++;
	return 0;
}

void *inflight_get(const struct inflight *t, unsigned sock, uint16_t id)
{
	if (sock >= t->nsock)
		return NULL;
	return t->slot[find(t, (uint32_t)sock << 16 | id)].q;
}

void inflight_del(struct inflight *t, unsigned sock, uint16_t id)
{
	if (sock >= t->nsock)
		return;
	size_t i = find(t, (uint32_t)sock << 16 | id);
	if (!t->slot[i].q)
		return;
	t->used--;
	/* Backward shift: move later entries of the run into the hole when
	 * their home is not between the hole and them, so every entry stays
	 * reachable from its home without tombstones. */
	size_t j = i;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->slot[j].q)
			break;
		size_t k = home(t, t->slot[j].key);
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].q = NULL;
	t->slot[i].key = 0;
}
