/* html.c: the shared pieces of report's HTML pages (html.h). */
#include "config.h"
#include <stdio.h>
#include "common/html.h"

void html_text(FILE *f, const char *s)
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

void html_page_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n<title>", f);
	html_text(f, title);
	fputs("</title>\n<style>\n"
		"body{font-family:system-ui,sans-serif;margin:2em auto;"
		"max-width:60em;color:#222;padding:0 1em}\n"
		"h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;"
		"border-bottom:1px solid #ccc}\n"
		/* On a narrow screen a wide table scrolls on its own and a
		 * chart shrinks, instead of the page cutting them off. */
		"table{border-collapse:collapse;margin:1em 0;display:block;"
		"overflow-x:auto;max-width:100%}\n"
		"svg{max-width:100%;height:auto}\n"
		"th,td{padding:.25em .8em;border-bottom:1px solid #eee;"
		"text-align:right}\n"
		"th:first-child,td:first-child{text-align:left}\n"
		"th{background:#f4f4f4}\n"
		"tr.lie td:first-child{color:#b00020;font-weight:600}\n"
		".big{font-size:2em;font-weight:700}\n"
		/* Cards of one width that fill each row evenly. */
		".cards{display:grid;gap:1em;"
		"grid-template-columns:repeat(auto-fill,minmax(13em,1fr))}\n"
		".card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em}\n"
		".chart text{font-size:12px;fill:#333}\n"
		".legend{font-size:.9em;color:#555;margin:.2em 0 1em}\n"
		".swatch{display:inline-block;width:.9em;height:.9em;"
		"margin:0 .3em 0 1em;vertical-align:-.1em}\n"
		"</style>\n</head>\n<body>\n<h1>", f);
	html_text(f, title);
	fputs("</h1>\n", f);
}

void html_page_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

void html_bars(FILE *f, const char *const *labels, const uint64_t *values,
	size_t n, const char *color, uint64_t max, const char *legend)
{
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	if (max == 0)
		max = 1;
	const int row = 22, left = 170, width = 420;
	fprintf(f, "<svg role=\"img\" width=\"%d\" height=\"%zu\" "
		"viewBox=\"0 0 %d %zu\" class=\"chart\">\n", left + width + 90,
		n * row + 4, left + width + 90, n * row + 4);
	for (size_t i = 0; i < n; i++) {
		double w = (double)width * (double)values[i] / (double)max;
		int y = (int)i * row + 2;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			left - 8, y + 15);
		html_text(f, labels[i]);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
			"height=\"%d\" fill=\"%s\"/>", left, y, w, row - 6,
			color);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%llu</text>\n",
			left + w + 6, y + 15, (unsigned long long)values[i]);
	}
	fputs("</svg>\n", f);
	if (legend) {
		fprintf(f, "<p class=\"legend\"><span class=\"swatch\" "
			"style=\"background:%s;margin-left:0\"></span>", color);
		html_text(f, legend);
		fputs("</p>\n", f);
	}
}

void html_legend(FILE *f, const char *const *names,
	const char *const *colors, size_t n)
{
	fputs("<p class=\"legend\">", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<span class=\"swatch\" style=\"background:%s%s\">"
			"</span>", colors[i], i ? "" : ";margin-left:0");
		html_text(f, names[i]);
	}
	fputs("</p>\n", f);
}
