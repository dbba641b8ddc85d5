/* rrtext.h: one record in presentation form for the scan's output: what
 * ldns_rr2str prints (default format), with spaces for its tabs and
 * without its newline.
 *
 * The records a mail scan meets by the million (A, AAAA, MX, CNAME, NS and
 * PTR of class IN) are printed here directly: ldns prints a name with one
 * printf per character, which made record printing a third of a scan's
 * CPU.  Everything else goes through ldns_rr2buffer_str_fmt.
 * tests/unit/test_rrtext.c and the reply fuzz target hold the two to the
 * same bytes. */
#ifndef COMMON_RRTEXT_H
#define COMMON_RRTEXT_H
#include <stddef.h>
#include <ldns/ldns.h>

/** Room for any record rrtext_fast prints: two names of 1,021 bytes at
 * most (255 octets, each escaped to 4) and an address. */
#define RRTEXT_FAST_MAX 2200

/** The fast path alone: writes rr's text and a NUL into out (size at least
 * RRTEXT_FAST_MAX) and returns its length, or -1 when rr is not a record
 * it prints (the caller asks ldns). */
int rrtext_fast(char *out, size_t size, const ldns_rr *rr);

/** The slow path alone: rr's text as ldns prints it, tabs made spaces and
 * the newline dropped, into b (cleared first, NUL-terminated).  Returns 0,
 * or -1 when ldns cannot print it.  Tests hold the fast path to it. */
int rrtext_ldns(ldns_buffer *b, const ldns_rr *rr);

/** rr's text into b (cleared first, NUL-terminated, read it with
 * ldns_buffer_begin and ldns_buffer_position), by the fast path or by
 * ldns.  Returns 0, or -1 when ldns cannot print it or memory runs out. */
int rrtext(ldns_buffer *b, const ldns_rr *rr);

#endif
