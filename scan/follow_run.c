/* follow_run.c: one STARTTLS session per destination of the lies, paced
 * (follow_run.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail/starttls.h"
#include "scan/follow_run.h"

struct follow_run {
	uv_loop_t *loop;
	struct follow_run_opts o;
	const struct follow_dest *const *d;
	size_t n, next;
	unsigned running;
	bool stopped;
	uv_timer_t timer;
	bool timer_open;
	follow_result_cb cb;
	void *arg;
};

struct visit {
	struct follow_run *f;
	const struct follow_dest *d;
};

static void on_timer_closed(uv_handle_t *h)
{
	struct follow_run *f = h->data;
	f->timer_open = false;
}

/* Nothing left to start: the timer goes, so that the loop can end once
 * the sessions have. */
static void maybe_close(struct follow_run *f)
{
	if ((f->next == f->n || f->stopped) && f->timer_open &&
	    !uv_is_closing((uv_handle_t *)&f->timer))
		uv_close((uv_handle_t *)&f->timer, on_timer_closed);
}

static void on_done(struct starttls_probe *p, void *arg)
{
	struct visit *v = arg;
	struct follow_run *f = v->f;
	f->cb(v->d, starttls_probe_result(p), f->arg);
	starttls_probe_free(p);
	free(v);
	f->running--;
	maybe_close(f);
}

static void start_one(struct follow_run *f)
{
	const struct follow_dest *d = f->d[f->next++];
	struct starttls_opts so = { .port = f->o.port, .timeout =
		f->o.timeout, .helo = f->o.helo, .ca_file = f->o.ca_file,
		.versions = false };
	char err[200];
	struct visit *v = malloc(sizeof(*v));
	struct starttls_probe *p = NULL;
	if (v) {
		v->f = f;
		v->d = d;
		p = starttls_probe_start(f->loop, d->true_mx[0] ? d->true_mx :
			d->addr, d->addr, &so, on_done, v, err, sizeof(err));
	} else
		snprintf(err, sizeof(err), "out of memory");
	if (p) {
		f->running++;
		return;
	}
	free(v);
	/* Not started: say so as a session that never connected. */
	struct starttls_result r;
	memset(&r, 0, sizeof(r));
	snprintf(r.addr, sizeof(r.addr), "%s", d->addr);
	snprintf(r.error, sizeof(r.error), "not started: %s", err);
	r.main_version = -1;
	r.dh_bits = -1;
	f->cb(d, &r, f->arg);
}

static void on_tick(uv_timer_t *t)
{
	struct follow_run *f = t->data;
	if (!f->stopped && f->next < f->n && f->running < f->o.concurrency)
		start_one(f);
	maybe_close(f);
}

struct follow_run *follow_run_start(uv_loop_t *loop,
	const struct follow_dest *const *d, size_t n,
	const struct follow_run_opts *o, follow_result_cb cb, void *arg,
	char *err, size_t errlen)
{
	if (o->rate == 0 || o->concurrency == 0) {
		snprintf(err, errlen, "follow: rate and concurrency must be "
			"at least 1");
		return NULL;
	}
	struct follow_run *f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->loop = loop;
	f->o = *o;
	f->d = d;
	f->n = n;
	f->cb = cb;
	f->arg = arg;
	uv_timer_init(loop, &f->timer);
	f->timer.data = f;
	f->timer_open = true;
	/* One session a tick: the rate is the tick's frequency. */
	uint64_t ms = 1000 / o->rate;
	uv_timer_start(&f->timer, on_tick, 0, ms ? ms : 1);
	return f;
}

void follow_run_stop(struct follow_run *f)
{
	if (!f)
		return;
	f->stopped = true;
	maybe_close(f);
}

size_t follow_run_left(const struct follow_run *f)
{
	return f ? f->n - f->next : 0;
}

void follow_run_free(struct follow_run *f)
{
	free(f);
}
