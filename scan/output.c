/* output.c: one resolver's result as a JSON line or a CSV row (see
 * output.h).  Records are printed with ldns so what a hostile resolver sent
 * is shown in presentation form (escaped), never raw. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "common/dnsname.h"
#include "scan/output.h"
#include "scan/summary.h"
#include "common/escape.h"

int output_format_parse(const char *name, enum output_format *fmt)
{
	if (!strcmp(name, "json") || !strcmp(name, "jsonl")) {
		*fmt = OUTPUT_JSONL;
		return 0;
	}
	if (!strcmp(name, "csv")) {
		*fmt = OUTPUT_CSV;
		return 0;
	}
	return -1;
}

static const char *status_str(enum reply_status s)
{
	switch (s) {
	case REPLY_OK: return "ok";
	case REPLY_TIMEOUT: return "timeout";
	case REPLY_MALFORMED: return "malformed";
	}
	return "?";
}

static const char *class_str(int c)
{
	return c >= 0 && c < CLASS_COUNT ? verdict_class_str(c) : NULL;
}

static void json_type(struct json *j, const char *key, uint16_t type)
{
	char buf[DNS_TYPE_STRLEN];
	json_str(j, key, dns_type_str(type, buf, sizeof(buf)));
}

static void json_classes(struct json *j, const char *key, unsigned classes)
{
	json_arr_open(j, key);
	for (int c = 0; c < CLASS_COUNT; c++)
		if (classes & (1u << c))
			json_str(j, NULL, verdict_class_str(c));
	json_arr_close(j);
}

static void json_flags(struct json *j, const char *key, unsigned flags)
{
	json_arr_open(j, key);
	for (int b = 0; b < FLAG_COUNT_BITS; b++)
		if (flags & (1u << b))
			json_str(j, NULL, verdict_flag_str(1 << b));
	json_arr_close(j);
}

/* One section's records in presentation form, without ldns' newline. */
static void json_header(struct json *j, const ldns_pkt *p)
{
	const char *rc = dns_rcode_name(ldns_pkt_get_rcode(p));
	char num[16];
	if (!rc)
		snprintf(num, sizeof(num), "RCODE%d", ldns_pkt_get_rcode(p));
	json_str(j, "rcode", rc ? rc : num);
	json_int(j, "id", ldns_pkt_id(p));
	json_arr_open(j, "flags");
	if (ldns_pkt_qr(p)) json_str(j, NULL, "qr");
	if (ldns_pkt_aa(p)) json_str(j, NULL, "aa");
	if (ldns_pkt_tc(p)) json_str(j, NULL, "tc");
	if (ldns_pkt_rd(p)) json_str(j, NULL, "rd");
	if (ldns_pkt_ra(p)) json_str(j, NULL, "ra");
	if (ldns_pkt_ad(p)) json_str(j, NULL, "ad");
	if (ldns_pkt_cd(p)) json_str(j, NULL, "cd");
	json_arr_close(j);
	json_bool(j, "edns", ldns_pkt_edns(p));
	if (ldns_pkt_edns(p))
		json_bool(j, "do", ldns_pkt_edns_do(p));
}

static const struct query_verdict *verdict_of(const struct verdict *v,
	size_t k)
{
	for (size_t i = 0; v && i < v->nqueries; i++)
		if (v->queries[i].result == k)
			return &v->queries[i];
	return NULL;
}

static bool responsive(const struct observation *o)
{
	for (size_t k = 0; k < o->n; k++)
		if (o->results[k].status == REPLY_OK)
			return true;
	return false;
}

int output_json(struct json *j, const struct observation *o,
	const struct verdict *v, const struct truth *truth)
{
	json_reset(j);
	output_json_object(j, NULL, o, v, truth);
	return j->err ? -1 : 0;
}

void output_json_object(struct json *j, const char *key,
	const struct observation *o, const struct verdict *v,
	const struct truth *truth)
{
	char addr[64];
	json_obj_open(j, key);
	json_str(j, "resolver", prefix_str(&o->resolver, addr, sizeof(addr)));
	json_str(j, "class", v ? class_str(v->class) : NULL);
	json_classes(j, "classes", v ? v->classes : 0);
	json_flags(j, "flags", v ? v->flags : 0);
	json_str(j, "why", v ? v->why : NULL);
	json_bool(j, "responsive", responsive(o));
	json_int(j, "unsolicited", o->unsolicited);
	if (o->forwarded)
		json_str(j, "answered_by", prefix_str(&o->answered_by, addr,
			sizeof(addr)));
	else
		json_str(j, "answered_by", NULL);
	if (o->silent)
		json_bool(j, "silent", true);
	json_arr_open(j, "queries");
	for (size_t k = 0; k < o->n && !j->err; k++) {
		const struct query_result *q = &o->results[k];
		const struct query_verdict *qv = verdict_of(v, k);
		json_obj_open(j, NULL);
		json_str(j, "qname", q->qname);
		json_type(j, "qtype", q->qtype);
		json_str(j, "role", summary_role_str(q->role));
		if (truth && q->provider >= 0 &&
		    (size_t)q->provider < truth->nproviders)
			json_str(j, "provider",
				truth->providers[q->provider].domain);
		else
			json_null(j, "provider");
		json_int(j, "round", q->round);
		json_str(j, "status", status_str(q->status));
		json_bool(j, "tcp", q->tcp);
		json_double(j, "rtt_ms", q->rtt_ms);
		json_int(j, "tries", q->tries);
		if (q->tcp_err)
			json_str(j, "tcp_error", strerror(q->tcp_err));
		if (q->status == REPLY_OK && q->reply) {
			json_header(j, q->reply);
			json_rr_list(j, "answer", ldns_pkt_answer(q->reply));
			json_rr_list(j, "authority", ldns_pkt_authority(q->reply));
			json_rr_list(j, "additional", ldns_pkt_additional(q->reply));
		}
		if (qv) {
			json_obj_open(j, "verdict");
			json_str(j, "class", class_str(qv->class));
			json_flags(j, "flags", qv->flags);
			json_str(j, "evidence", qv->evidence);
			json_str(j, "allowed", qv->allowed);
			json_obj_close(j);
		} else {
			json_null(j, "verdict");
		}
		json_arr_open(j, "invalid");
		for (size_t i = 0; qv && i < qv->ninvalid; i++)
			json_str(j, NULL, qv->invalid[i]);
		json_arr_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

const char *output_csv_header(void)
{
	return "resolver,class,classes,flags,queries,answered,timeouts,"
		"malformed,invalid,unsolicited,rtt_ms_min,rtt_ms_max,"
		"answered_by\n";
}

/* Append text to buf as one CSV field (quoted when it holds a comma, a
 * quote or a line break), with a separator before all but the first. */
struct row {
	char *buf;
	size_t size, len;
	unsigned fields;
	bool full;
};

static void field(struct row *r, const char *text)
{
	/* Every cell is ours today (addresses, names of classes, numbers);
	 * should outside text ever reach one, it is escaped for the
	 * terminals and spreadsheets CSV goes to. */
	char shown[256];
	if (escape_needed(text, strlen(text)))
		text = escape_str(shown, sizeof(shown), text, strlen(text),
			ESCAPE_DNS);
	bool quote = strpbrk(text, ",\"\r\n") != NULL;
	size_t need = (r->fields ? 1 : 0) + strlen(text) + (quote ? 2 : 0);
	for (const char *p = text; quote && *p; p++)
		need += *p == '"';
	if (r->full || r->len + need + 2 > r->size) {
		r->full = true;
		return;
	}
	if (r->fields++)
		r->buf[r->len++] = ',';
	if (quote)
		r->buf[r->len++] = '"';
	for (const char *p = text; *p; p++) {
		if (quote && *p == '"')
			r->buf[r->len++] = '"';
		r->buf[r->len++] = *p;
	}
	if (quote)
		r->buf[r->len++] = '"';
	r->buf[r->len] = '\0';
}

/* Names of the set bits, ';' separated. */
static void names(char *out, size_t size, unsigned bits, int count,
	bool classes)
{
	size_t len = 0;
	out[0] = '\0';
	for (int b = 0; b < count; b++) {
		if (!(bits & (1u << b)))
			continue;
		const char *n = classes ? verdict_class_str(b) :
			verdict_flag_str(1 << b);
		int w = snprintf(out + len, size - len, "%s%s", len ? ";" : "",
			n);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

int output_csv(char *buf, size_t size, const struct observation *o,
	const struct verdict *v)
{
	char tmp[512];
	struct row r = { buf, size, 0, 0, size < 2 };
	unsigned answered = 0, timeouts = 0, malformed = 0, invalid = 0;
	double lo = 0, hi = 0;
	bool any_rtt = false;
	if (size)
		buf[0] = '\0';
	for (size_t k = 0; k < o->n; k++) {
		const struct query_result *q = &o->results[k];
		const struct query_verdict *qv = verdict_of(v, k);
		if (q->status == REPLY_OK) {
			answered++;
			if (!any_rtt || q->rtt_ms < lo)
				lo = q->rtt_ms;
			if (!any_rtt || q->rtt_ms > hi)
				hi = q->rtt_ms;
			any_rtt = true;
		} else if (q->status == REPLY_TIMEOUT) {
			timeouts++;
		} else {
			malformed++;
		}
		if (qv && verdict_class_is_lie(qv->class))
			invalid++;
	}
	field(&r, prefix_str(&o->resolver, tmp, sizeof(tmp)));
	field(&r, v && class_str(v->class) ? class_str(v->class) : "");
	names(tmp, sizeof(tmp), v ? v->classes : 0, CLASS_COUNT, true);
	field(&r, tmp);
	names(tmp, sizeof(tmp), v ? v->flags : 0, FLAG_COUNT_BITS, false);
	field(&r, tmp);
	const unsigned counts[] = { (unsigned)o->n, answered, timeouts,
		malformed, invalid, o->unsolicited };
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		snprintf(tmp, sizeof(tmp), "%u", counts[i]);
		field(&r, tmp);
	}
	tmp[0] = '\0';
	if (any_rtt)
		snprintf(tmp, sizeof(tmp), "%.3f", lo);
	field(&r, tmp);
	if (any_rtt)
		snprintf(tmp, sizeof(tmp), "%.3f", hi);
	field(&r, tmp);
	tmp[0] = '\0';
	if (o->forwarded)
		prefix_str(&o->answered_by, tmp, sizeof(tmp));
	field(&r, tmp);
	if (r.full || r.len + 2 > size)
		return -1;
	buf[r.len++] = '\n';
	buf[r.len] = '\0';
	return (int)r.len;
}

int output_open(struct output *out, FILE *f, enum output_format fmt)
{
	memset(out, 0, sizeof(*out));
	out->f = f;
	out->fmt = fmt;
	json_init(&out->j, OUTPUT_LINE_MAX);
	if (fmt == OUTPUT_CSV) {
		const char *h = output_csv_header();
		if (fwrite(h, 1, strlen(h), f) != strlen(h))
			return -1;
	}
	return 0;
}

int output_header(struct output *out, const struct truth *truth)
{
	size_t left = 0;
	for (size_t i = 0; truth && i < truth->nproviders; i++)
		left += !truth->providers[i].usable;
	if (out->fmt != OUTPUT_JSONL || left == 0)
		return 0;
	json_reset(&out->j);
	json_obj_open(&out->j, NULL);
	json_arr_open(&out->j, "providers_left_out");
	for (size_t i = 0; i < truth->nproviders; i++) {
		const struct provider *p = &truth->providers[i];
		if (p->usable)
			continue;
		json_obj_open(&out->j, NULL);
		json_str(&out->j, "provider", p->domain);
		json_str(&out->j, "why", p->why_unusable ? p->why_unusable :
			"no truth");
		json_obj_close(&out->j);
	}
	json_arr_close(&out->j);
	json_obj_close(&out->j);
	if (out->j.err)
		return 0;	/* cannot be: a few short strings */
	if (json_write_line(&out->j, out->f) < 0)
		return -1;
	return 0;
}

int output_sweep(struct output *out, const struct sweep_record *w)
{
	if (out->fmt != OUTPUT_JSONL)
		return 0;
	char addr[64];
	json_reset(&out->j);
	json_obj_open(&out->j, NULL);
	json_obj_open(&out->j, "sweep");
	json_str(&out->j, "order", w->order);
	json_int(&out->j, "seed", (long long)w->seed);
	json_int(&out->j, "shard", w->shard);
	json_int(&out->j, "shards", w->shards);
	json_int(&out->j, "pass", w->pass);
	json_int(&out->j, "position", (long long)w->mark);
	json_int(&out->j, "probed", (long long)w->probed);
	json_int(&out->j, "answered", (long long)w->answered);
	if (w->over)
		json_int(&out->j, "silent", (long long)w->silent);
	else
		json_null(&out->j, "silent");
	json_bool(&out->j, "over", w->over);
	json_bool(&out->j, "final", w->final);
	json_arr_open(&out->j, "pending");
	for (size_t i = 0; i < w->npending && !out->j.err; i++)
		json_str(&out->j, NULL, prefix_str(&w->pending[i], addr,
			sizeof(addr)));
	json_arr_close(&out->j);
	json_obj_close(&out->j);
	json_obj_close(&out->j);
	if (out->j.err)
		return 1;
	if (json_write_line(&out->j, out->f) < 0)
		return -1;
	out->bytes += out->j.len;
	return 0;
}

int output_follow(struct output *out, const struct follow_dest *d,
	const struct starttls_result *r, const char *why)
{
	if (out->fmt != OUTPUT_JSONL)
		return 0;
	struct json *j = &out->j;
	json_reset(j);
	json_obj_open(j, NULL);
	json_obj_open(j, "follow");
	json_str(j, "address", d->addr);
	json_str(j, "provider", d->provider);
	json_str(j, "true_mx", d->true_mx[0] ? d->true_mx : NULL);
	json_int(j, "resolvers", (long long)d->resolvers);
	json_bool(j, "followed", r != NULL);
	if (!r) {
		json_str(j, "why", why);
	} else {
		json_str(j, "verdict", follow_verdict_str(follow_judge(r)));
		/* The certificate's name_matches is against true_mx. */
		starttls_result_json(j, r);
	}
	json_obj_close(j);
	json_obj_close(j);
	if (j->err)
		return 1;
	if (json_write_line(j, out->f) < 0)
		return -1;
	out->bytes += j->len;
	out->lines++;
	return 0;
}

int output_write(struct output *out, const struct observation *o,
	const struct verdict *v, const struct truth *truth)
{
	if (out->fmt == OUTPUT_CSV) {
		char row[OUTPUT_CSV_MAX];
		int n = output_csv(row, sizeof(row), o, v);
		if (n < 0) {
			out->errors++;
			return 0;
		}
		if (fwrite(row, 1, (size_t)n, out->f) != (size_t)n) {
			out->errors++;
			return -1;
		}
		out->lines++;
		out->bytes += (unsigned long long)n;
		return 0;
	}
	if (output_json(&out->j, o, v, truth) < 0) {
		/* Too big (or out of memory): a short line that still says who
		 * and what, so the scan's count of resolvers stays whole. */
		char addr[64];
		out->errors++;
		json_reset(&out->j);
		json_obj_open(&out->j, NULL);
		json_str(&out->j, "resolver",
			prefix_str(&o->resolver, addr, sizeof(addr)));
		json_str(&out->j, "class", v ? class_str(v->class) : NULL);
		json_classes(&out->j, "classes", v ? v->classes : 0);
		json_flags(&out->j, "flags", v ? v->flags : 0);
		json_bool(&out->j, "responsive", responsive(o));
		json_str(&out->j, "error", "result too large");
		json_obj_close(&out->j);
	}
	if (json_write_line(&out->j, out->f) < 0) {
		out->errors++;
		return -1;
	}
	out->lines++;
	out->bytes += out->j.len;
	return 0;
}

void output_close(struct output *out)
{
	json_clear(&out->j);
}
