/* test_output.c: JSON Lines (parsed back with json-c) and CSV rows. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
/* json-c's json_bool typedef would clash with json.h's json_bool(). */
#define json_bool jsonc_bool
#include <json-c/json.h>
#undef json_bool
#include "tests/tap.h"
#include "tests/unit/results.h"
#include "scan/output.h"

static json_object *get(json_object *o, const char *path)
{
	/* "a.b.3.c": object keys and array indices. */
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o;
	     k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			long i = strtol(k, &end, 10);
			o = *end ? NULL : json_object_array_get_idx(o, (size_t)i);
		} else if (!json_object_object_get_ex(o, k, &o)) {
			o = NULL;
		}
	}
	return o;
}

/* Is key present in the object at path, with the value null? */
static bool is_null(json_object *o, const char *path, const char *key)
{
	json_object *parent = path ? get(o, path) : o, *v = NULL;
	return parent && json_object_object_get_ex(parent, key, &v) && !v;
}

static const char *str(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	return v && json_object_is_type(v, json_type_string) ?
		json_object_get_string(v) : "(none)";
}

static size_t len(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	return v && json_object_is_type(v, json_type_array) ?
		json_object_array_length(v) : (size_t)-1;
}

/* Parse one line: exactly one object, then the newline, nothing else. */
static json_object *parse_line(const char *line, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, line, (int)n);
	/* json-c may take the newline as trailing blank space. */
	size_t end = json_tokener_get_parse_end(tok);
	if (o && end != n - 1 && end != n) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static void test_json(struct fixture *f)
{
	struct json j;
	json_init(&j, OUTPUT_LINE_MAX);

	ok(output_json(&j, f->obs[1], f->ver[1], f->truth) == 0,
		"falsifier formats");
	json_object *o = json_tokener_parse(j.buf);
	ok(o != NULL, "it is valid JSON");
	ok(!strcmp(str(o, "resolver"), "127.0.2.1") &&
		!strcmp(str(o, "class"), "falsified"), "resolver and class");
	ok(len(o, "classes") == 1 && !strcmp(str(o, "classes.0"), "falsified"),
		"classes");
	ok(len(o, "flags") == 1 &&
		!strcmp(str(o, "flags.0"), "nxdomain-rewrite"), "flags");
	ok(len(o, "queries") == 3, "three queries");
	ok(!strcmp(str(o, "queries.0.qname"), MXQ) &&
		!strcmp(str(o, "queries.0.qtype"), "MX") &&
		!strcmp(str(o, "queries.0.role"), "mx") &&
		!strcmp(str(o, "queries.0.provider"), "gmail.com.") &&
		!strcmp(str(o, "queries.0.status"), "ok"),
		"query name (0x20 case kept), type, role, provider, status");
	ok(!strcmp(str(o, "queries.0.rcode"), "NOERROR") &&
		len(o, "queries.0.flags") == 3 &&
		!strcmp(str(o, "queries.0.flags.0"), "qr") &&
		!strcmp(str(o, "queries.0.flags.2"), "ra"),
		"rcode and header flags qr rd ra");
	ok(len(o, "queries.0.answer") == 2 &&
		!strcmp(str(o, "queries.0.answer.1"),
		"gmail.com. 300 IN MX 10 mx.evil.example."),
		"answers in presentation form: %s",
		str(o, "queries.0.answer.1"));
	json_object *rtt = get(o, "queries.0.rtt_ms");
	ok(rtt && json_object_get_double(rtt) == 12.5 &&
		json_object_get_int(get(o, "queries.0.tries")) == 1,
		"timing and tries");
	ok(!strcmp(str(o, "queries.0.verdict.class"), "falsified") &&
		!strcmp(str(o, "queries.0.verdict.evidence"),
		"answer outside the validated set") &&
		!strcmp(str(o, "queries.0.verdict.allowed"),
		"5 gmail-smtp-in.l.google.com."), "per-query verdict");
	ok(len(o, "queries.0.invalid") == 1 &&
		!strcmp(str(o, "queries.0.invalid.0"), "mx.evil.example."),
		"only the MX outside the truth is invalid");
	ok(len(o, "queries.1.invalid") == 1 &&
		!strcmp(str(o, "queries.1.invalid.0"), "6.6.6.6"),
		"the false address is invalid");
	ok(!strcmp(str(o, "queries.2.invalid.0"), "mx.evil.example."),
		"MX names are lowercased");
	json_object_put(o);

	output_json(&j, f->obs[0], f->ver[0], f->truth);
	o = json_tokener_parse(j.buf);
	ok(o && len(o, "queries.0.invalid") == 0 &&
		len(o, "queries.1.invalid") == 0 &&
		json_object_get_boolean(get(o, "responsive")),
		"a correct resolver has no invalid values (provider prefix ok)");
	json_object_put(o);

	output_json(&j, f->obs[2], f->ver[2], f->truth);
	o = json_tokener_parse(j.buf);
	ok(o && !strcmp(str(o, "queries.0.invalid.0"), "A 10.9.9.9") &&
		!strcmp(str(o, "queries.1.invalid.0"), "10.9.9.9"),
		"static: an A record answering MX is \"A 10.9.9.9\"");
	json_object_put(o);

	output_json(&j, f->obs[3], f->ver[3], f->truth);
	o = json_tokener_parse(j.buf);
	ok(o && !strcmp(str(o, "queries.0.status"), "timeout") &&
		!get(o, "queries.0.rcode") && !get(o, "queries.0.answer") &&
		json_object_get_int(get(o, "queries.0.tries")) == 3 &&
		!json_object_get_boolean(get(o, "responsive")),
		"a timeout: status, tries, no reply fields");
	json_object_put(o);

	output_json(&j, f->obs[4], NULL, NULL);
	o = json_tokener_parse(j.buf);
	ok(o && is_null(o, NULL, "class") && len(o, "classes") == 0 &&
		is_null(o, "queries.0", "verdict") &&
		is_null(o, "queries.0", "provider") &&
		!is_null(o, "queries.0", "nonexistent") &&
		!strcmp(str(o, "resolver"), "::1") &&
		json_object_get_int(get(o, "unsolicited")) == 2,
		"unjudged, without truth: nulls, IPv6 resolver");
	json_object_put(o);

	/* A hostile reply: binary bytes in a TXT record and the qname. */
	struct observation *h = fx_obs("127.0.3.9");
	ldns_pkt *p = fx_reply("x.example.", LDNS_RR_TYPE_TXT,
		LDNS_RCODE_NOERROR, (const char *[]){
		"x.example. 1 IN TXT \"\\000\\255\\\"</script>\\010\"", NULL });
	fx_add(h, "x\x01\xff\".example.", LDNS_RR_TYPE_TXT, QUERY_OTHER, -1, p);
	ok(output_json(&j, h, NULL, f->truth) == 0 &&
		(o = json_tokener_parse(j.buf)) != NULL,
		"hostile bytes still give valid JSON");
	ok(o && strstr(str(o, "queries.0.answer.0"), "\\000\\255"),
		"binary rdata is in ldns presentation form: %s",
		str(o, "queries.0.answer.0"));
	json_object_put(o);
	observation_free(h);
	json_clear(&j);
}

static void test_stream(struct fixture *f)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&buf, &n);
	struct output out;
	ok(output_open(&out, mem, OUTPUT_JSONL) == 0, "JSON Lines stream");
	for (int i = 0; i < NFIX; i++)
		output_write(&out, f->obs[i], f->ver[i], f->truth);
	fclose(mem);
	ok(out.lines == NFIX && out.errors == 0, "%d lines written", NFIX);
	int good = 0, lines = 0;
	for (char *s = buf, *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		json_object *o = parse_line(s, (size_t)(nl - s) + 1);
		lines++;
		good += o != NULL;
		json_object_put(o);
	}
	ok(lines == NFIX && good == NFIX && n > 0 && buf[n - 1] == '\n',
		"every line is one JSON object ending in a newline");
	output_close(&out);
	free(buf);

	/* A result over OUTPUT_LINE_MAX: a short error line instead. */
	struct observation *big = fx_obs("127.0.3.10");
	ldns_pkt *p = fx_reply("big.example.", LDNS_RR_TYPE_TXT,
		LDNS_RCODE_NOERROR, (const char *[]){ NULL });
	char txt[300];
	memset(txt, 'a', 250);
	txt[250] = 0;
	char line[400];
	snprintf(line, sizeof(line), "big.example. 1 IN TXT \"%s\"", txt);
	for (int i = 0; i < 20000; i++) {
		ldns_rr *rr = NULL;
		ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	fx_add(big, "big.example.", LDNS_RR_TYPE_TXT, QUERY_OTHER, -1, p);
	buf = NULL;
	mem = open_memstream(&buf, &n);
	output_open(&out, mem, OUTPUT_JSONL);
	ok(output_write(&out, big, NULL, NULL) == 0, "too large: written");
	fclose(mem);
	json_object *o = json_tokener_parse(buf);
	ok(o && out.errors == 1 && n < 1000 &&
		!strcmp(str(o, "error"), "result too large") &&
		!strcmp(str(o, "resolver"), "127.0.3.10"),
		"too large: a short error line (%zu bytes)", n);
	json_object_put(o);
	output_close(&out);
	free(buf);
	observation_free(big);
}

static void test_csv(struct fixture *f)
{
	char row[OUTPUT_CSV_MAX];
	enum output_format fmt;
	ok(output_format_parse("csv", &fmt) == 0 && fmt == OUTPUT_CSV &&
		output_format_parse("json", &fmt) == 0 && fmt == OUTPUT_JSONL &&
		output_format_parse("xml", &fmt) < 0, "format names");
	ok(!strcmp(output_csv_header(), "resolver,class,classes,flags,queries,"
		"answered,timeouts,malformed,invalid,unsolicited,rtt_ms_min,"
		"rtt_ms_max,answered_by\n"), "CSV header");
	int n = output_csv(row, sizeof(row), f->obs[1], f->ver[1]);
	ok(n > 0 && !strcmp(row, "127.0.2.1,falsified,falsified,"
		"nxdomain-rewrite,3,3,0,0,3,0,12.500,12.500,\n"),
		"falsifier row: %.*s", (int)strcspn(row, "\n"), row);
	output_csv(row, sizeof(row), f->obs[4], f->ver[4]);
	ok(!strcmp(row, "::1,falsified,falsified;correct,unsolicited,2,2,0,0,"
		"1,2,12.500,12.500,\n"), "two classes separated by semicolons: %.*s",
		(int)strcspn(row, "\n"), row);
	output_csv(row, sizeof(row), f->obs[3], NULL);
	ok(!strcmp(row, "127.0.3.1,,,,2,0,2,0,0,0,,,\n"),
		"unjudged timeout: empty fields keep their commas: %.*s",
		(int)strcspn(row, "\n"), row);
	f->obs[3]->forwarded = 1;
	prefix_parse("127.0.1.1", &f->obs[3]->answered_by, NULL, 0);
	output_csv(row, sizeof(row), f->obs[3], NULL);
	ok(!strcmp(row, "127.0.3.1,,,,2,0,2,0,0,0,,,127.0.1.1\n"),
		"a forwarder's row names the address that answered: %.*s",
		(int)strcspn(row, "\n"), row);
	f->obs[3]->forwarded = 0;
	ok(output_csv(row, 20, f->obs[1], f->ver[1]) < 0,
		"a row that does not fit is an error");

	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct output out;
	output_open(&out, mem, OUTPUT_CSV);
	for (int i = 0; i < NFIX; i++)
		output_write(&out, f->obs[i], f->ver[i], f->truth);
	fclose(mem);
	int lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	ok(lines == NFIX + 1 && !strncmp(buf, "resolver,", 9),
		"CSV stream: header and one row per resolver");
	output_close(&out);
	free(buf);
}

int main(void)
{
	struct fixture f;
	fixture_init(&f);
	test_json(&f);
	test_stream(&f);
	test_csv(&f);
	fixture_clear(&f);
	return tap_done();
}
