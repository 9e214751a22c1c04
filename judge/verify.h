/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The verifier: every block of every file read back from the media and
 * classified against the ledger (SPEC section 4).
 */

#include <stdbool.h>
#include <stdint.h>

#include "judge/block.h"
#include "judge/ledger.h"

enum verdict_class {
	CLASS_OK,
	CLASS_IN_FLIGHT,
	CLASS_LOST_SILENT,
	CLASS_LOST_DURABLE,
	CLASS_LOST_REPORTED,
	CLASS_TORN,
	CLASS_MISDIRECTED,
	CLASS_CORRUPT,
	_CLASS_MAX,
	CLASS_UNWRITTEN = _CLASS_MAX, /* never acknowledged nor in flight: nothing to judge */
};

/* What was on the media where a block was expected. */
enum found_kind {
	FOUND_BLOCK,	  /* a valid block (its id says whose) */
	FOUND_TORN,	  /* valid header, payload checksum wrong */
	FOUND_CORRUPT,	  /* no valid header, not all zeros */
	FOUND_ZEROS,	  /* all zeros in allocated space */
	FOUND_HOLE,	  /* all zeros in a hole of a sparse file */
	FOUND_SHORT,	  /* past the end of the file */
	FOUND_MISSING,	  /* the file does not exist */
	FOUND_UNREADABLE, /* the read itself failed */
};

/* What the ledger says about one block. */
struct block_expect {
	uint64_t run_id;
	uint32_t file_id;
	uint64_t index;
	uint32_t acked;	   /* last acknowledged generation, 0 = none */
	uint32_t intended; /* last generation a write was issued for */
	bool durable;	   /* `acked` was covered by the writer's fsync/fdatasync */
	bool reported;	   /* an error that reports loss was seen for this file or run */
};

struct block_found {
	enum found_kind kind;
	struct block_id id; /* for FOUND_BLOCK and FOUND_TORN */
	int error;	    /* FOUND_UNREADABLE: -errno of the open or read */
};

/* Pure: the class of one block. */
enum verdict_class verify_classify(const struct block_expect *e, const struct block_found *f);

/*
 * Does a block of this class fail the run? lost-reported does unless
 * reported_excused: a device fault the run switched on explains the errors
 * and strict-errors is off (verify_reported_excused).
 */
bool verdict_class_is_failure(enum verdict_class c, bool reported_excused);
const char *verdict_class_name(enum verdict_class c);
const char *found_kind_name(enum found_kind k);

enum read_method {
	READ_DIRECT,	/* O_DIRECT */
	READ_DROPPED,	/* O_DIRECT refused: cached pages dropped first */
	READ_REMOUNTED, /* scratch filesystem unmounted and mounted again, then O_DIRECT */
};

struct verify_loss {
	uint32_t file_id;
	char file[64]; /* name inside the data directory */
	uint64_t index;
	uint64_t offset;
	enum verdict_class cls;
	uint32_t expected_gen;
	struct block_found found;
	uint64_t mismatch_offset; /* torn: first wrong byte within the block */
};

struct verify_options {
	bool strict_errors;
	bool error_fault;     /* a device fault the run switched on reports errors (error-writes) */
	unsigned max_losses;  /* losses kept in detail; all are counted */
	bool remounted;	      /* caller remounted the filesystem before verifying */
	int syncfs_result;    /* poof's final syncfs(): 0, -errno, or LEDGER_SYNCFS_NOT_RUN */
	bool kernel_reported; /* the kernel logged an I/O error for the target */
	uint64_t io_timeout_ns; /* a read taking longer fails the run with -ETIMEDOUT; 0: none */
	/* Asked between chunks: true stops verification with -ECANCELED. May be NULL. */
	bool (*stop_requested)(void *userdata);
	void *userdata;
};

struct verify_result {
	uint64_t counts[_CLASS_MAX + 1]; /* indexed by enum verdict_class, incl. UNWRITTEN */
	uint64_t blocks;		 /* blocks judged, UNWRITTEN excluded */
	uint64_t bytes_read;
	uint64_t elapsed_ns;
	uint32_t files;
	uint32_t files_missing;
	uint32_t files_unopenable; /* the filesystem refused to open them (EUCLEAN, EIO, ...) */
	int first_open_error;	   /* -errno of the first of them */
	int dir_error;		   /* -errno: the data directory itself could not be opened */
	uint64_t unreadable;	   /* judged blocks the media could not give back */
	uint32_t files_direct;	   /* read with O_DIRECT */
	uint32_t files_dropped;	   /* O_DIRECT refused; cache dropped first */
	enum read_method method;   /* the weakest method any file needed */
	struct verify_loss *losses;
	unsigned nlosses;
	bool failed; /* any failing class, per verify_reported_excused() */
};

/* Do lost-reported blocks pass? Only under the run's own error fault, without strict-errors. */
bool verify_reported_excused(const struct verify_options *opt);

/*
 * Verify every file of the ledger under data_dir, a path relative to
 * parentfd (or absolute) in which no component may be a symlink: -ELOOP
 * when one is. Returns 0 when it could judge every block (the verdict is
 * in *ret), -errno when it could not run at all (e.g. data_dir is on
 * tmpfs: -EMEDIUMTYPE). A filesystem that
 * answers EIO (an XFS that shut down) still gets a verdict: its blocks are
 * judged unreadable, the directory's too. -ETIMEDOUT when a read
 * took longer than opt->io_timeout_ns (the device stopped answering; its
 * reader thread is left behind, stuck in the kernel), -ECANCELED when
 * opt->stop_requested said so.
 */
int verify_run(const struct ledger *l, int parentfd, const char *data_dir,
	       const struct verify_options *opt, struct verify_result *ret);

void verify_result_free(struct verify_result *r);

/* "w003-f001.dat": the data file name for a file id and writer id. */
void verify_file_name(uint32_t writer_id, uint32_t file_id, char *buf, unsigned len);
