/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The ledger: what every writer intended to write and what the kernel
 * acknowledged, kept where a SIGKILLed or OOM-killed writer cannot take it
 * along.
 *
 * Owner: the supervisor. It creates RUNDIR/ledger.live, sizes it, maps it
 * MAP_SHARED, pre-faults and mlocks it *before* forking writers, so its pages
 * are charged to the supervisor and the writers inherit the mapping. When the
 * run ends it seals a checksummed copy as RUNDIR/ledger (temporary file,
 * fsync, rename) and removes ledger.live. If the supervisor dies, ledger.live
 * remains, and `poof verify` uses it and says the run was interrupted.
 *
 * Layout (native endian, this machine only; `version` guards changes):
 *
 *   [0, 4096)            struct ledger_header       supervisor
 *   writers[nwriters]    struct ledger_writer       supervisor + that writer
 *   files[nfiles]        struct ledger_file         the file's writer
 *   blocks[nblocks]      struct ledger_block        the file's writer
 *
 * Who writes what, and when:
 *   - block.intended = g is stored *before* the write of generation g is
 *     issued; block.acked = g only after the write returned success for the
 *     whole block. A write that fails leaves intended > acked.
 *   - file.cur_gen/cur_pos is the resume point: the pass being written and
 *     the position (in that pass's order) of the next block to submit. The
 *     writer stores it right after intended and before the write is handed
 *     to its engine, so with many writes in flight (io_uring keeps up to
 *     queue-depth of them) it is always past every submitted block. A
 *     respawned writer continues at cur_pos; the blocks its predecessor had
 *     in flight keep intended > acked, and so their uncertainty, until the
 *     next pass overwrites them. A pass ends with nothing in flight, so a
 *     block is never in flight twice.
 *   - file.durable_gen/durable_pos is the fsync watermark: a successful fsync
 *     or fdatasync (or msync) by the writer moves it to the (cur_gen, pos)
 *     the writer had when it issued the call, where pos is the lowest
 *     position still in flight then (cur_pos when none was). Completions
 *     come back in any order, so only positions all of whose writes had
 *     completed before the call are covered. A block's acknowledged
 *     generation A is covered iff A < durable_gen, or A == durable_gen and
 *     its position in pass A's order is < durable_pos.
 *   - Fields are updated with single aligned stores; there is one writer per
 *     file, and the supervisor only reads them while writers live.
 *
 * Why a killed writer's blocks stay exactly in flight: an io_uring writer's
 * io-wq workers are threads of its process, and the kernel cancels or
 * finishes the ring's requests while the process exits, before its parent
 * can reap it. So nothing the dead writer submitted lands after the
 * supervisor has respawned it, and the respawned writer never rewrites a
 * block in flight in the same pass.
 *
 * Why 8 bytes a block is enough with many blocks in flight: "in flight" is
 * not a state of its own but intended > acked, which the two stores above
 * make true for exactly the blocks submitted and not yet acknowledged
 * (queue-depth of them at most per writer). Everything else a ring needs to
 * know about a request (its buffer, how much of a short write is done, the
 * watermark of a queued fsync) lives in the writer process and dies with it;
 * the ledger never needs it again.
 *
 * Size: 8 bytes per block plus fixed per-writer and per-file records.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEDGER_MAGIC "POOFLDGR"
/* 2: the writers' injection counters and sandbox violations, the run's injection and sandbox. */
#define LEDGER_VERSION 2
#define LEDGER_HEADER_SIZE 4096
#define LEDGER_PATH_MAX 1024
#define LEDGER_FILE_NAME "ledger"
#define LEDGER_LIVE_NAME "ledger.live"
#define LEDGER_SYNCFS_NOT_RUN 1
/* The syscalls an error can be injected into: enum inject_call of profiles/inject.h. */
#define LEDGER_INJECT_CALLS 6

enum ledger_state {
	LEDGER_RUNNING = 1, /* live mapping of a run in progress (or interrupted) */
	LEDGER_SEALED = 2,  /* final copy with a data checksum */
};

enum ledger_flags {
	LEDGER_F_SCRATCH = 1u << 0, /* data lives on a scratch image poof made */
	/* A fault the run switched on made the target's device fail (stress/device-faults.h). */
	LEDGER_F_DEVICE_FAULT = 1u << 1,
	/* ... a fault that reports errors: it explains lost-reported blocks. */
	LEDGER_F_ERROR_FAULT = 1u << 2,
};

struct ledger_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t run_id;
	uint64_t seed;
	uint64_t size; /* whole ledger in bytes */
	uint64_t nblocks;
	uint32_t nwriters;
	uint32_t nfiles;
	uint32_t state;	       /* enum ledger_state */
	uint32_t flags;	       /* enum ledger_flags */
	int32_t syncfs_result; /* 0, -errno, or LEDGER_SYNCFS_NOT_RUN */
	uint32_t interrupted;  /* the run was stopped by a signal */
	uint64_t created_ns;   /* CLOCK_REALTIME */
	uint64_t sealed_ns;
	char data_dir[LEDGER_PATH_MAX];	     /* absolute path of poof-<id>/ during the run */
	char scratch_image[LEDGER_PATH_MAX]; /* image file, when LEDGER_F_SCRATCH */
	char scratch_fs[16];
	char profile[64];
	/* What the supervisor asked of the workers (stress/sandbox.h, stress/inject.h). */
	uint64_t inject_seed;
	uint32_t sandbox; /* 1: every worker ran under its seccomp allow-list */
	int32_t inject_errno[LEDGER_INJECT_CALLS]; /* errno injected into each syscall, 0: none */
	uint64_t data_csum;   /* XXH3-64 of bytes [header_size, size); sealed only */
	uint64_t header_csum; /* XXH3-64 of the header up to this field */
};

enum writer_state {
	WRITER_IDLE = 0,
	WRITER_RUNNING,
	WRITER_DONE,   /* finished its passes */
	WRITER_FAILED, /* stopped by an error it could not carry on from */
	WRITER_KILLED, /* killed, not respawned */
};

/* A system call outside a worker's allow-list; arch 0 when there was none. */
struct ledger_violation {
	int32_t syscall; /* its number on arch */
	uint32_t arch;	 /* AUDIT_ARCH_* of the call, as seccomp reports it */
};

struct ledger_writer {
	uint32_t writer_id;
	int32_t pid;	      /* current process, 0 when none */
	uint32_t spawns;      /* processes started for this writer */
	uint32_t kills;	      /* deaths by signal while the run went on */
	uint64_t heartbeat;   /* +1 per block attempt, by the writer */
	uint64_t progress_ns; /* CLOCK_MONOTONIC of the last heartbeat */
	uint32_t state;	      /* enum writer_state */
	int32_t last_status;  /* wait status of the last process */
	int32_t error;	      /* -errno that stopped the writer, 0 if none */
	uint32_t first_file;  /* index of its first file in files[] */
	uint32_t nfiles;
	uint32_t group;	     /* index of its writer group in the plan */
	uint32_t container;  /* index of its run container, CONTAINER_NONE outside */
	uint32_t stopped_ms; /* WRITER_FAILED: when, in ms since the write phase started */
	uint64_t bytes;	     /* bytes acknowledged */
	/*
	 * Error injection, per syscall (enum inject_call): the calls seen so
	 * far, which is the index of the next, and the errors injected into
	 * them. Kept here so that the indices carry on across respawns. The
	 * supervisor's notification thread writes them for the calls seccomp
	 * notifies; a writer whose engine completes calls in user space
	 * (io_uring) writes them for those itself.
	 */
	uint64_t inject_calls[LEDGER_INJECT_CALLS];
	uint32_t inject_errors[LEDGER_INJECT_CALLS];
	/* Written once by the writer's SIGSYS handler, just before it exits. */
	struct ledger_violation violation;
};

struct ledger_file {
	uint32_t file_id;
	uint32_t writer_id;
	uint32_t nblocks;
	uint32_t block_size;
	uint64_t first_block; /* index of its first entry in blocks[] */
	uint32_t order;	      /* enum write_order, to recompute positions */
	uint32_t passes_done;
	uint32_t cur_gen; /* pass being written, 0 before the first */
	uint32_t cur_pos;
	uint32_t durable_gen; /* fsync watermark, see above */
	uint32_t durable_pos;
	uint64_t writes_ok;
	uint64_t write_errors;
	uint32_t short_writes; /* the rest queued again */
	uint32_t eintr;
	uint32_t err_enomem;
	uint32_t err_eio;
	uint32_t err_enospc;
	uint32_t err_other;
	int32_t first_write_errno;
	int32_t last_write_errno;
	uint32_t fsync_ok; /* fsync and fdatasync */
	uint32_t fsync_errors;
	int32_t first_fsync_errno;
	int32_t last_fsync_errno;
	uint32_t range_ok; /* sync_file_range: flushes, never durability */
	uint32_t range_errors;
	int32_t first_range_errno;
	uint32_t eagain; /* writes retried after EAGAIN (io_uring) */
	uint64_t last_sync_ns;
};

struct ledger_block {
	uint32_t intended;
	uint32_t acked;
};

_Static_assert(sizeof(struct ledger_header) <= LEDGER_HEADER_SIZE, "ledger header too big");
_Static_assert(sizeof(struct ledger_block) == 8, "a ledger block entry must stay 8 bytes");

struct ledger {
	struct ledger_header *hdr;
	struct ledger_writer *writers;
	struct ledger_file *files;
	struct ledger_block *blocks;
	void *map;
	size_t size;
	int fd;	     /* live: ledger.live, open for ledger_attach(); else -1 or unused */
	bool live;   /* MAP_SHARED mapping of ledger.live */
	bool locked; /* mlock succeeded */
};

struct ledger_params {
	uint64_t run_id;
	uint64_t seed;
	uint32_t nwriters;
	uint32_t nfiles;
	uint64_t nblocks;
};

/* Bytes a ledger with these counts occupies. */
size_t ledger_size(uint32_t nwriters, uint32_t nfiles, uint64_t nblocks);

/*
 * Create RUNDIR/ledger.live (dirfd), map it shared, pre-fault and try to
 * mlock it. The caller fills writers[] and files[] and then forks.
 */
int ledger_create(int dirfd, const struct ledger_params *p, struct ledger **ret);

/*
 * In a writer started by exec: map the live ledger at fd (the creator's
 * ledger->fd) as the creator did, the header checked for its magic and
 * size. -EBADMSG when it is not one.
 */
int ledger_attach(int fd, struct ledger **ret);

/* Refresh the header checksum after the supervisor edited header fields. */
void ledger_header_changed(struct ledger *l);

/* Seal: write RUNDIR/ledger atomically with checksums, then drop ledger.live. */
int ledger_seal(struct ledger *l, int dirfd);

/* What is wrong with a ledger that fails its checks, in the order they are made. */
enum ledger_damage_kind {
	LEDGER_INTACT,
	LEDGER_EMPTY,		/* 0 bytes */
	LEDGER_SHORT_HEADER,	/* have bytes, fewer than the header's want */
	LEDGER_NO_MAGIC,	/* not a poof ledger */
	LEDGER_BAD_VERSION,	/* format version have, this poof reads want */
	LEDGER_BAD_HEADER_SIZE, /* header size have, want expected */
	LEDGER_HEADER_CHECKSUM, /* the header checksum does not match */
	LEDGER_BAD_STATE,	/* state have is neither running nor sealed */
	LEDGER_BAD_SIZE,	/* the file has have bytes, its header says want */
	LEDGER_BAD_LAYOUT,	/* the header's counts need want bytes, it says have */
	LEDGER_DATA_CHECKSUM,	/* the data checksum of a sealed ledger does not match */
	LEDGER_BAD_FILE,	/* entry `index` of the file table does not fit */
	LEDGER_BAD_BLOCK_SIZE,	/* file `index` has block size have, which no block can have */
	LEDGER_BAD_WRITER,	/* entry `index` of the writer table does not fit */
	LEDGER_BAD_BLOCKS,	/* the files cover have blocks, the header says want */
	LEDGER_BAD_ERRNO,	/* where want says, entry `index` holds error have (negative) */
	LEDGER_LIVE_SEALED,	/* ledger.live says it is sealed, which only ledger may be */
};

/* LEDGER_BAD_ERRNO: where the error no system call returns is (in want). */
enum {
	LEDGER_ERRNO_IN_FILE,
	LEDGER_ERRNO_IN_WRITER,
	LEDGER_ERRNO_IN_HEADER,
};

struct ledger_damage {
	enum ledger_damage_kind kind;
	const char *name; /* LEDGER_FILE_NAME or LEDGER_LIVE_NAME */
	uint64_t have, want;
	uint32_t index;
};

/* "it is cut short: 8192 of 16640 bytes": what is wrong, for a message. */
void ledger_damage_text(const struct ledger_damage *d, char *buf, size_t len);

/*
 * Check and adopt a ledger read into data (malloc'ed, len bytes; freed on
 * failure). The checks of ledger_load(); *ret_damage (may be NULL) says
 * what failed.
 */
int ledger_parse(void *data, size_t len, struct ledger **ret, struct ledger_damage *ret_damage);

/*
 * Load RUNDIR/ledger, or ledger.live when the run never sealed (then
 * *ret_unsealed is true). Validates magic, version, sizes and checksums:
 * -EBADMSG for damage, -EPROTO for a foreign or newer format, with
 * *ret_damage (may be NULL) saying what is wrong; -ENOENT when neither
 * file exists, -ELOOP when the one to read is a symlink. Never half-trusts
 * a file.
 */
int ledger_load(int dirfd, struct ledger **ret, bool *ret_unsealed,
		struct ledger_damage *ret_damage);

void ledger_free(struct ledger *l);
static inline void ledger_freep(struct ledger **l)
{
	if (*l)
		ledger_free(*l);
}
#define _cleanup_ledger_ __attribute__((cleanup(ledger_freep)))

static inline struct ledger_block *ledger_file_blocks(const struct ledger *l,
						      const struct ledger_file *f)
{
	return l->blocks + f->first_block;
}

/* Writer side: the two stores that make the ledger's promise. */
static inline void ledger_intend(struct ledger_block *b, uint32_t gen)
{
	__atomic_store_n(&b->intended, gen, __ATOMIC_RELEASE);
}

static inline void ledger_ack(struct ledger_block *b, uint32_t gen)
{
	__atomic_store_n(&b->acked, gen, __ATOMIC_RELEASE);
}

/* Record a write's failure (-errno) in the file's counters. */
void ledger_write_failed(struct ledger_file *f, int error);

enum sync_kind { SYNC_FSYNC, SYNC_FDATASYNC, SYNC_RANGE };

/*
 * Record a sync result. A successful fsync/fdatasync moves the durability
 * watermark to (gen, pos), the writer's position before the call.
 */
void ledger_sync_result(struct ledger_file *f, enum sync_kind kind, int result, uint32_t gen,
			uint32_t pos, uint64_t now_ns);

/* Was acknowledged generation `acked`, written at position `pos` of its pass, covered? */
bool ledger_covered(const struct ledger_file *f, uint32_t acked, uint32_t pos);

/* Did the writer see any error that reports lost data in this file? */
bool ledger_file_error_reported(const struct ledger_file *f);
