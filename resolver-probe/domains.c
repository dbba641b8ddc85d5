/* domains.c: a survey's domains from its arguments and a list file (see
 * domains.h). */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "resolver-probe/domains.h"
#include "mail/domainlist.h"
#include "mail/survey.h"

int domains_open(struct domains *d, const char *cmd, char **argv, int argc,
	const char *file, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->cmd = cmd;
	d->argv = argv;
	d->argc = argc;
	d->eof = !file;
	if (!file)
		return 0;
	d->list = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!d->list) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		d->eof = true;
		return -1;
	}
	lineread_file(&d->lr, d->list, strcmp(file, "-") ? file : "(stdin)",
		MAIL_LIST_LINE_MAX);
	return 0;
}

static bool skipped(const struct domains *d, const char *domain)
{
	return mail_survey_has(d->skip, d->nskip, domain);
}

int domains_next(struct domains *d, char *out, size_t outlen)
{
	while (d->argi < d->argc) {
		snprintf(out, outlen, "%s", d->argv[d->argi++]);
		if (!skipped(d, out))
			return 0;
	}
	while (!d->eof) {
		char err[512];
		enum mail_list_status ls = mail_list_next(&d->lr, out, outlen,
			err, sizeof(err));
		if (ls == MAIL_LIST_DOMAIN) {
			if (skipped(d, out))
				continue;
			return 0;
		}
		if (ls == MAIL_LIST_BAD) {
			fprintf(stderr, "%s\n", err);
			d->bad++;
			continue;
		}
		if (ls == MAIL_LIST_ERROR) {
			fprintf(stderr, "resolver-probe %s: %s\n", d->cmd, err);
			d->failed = true;
		}
		d->eof = true;
	}
	return -1;
}

void domains_start(struct domains *d, unsigned *running, unsigned max,
	int (*start)(const char *domain, void *arg, char *err, size_t errlen),
	void *arg)
{
	while (*running < max) {
		char domain[300], err[512];
		if (domains_next(d, domain, sizeof(domain)) < 0)
			return;
		if (start(domain, arg, err, sizeof(err)) < 0) {
			fprintf(stderr, "resolver-probe %s: %s\n", d->cmd, err);
			d->bad++;
			continue;
		}
		d->started++;
		(*running)++;
	}
}

void domains_close(struct domains *d)
{
	if (d->list)
		lineread_free(&d->lr);
	if (d->list && d->list != stdin)
		fclose(d->list);
	d->list = NULL;
	d->eof = true;
}
