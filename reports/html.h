/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The HTML report's parts shared by its two files: html.c writes the page
 * (banner, environment, losses, kernel, hangs, cost) and html-timeline.c
 * the timeline's inline SVG charts.
 */

#include <json-c/json.h>
#include <stdio.h>

/* Series are reduced to at most twice this many points per chart (min and max per bucket). */
#define HTML_CHART_BUCKETS 240

/* The timeline section: the run's chart, then one chart per container. 0 or -errno. */
int html_timeline(json_object *report, FILE *out);

/* The CSS the timeline's SVG classes need, written into the page's <style>. */
void html_timeline_css(FILE *out);
