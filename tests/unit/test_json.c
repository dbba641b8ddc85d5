/* test_json.c: the JSON writer: structure, escaping, the cap. */
#include "config.h"
#include <string.h>
#include "common/json.h"
#include "tests/tap.h"

int main(void)
{
	struct json j;
	json_init(&j, 0);
	json_obj_open(&j, NULL);
	json_str(&j, "resolver", "127.0.0.1");
	json_arr_open(&j, "classes");
	json_str(&j, NULL, "static");
	json_str(&j, NULL, "loopback");
	json_arr_close(&j);
	json_int(&j, "n", -3);
	json_bool(&j, "ok", true);
	json_null(&j, "none");
	json_double(&j, "rtt", 1.5);
	json_obj_close(&j);
	ok(j.err == 0 && !strcmp(j.buf, "{\"resolver\":\"127.0.0.1\","
		"\"classes\":[\"static\",\"loopback\"],\"n\":-3,\"ok\":true,"
		"\"none\":null,\"rtt\":1.500}"), "object with array: %s", j.buf);

	json_reset(&j);
	json_str(&j, NULL, "a\"b\\c\n\x01\xff");
	ok(!strcmp(j.buf, "\"a\\\"b\\\\c\\u000a\\u0001\\u00ff\""),
		"control and high bytes escaped: %s", j.buf);
	json_clear(&j);

	json_init(&j, 16);
	json_str(&j, NULL, "this string is far longer than sixteen bytes");
	ok(j.err == -1, "writing past the cap is an error, not an overflow");
	ok(json_write_line(&j, stdout) == -1, "a capped document is not written");
	json_clear(&j);

	json_init(&j, 0);
	json_obj_open(&j, NULL);
	ok(json_write_line(&j, stdout) == -1, "an unclosed document is not written");
	json_clear(&j);
	return tap_done();
}
