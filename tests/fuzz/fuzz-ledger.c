// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A ledger as poof verify reads one. Checksums would stop almost every
 * mutation at the header, so each input is also parsed with its checksums
 * made right (anyone can forge them: they catch damage, not intent), which
 * takes the fuzzer on to the sizes and the tables. An accepted ledger is
 * then verified against a data directory of garbage files, named as the
 * seeds' writers and files would be, and summed up in a report. A ledger
 * ledger_parse() accepts must be one the verifier can use: anything else
 * would be poof verify's exit 70, an internal error, for damaged input.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <xxhash.h>

#include "fuzz.h"
#include "judge/ledger.h"
#include "judge/verify.h"
#include "reports/report.h"
#include "shared/macro.h"

static char data_dir_path[64];

/* Data files of the seeds' writers and files, 64 KiB of garbage each. */
static void make_data_files(const char *dir)
{
	static const uint32_t names[][2] = { { 0, 0 }, { 0, 1 }, { 1, 2 }, { 1, 3 } };
	uint8_t garbage[64 << 10];

	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char name[64], path[128];
		_cleanup_close_ int fd = -1;

		verify_file_name(names[i][0], names[i][1], name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, garbage, sizeof(garbage)) != (ssize_t)sizeof(garbage))
			abort();
	}
}

static void remove_data_dir(void)
{
	_cleanup_closedir_ DIR *d = opendir(data_dir_path);
	struct dirent *e;

	while (d && (e = readdir(d)))
		(void)unlinkat(dirfd(d), e->d_name, 0);
	rmdir(data_dir_path);
}

/* Not tmpfs, which the verifier refuses before it looks at any file. */
static const char *data_dir(void)
{
	if (!data_dir_path[0]) {
		snprintf(data_dir_path, sizeof(data_dir_path), "/var/tmp/poof-fuzz-ledger.XXXXXX");
		if (!mkdtemp(data_dir_path))
			abort();
		atexit(remove_data_dir);
		make_data_files(data_dir_path);
	}
	return data_dir_path;
}

static void verify_and_report(const struct ledger *l)
{
	struct verify_options opt = { .max_losses = 4, .syncfs_result = l->hdr->syncfs_result };
	struct verify_result vr;
	struct report rep = { .command = "verify", .ledger = l, .run_dir = "fuzz" };
	_cleanup_fclose_ FILE *out = NULL;

	int r = verify_run(l, AT_FDCWD, data_dir(), &opt, &vr);

	if (r == -EINVAL)
		abort(); /* ledger_parse() let through what the verifier cannot use */
	if (r < 0)
		return;
	rep.verify = &vr;
	rep.data_dir = data_dir();
	report_decide(&rep);
	out = fopen("/dev/null", "we");
	if (out) {
		_cleanup_json_ json_object *doc = report_json_new(&rep);

		report_summary_print(&rep, doc, out);
	}
	verify_result_free(&vr);
}

static void walk(const struct ledger *l)
{
	uint64_t acked = 0;

	for (uint32_t i = 0; i < l->hdr->nfiles; i++) {
		const struct ledger_file *f = &l->files[i];
		const struct ledger_block *b = ledger_file_blocks(l, f);

		for (uint32_t j = 0; j < f->nblocks; j++)
			acked += ledger_covered(f, b[j].acked, j);
		(void)ledger_file_error_reported(f);
	}
	for (uint32_t i = 0; i < l->hdr->nwriters; i++)
		acked += l->writers[i].first_file + l->writers[i].nfiles;
	(void)acked;
}

static void parse(const uint8_t *data, size_t size, bool fix_checksums)
{
	struct ledger *l = NULL;
	struct ledger_damage d;
	uint8_t *copy = malloc(size ? size : 1);
	char text[256];

	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (fix_checksums && size >= LEDGER_HEADER_SIZE) {
		struct ledger_header *h = (struct ledger_header *)copy;

		h->data_csum = XXH3_64bits(copy + LEDGER_HEADER_SIZE, size - LEDGER_HEADER_SIZE);
		h->header_csum = XXH3_64bits(h, offsetof(struct ledger_header, header_csum));
	}
	if (ledger_parse(copy, size, &l, &d) == 0) {
		walk(l);
		verify_and_report(l);
		ledger_free(l);
	} else {
		ledger_damage_text(&d, text, sizeof(text));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size, false);
	parse(data, size, true);
	return 0;
}
