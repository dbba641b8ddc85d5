/* lineread.c: bounded line reading from a stream or a buffer
 * (lineread.h).  A stream is read in blocks and scanned with memchr; a
 * line grows its buffer only up to the cap, and the rest of a longer line
 * is read and dropped block by block. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/lineread.h"

#define RBUF_SIZE 65536

static void init(struct lineread *lr, const char *name, size_t max)
{
	memset(lr, 0, sizeof(*lr));
	lr->name = name ? name : "(input)";
	lr->max = max;
}

void lineread_file(struct lineread *lr, FILE *f, const char *name,
	size_t max)
{
	init(lr, name, max);
	lr->f = f;
}

void lineread_mem(struct lineread *lr, const char *text, size_t len,
	const char *name, size_t max)
{
	init(lr, name, max);
	lr->text = text;
	lr->textlen = len;
}

void lineread_free(struct lineread *lr)
{
	free(lr->rbuf);
	free(lr->line);
	lr->rbuf = lr->line = NULL;
	lr->cap = lr->len = 0;
}

/* The next block of input in *p (*n bytes): 1, 0 at the end, -1 on a read
 * error (lr->err set). */
static int block(struct lineread *lr, const char **p, size_t *n)
{
	if (!lr->f) {
		*p = lr->text + lr->textpos;
		*n = lr->textlen - lr->textpos;
		return *n > 0;
	}
	if (lr->rpos == lr->rend) {
		if (lr->eof)
			return 0;
		if (!lr->rbuf && !(lr->rbuf = malloc(RBUF_SIZE))) {
			snprintf(lr->err, sizeof(lr->err), "%s:%lu: out of "
				"memory", lr->name, lr->lineno + 1);
			return -1;
		}
		errno = 0;
		size_t got = fread(lr->rbuf, 1, RBUF_SIZE, lr->f);
		lr->rpos = 0;
		lr->rend = got;
		if (got == 0) {
			if (ferror(lr->f)) {
				snprintf(lr->err, sizeof(lr->err), "%s: read "
					"error: %s", lr->name,
					strerror(errno ? errno : EIO));
				return -1;
			}
			lr->eof = true;
			return 0;
		}
	}
	*p = lr->rbuf + lr->rpos;
	*n = lr->rend - lr->rpos;
	return 1;
}

static void consume(struct lineread *lr, size_t n)
{
	if (lr->f)
		lr->rpos += n;
	else
		lr->textpos += n;
	lr->offset += n;
}

/* Append n bytes to the line, growing its buffer (never past the cap). */
static int append(struct lineread *lr, const char *p, size_t n)
{
	if (lr->len + n + 1 > lr->cap) {
		size_t c = lr->cap ? lr->cap : 256;
		while (c < lr->len + n + 1)
			c *= 2;
		if (c > lr->max + 1)
			c = lr->max + 1;
		char *nl = realloc(lr->line, c);
		if (!nl) {
			snprintf(lr->err, sizeof(lr->err), "%s:%lu: out of "
				"memory", lr->name, lr->lineno);
			return -1;
		}
		lr->line = nl;
		lr->cap = c;
	}
	memcpy(lr->line + lr->len, p, n);
	lr->len += n;
	lr->line[lr->len] = '\0';
	return 0;
}

enum lineread_status lineread_next(struct lineread *lr)
{
	bool started = false, toolong = false;
	const char *p;
	size_t n;
	int b;

	lr->len = 0;
	lr->newline = false;
	if (lr->line)
		lr->line[0] = '\0';
	while ((b = block(lr, &p, &n)) > 0) {
		if (!started) {
			started = true;
			lr->lineno++;
		}
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (!toolong && lr->len + take > lr->max)
			toolong = true;
		if (!toolong && append(lr, p, take) < 0)
			return LINEREAD_ERROR;
		consume(lr, take + (nl ? 1 : 0));
		if (nl) {
			lr->newline = true;
			break;
		}
	}
	if (b < 0)
		return LINEREAD_ERROR;
	if (!started)
		return LINEREAD_EOF;
	if (toolong) {
		lr->len = 0;
		if (lr->line)
			lr->line[0] = '\0';
		snprintf(lr->err, sizeof(lr->err), "%s:%lu: line longer than "
			"%zu bytes", lr->name, lr->lineno, lr->max);
		return LINEREAD_LONG;
	}
	if (!lr->line && append(lr, "", 0) < 0)
		return LINEREAD_ERROR;
	return LINEREAD_LINE;
}
