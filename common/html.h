/* html.h: the pieces of the self-contained HTML pages `report` writes
 * (a scan's and a survey's): one style, escaping, horizontal bar charts
 * in inline SVG and their legends.  No scripts, no external links. */
#ifndef COMMON_HTML_H
#define COMMON_HTML_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** s as HTML text: markup characters and control bytes as references. */
void html_text(FILE *f, const char *s);

/** The page up to its heading: doctype, the shared style, the title and
 * an h1 of it. */
void html_page_head(FILE *f, const char *title);

/** The end of the page. */
void html_page_end(FILE *f);

/** A horizontal bar chart: one bar per (label, value) in color, scaled
 * to the largest value (or to max when it is larger), each labelled with
 * its value; legend says what a bar measures (a caption under it). */
void html_bars(FILE *f, const char *const *labels, const uint64_t *values,
	size_t n, const char *color, uint64_t max, const char *legend);

/** A legend of colour swatches and their names. */
void html_legend(FILE *f, const char *const *names,
	const char *const *colors, size_t n);

#endif
