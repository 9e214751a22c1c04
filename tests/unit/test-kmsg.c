// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel log: record parsing and classification over real kernel lines. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "watch/kernel-watch.h"
#include "watch/kmsg.h"

struct line_case {
	const char *record; /* as read from /dev/kmsg */
	enum kmsg_event want;
};

/* Lines as Linux 6.1 and 6.18 print them; prio 0-7 is the kernel facility. */
static const struct line_case lines[] = {
	{ "3,1201,1234567,-;INFO: task poof-w0:4242 blocked for more than 120 seconds.\n",
	  KMSG_HUNG_TASK },
	{ "3,1202,1234568,c;      Not tainted 6.1.0-26-amd64 #1 Debian 6.1.112-1\n", KMSG_NONE },
	{ "0,88,2345,-;watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [poof-w3:512]\n",
	  KMSG_SOFT_LOCKUP },
	{ "0,89,2346,-;Watchdog detected hard LOCKUP on cpu 1\n", KMSG_HARD_LOCKUP },
	{ "3,90,2347,-;rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n", KMSG_RCU_STALL },
	{ "3,91,2348,-;rcu: INFO: rcu_sched self-detected stall on CPU\n", KMSG_RCU_STALL },
	{ "1,92,2349,-;BUG: unable to handle page fault for address: 0000000000001234\n",
	  KMSG_BUG },
	{ "4,93,2350,-;kernel BUG at fs/ext4/inode.c:2722!\n", KMSG_BUG },
	{ "4,94,2351,-;Oops: 0002 [#1] PREEMPT SMP NOPTI\n", KMSG_OOPS },
	{ "4,95,2352,-;WARNING: CPU: 1 PID: 4242 at fs/ext4/inode.c:3641 "
	  "ext4_writepages+0x1a4/0x1c0 [ext4]\n",
	  KMSG_WARNING },
	{ "0,96,2353,-;Kernel panic - not syncing: Fatal exception\n", KMSG_PANIC },
	{ "2,97,2354,-;EXT4-fs error (device vda): ext4_journal_check_start:83: comm poof-w0: "
	  "Detected aborted journal\n",
	  KMSG_FS_ERROR },
	{ "4,98,2355,-;EXT4-fs warning (device dm-0): ext4_end_bio:343: I/O error 10 writing "
	  "to inode 13 starting block 34816)\n",
	  KMSG_IO_ERROR },
	{ "6,99,2356,-;EXT4-fs (vda): mounted filesystem with ordered data mode. Quota mode: "
	  "none.\n",
	  KMSG_NONE },
	{ "1,100,2357,-;XFS (vda): metadata I/O error in \"xfs_buf_ioend+0x1b0/0x470 [xfs]\" at "
	  "daddr 0x2 len 1 error 5\n",
	  KMSG_FS_ERROR },
	{ "5,101,2358,-;XFS (vda): Mounting V5 Filesystem\n", KMSG_NONE },
	{ "2,1107,33046000,-;EXT4-fs error (device dm-0): ext4_find_extent:936: inode #20: comm "
	  "poof-w3: pblk 32903 bad header/extent: invalid magic - magic 0, entries 0, max 0(0), "
	  "depth 0(0)\n",
	  KMSG_FS_ERROR },
	{ "3,102,2359,-;BTRFS error (device vda): bdev /dev/vda errs: wr 1, rd 0, flush 0, "
	  "corrupt 0, gen 0\n",
	  KMSG_FS_ERROR },
	{ "3,103,2360,-;I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 "
	  "prio class 2\n",
	  KMSG_IO_ERROR },
	{ "3,104,2361,-;Buffer I/O error on dev dm-0, logical block 9, lost async page write\n",
	  KMSG_IO_ERROR },
	{ "3,105,2362,-;Memory cgroup out of memory: Killed process 4242 (poof-w0) "
	  "total-vm:10040kB, anon-rss:1024kB, file-rss:1480kB, shmem-rss:0kB, UID:0 pgtables:56kB "
	  "oom_score_adj:0\n",
	  KMSG_NONE /* counted once, by the oom-kill: line */ },
	{ "6,106,2363,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
	  "mems_allowed=0,oom_memcg=/poof-1a2b/box,task_memcg=/poof-1a2b/box,task=poof-hog0,"
	  "pid=4243,uid=0\n",
	  KMSG_OOM_KILL },
	/* A filesystem giving up, as fs/btrfs/super.c, fs/ext4, fs/jbd2 and fs/xfs print it. */
	{ "2,500,2100000,-;BTRFS: error (device vda: state A) in btrfs_finish_ordered_io:3381: "
	  "errno=-12 Out of memory\n",
	  KMSG_FS_ERROR },
	{ "6,501,2100010,-;BTRFS info (device vda: state EA): forced readonly\n",
	  KMSG_FS_SHUTDOWN },
	{ "2,502,2100020,-;BTRFS: error (device vda: state EAL) in free_log_tree:3269: errno=-5 IO "
	  "failure\n",
	  KMSG_FS_ERROR },
	{ "7,503,2100030,-;BTRFS: Transaction aborted (error -12)\n", KMSG_FS_SHUTDOWN },
	{ "2,504,2100040,-;BTRFS critical (device dm-0): corrupt leaf: root=2 block=30556160 "
	  "slot=5, unexpected item end, have 16123 expect 16083\n",
	  KMSG_FS_ERROR },
	{ "4,505,2100050,-;BTRFS warning (device dm-0): csum failed root 5 ino 257 off 0 csum "
	  "0x8941f998 expected csum 0x1b2c3d4e mirror 1\n",
	  KMSG_NONE },
	{ "6,506,2100060,-;BTRFS info (device vda): using crc32c (crc32c-generic) checksum "
	  "algorithm\n",
	  KMSG_NONE },
	{ "2,507,2100070,-;EXT4-fs (dm-0): Remounting filesystem read-only\n", KMSG_FS_SHUTDOWN },
	{ "3,508,2100080,-;Aborting journal on device dm-0-8.\n", KMSG_FS_SHUTDOWN },
	{ "2,509,2100090,-;EXT4-fs (vda): Delayed block allocation failed for inode 12 at logical "
	  "offset 2048 with max blocks 512 with error 5\n",
	  KMSG_FS_ERROR },
	{ "2,510,2100100,-;EXT4-fs (vda): This should not happen!! Data will be lost\n",
	  KMSG_FS_ERROR },
	{ "0,511,2100110,-;EXT4-fs (vda): failed to convert unwritten extents to written extents "
	  "-- potential data loss!  (inode 12, error -30)\n",
	  KMSG_FS_ERROR },
	{ "3,512,2100120,-;JBD2: I/O error when updating journal superblock for dm-0-8.\n",
	  KMSG_FS_ERROR },
	{ "4,513,2100130,-;JBD2: Detected IO errors while flushing file data on dm-0-8\n",
	  KMSG_FS_ERROR },
	{ "6,514,2100140,-;JBD2: Ignoring recovery information on journal\n", KMSG_NONE },
	{ "1,515,2100150,-;XFS (dm-0): log I/O error -5\n", KMSG_FS_ERROR },
	{ "1,516,2100160,-;XFS (dm-0): Log I/O Error (0x2) detected at xlog_ioend_work+0x71/0x80 "
	  "[xfs] (fs/xfs/xfs_log.c:1378).  Shutting down filesystem.\n",
	  KMSG_FS_SHUTDOWN },
	{ "1,517,2100170,-;XFS (dm-0): Please unmount the filesystem and rectify the "
	  "problem(s)\n",
	  KMSG_FS_SHUTDOWN },
	{ "1,518,2100180,-;XFS (vda): Corruption of in-memory data (0x8) detected at "
	  "xfs_trans_cancel+0x12a/0x150 [xfs] (fs/xfs/xfs_trans.c:1098).  Shutting down "
	  "filesystem.\n",
	  KMSG_FS_SHUTDOWN },
	{ "4,519,2100190,-;XFS (dm-0): Filesystem has been shut down due to log error (0x2).\n",
	  KMSG_FS_SHUTDOWN },
	{ "5,520,2100200,-;XFS (dm-0): Ending clean mount\n", KMSG_NONE },
	/* A user process writing into /dev/kmsg gets the user facility: never an event. */
	{ "11,107,2364,-;BUG: soft lockup - CPU#0 stuck for 99s! [spoof:1]\n", KMSG_NONE },
	{ "12,108,2365,-;WARNING: CPU: 0 PID: 1 at fake.c:1\n", KMSG_NONE },
	{ "8,109,2366,-;Kernel panic - not syncing: spoofed\n", KMSG_NONE },
	/* Continuation lines after the text are not part of it. */
	{ "4,110,2367,-;WARNING: CPU: 0 PID: 7 at mm/page_alloc.c:4000\n SUBSYSTEM=mem\n",
	  KMSG_WARNING },
};

static void test_classify_lines(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct kmsg_record r;
		enum kmsg_event got;

		assert_int_equal(kmsg_parse_record(lines[i].record, strlen(lines[i].record), &r),
				 0);
		got = kmsg_classify(&r);
		if (got != lines[i].want)
			fail_msg("line %u \"%s\": got %s, want %s", i, r.text, kmsg_event_name(got),
				 kmsg_event_name(lines[i].want));
	}
}

static void test_parse_fields(void **state)
{
	const char *rec = "11,42,98765,-,caller=T1;hello world\n KEY=v\n";
	struct kmsg_record r;

	(void)state;
	assert_int_equal(kmsg_parse_record(rec, strlen(rec), &r), 0);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.facility, 1);
	assert_int_equal(r.seq, 42);
	assert_int_equal(r.ts_usec, 98765);
	assert_string_equal(r.text, "hello world");
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"", "no semicolon", "x,1,2,-;text", "6,1;text", "6,,2,-;text", "6,1,2;text",
	};
	struct kmsg_record r;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (kmsg_parse_record(bad[i], strlen(bad[i]), &r) != -EINVAL)
			fail_msg("\"%s\" parsed", bad[i]);
}

static void test_oom_attribution(void **state)
{
	struct kmsg_oom o;

	(void)state;
	assert_int_equal(kmsg_parse_oom("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
					"cpuset=/,mems_allowed=0,oom_memcg=/poof-1a2b/box-1,"
					"task_memcg=/poof-1a2b/box-1,task=poof-w3,pid=77,uid=0",
					&o),
			 0);
	assert_string_equal(o.memcg, "/poof-1a2b/box-1");
	assert_string_equal(o.task_memcg, "/poof-1a2b/box-1");
	assert_string_equal(o.task, "poof-w3");
	assert_int_equal(o.pid, 77);
	assert_int_equal(kmsg_parse_oom("Killed process 1 (x)", &o), -EINVAL);
	assert_int_equal(kmsg_parse_oom("oom-kill:constraint=CONSTRAINT_NONE,task=x,pid=1", &o),
			 -EINVAL);
}

/* The kills kept from a stream of lines: the victim once, its group's members, no global kill. */
static void test_oom_kills_kept(void **state)
{
	static const char *const oom_lines[] = {
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/poof-1a2b/box,task_memcg=/poof-1a2b/box,task=poof-h0,pid=70,uid=0",
		"Memory cgroup out of memory: Killed process 70 (poof-h0) total-vm:70000kB, "
		"anon-rss:30000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB "
		"oom_score_adj:0",
		"Memory cgroup out of memory: Killed process 71 (poof-w1) total-vm:9000kB, "
		"anon-rss:100kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:50kB oom_score_adj:0",
		"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
		"global_oom,task_memcg=/other,task=java,pid=900,uid=0",
		"Out of memory: Killed process 900 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0",
		"Out of memory: Killed process 901 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0",
	};
	struct kernel_watch w = { .log_fd = -1, .last_victim = -1 };
	struct kmsg_record r = { .ts_usec = 5000000 };

	(void)state;
	w.reader.marker_usec = 1000000;
	for (size_t i = 0; i < sizeof(oom_lines) / sizeof(oom_lines[0]); i++) {
		snprintf(r.text, sizeof(r.text), "%s", oom_lines[i]);
		kernel_oom_note(&w, &r, kmsg_classify(&r));
	}
	assert_int_equal(w.nkills, 2);
	assert_int_equal(w.kills[0].pid, 70);
	assert_string_equal(w.kills[0].comm, "poof-h0");
	assert_string_equal(w.kills[0].task_memcg, "/poof-1a2b/box");
	assert_int_equal(w.kills[0].usec, 4000000);
	assert_int_equal(w.kills[1].pid, 71);
	assert_string_equal(w.kills[1].comm, "poof-w1");
	assert_string_equal(w.kills[1].task_memcg, "/poof-1a2b/box");
	kernel_watch_free(&w);
}

/*
 * A group member's line when the kills fill the array: adding the member
 * moves the array, and the victim's cgroup must still be read right.
 */
static void test_oom_member_moves_array(void **state)
{
	struct kernel_watch w = { .log_fd = -1, .last_victim = -1 };
	struct kmsg_record r = { .ts_usec = 5000000 };
	size_t n = 0;

	(void)state;
	while (w.nkills == 0 || w.nkills < w.kills_cap) {
		snprintf(r.text, sizeof(r.text),
			 "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
			 "mems_allowed=0,oom_memcg=/poof-1a2b/box-%zu,task_memcg=/poof-1a2b/box-%zu,"
			 "task=poof-h%zu,pid=%zu,uid=0",
			 n, n, n, 1000 + n);
		kernel_oom_note(&w, &r, kmsg_classify(&r));
		n++;
	}
	snprintf(r.text, sizeof(r.text),
		 "Memory cgroup out of memory: Killed process 99 (poof-w9) total-vm:9000kB, "
		 "anon-rss:100kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:50kB oom_score_adj:0");
	kernel_oom_note(&w, &r, kmsg_classify(&r));
	assert_int_equal(w.nkills, n + 1);
	assert_int_equal(w.kills[n].pid, 99);
	assert_string_equal(w.kills[n].task_memcg, w.kills[n - 1].task_memcg);
	kernel_watch_free(&w);
}

static void test_failure_events(void **state)
{
	(void)state;
	assert_true(kmsg_event_is_kernel_failure(KMSG_HUNG_TASK));
	assert_true(kmsg_event_is_kernel_failure(KMSG_SOFT_LOCKUP));
	assert_true(kmsg_event_is_kernel_failure(KMSG_WARNING));
	assert_true(kmsg_event_is_kernel_failure(KMSG_OOPS));
	assert_false(kmsg_event_is_kernel_failure(KMSG_OOM_KILL)); /* the point, not a failure */
	assert_false(kmsg_event_is_kernel_failure(KMSG_IO_ERROR));
	/* The filesystem under test giving up is KERNEL unless the run broke its device. */
	assert_false(kmsg_event_is_kernel_failure(KMSG_FS_ERROR));
	assert_false(kmsg_event_is_kernel_failure(KMSG_FS_SHUTDOWN));
	assert_false(kmsg_event_is_kernel_failure(KMSG_NONE));
}

struct loss_case {
	const char *text;
	const char *device; /* the target's, "" unknown */
	bool reports;
};

/*
 * Which lines make losses lost-reported: I/O errors on the target's device.
 * ext4's extent complaint is what dm-flakey's dropped writes look like when
 * read back; it must leave them lost-silent.
 */
static const struct loss_case losses[] = {
	{ "I/O error, dev dm-0, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2",
	  "dm-0", true },
	{ "Buffer I/O error on dev dm-0, logical block 9, lost async page write", "dm-0", true },
	{ "EXT4-fs warning (device dm-0): ext4_end_bio:343: I/O error 10 writing to inode 13",
	  "dm-0", true },
	{ "XFS (vda): metadata I/O error in \"xfs_buf_ioend\" at daddr 0x2 len 1 error 5", "vda",
	  true },
	{ "I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800", "", true },
	{ "I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800", "dm-0", false },
	{ "I/O error, dev dm-01, sector 2048 op 0x1:(WRITE) flags 0x800", "dm-0", false },
	{ "EXT4-fs error (device dm-0): ext4_find_extent:936: inode #20: comm poof-w3: pblk 32903 "
	  "bad header/extent: invalid magic - magic 0, entries 0, max 0(0), depth 0(0)",
	  "dm-0", false },
	{ "EXT4-fs error (device dm-0): ext4_journal_check_start:83: comm poof-w0: Detected "
	  "aborted journal",
	  "dm-0", false },
	{ "BTRFS error (device vda): bad tree block start, mirror 1 want 30588928 have 0", "vda",
	  false },
	{ "JBD2: Detected IO errors while flushing file data on dm-0-8", "dm-0", true },
	{ "XFS (dm-0): log I/O error -5", "dm-0", true },
	{ "BTRFS: error (device vda: state A) in btrfs_finish_ordered_io:3381: errno=-12 Out of "
	  "memory",
	  "vda", false },
};

static void test_loss_reported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(losses) / sizeof(losses[0]); i++) {
		struct kmsg_record r = { .facility = 0 };
		bool got;

		snprintf(r.text, sizeof(r.text), "%s", losses[i].text);
		got = kernel_line_reports_loss(kmsg_classify(&r), r.text, losses[i].device);
		if (got != losses[i].reports)
			fail_msg("line %zu on '%s': reports a loss %d, want %d: %s", i,
				 losses[i].device, got, losses[i].reports, losses[i].text);
	}
}

struct trouble_case {
	const char *text;
	const char *device; /* the target's, "" unknown */
	bool trouble;
};

/* Which lines are the filesystem under test complaining of itself. */
static const struct trouble_case troubles[] = {
	{ "BTRFS: error (device vda: state A) in btrfs_finish_ordered_io:3381: errno=-12 Out of "
	  "memory",
	  "vda", true },
	{ "BTRFS info (device vda: state EA): forced readonly", "vda", true },
	{ "BTRFS info (device vda: state EA): forced readonly", "vdb", false },
	{ "Aborting journal on device dm-0-8.", "dm-0", true },
	{ "Aborting journal on device dm-0-8.", "dm-08", false },
	{ "Aborting journal on device dm-10-8.", "dm-1", false },
	{ "EXT4-fs (dm-0): Remounting filesystem read-only", "dm-0", true },
	{ "EXT4-fs (dm-0): Remounting filesystem read-only", "", true },
	{ "XFS (loop3): Filesystem has been shut down due to log error (0x2).", "loop3", true },
	{ "XFS (loop3): Filesystem has been shut down due to log error (0x2).", "loop33", false },
	/* Not the filesystem's own complaint: a block-layer I/O error. */
	{ "I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800", "vda", false },
};

static void test_fs_trouble(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(troubles) / sizeof(troubles[0]); i++) {
		struct kmsg_record r = { .facility = 0 };
		bool got;

		snprintf(r.text, sizeof(r.text), "%s", troubles[i].text);
		got = kernel_line_fs_trouble(kmsg_classify(&r), r.text, troubles[i].device);
		if (got != troubles[i].trouble)
			fail_msg("line %zu on '%s': fs trouble %d, want %d: %s", i,
				 troubles[i].device, got, troubles[i].trouble, troubles[i].text);
	}
}

/* The reader skips what came before its marker; on the real /dev/kmsg when root. */
static void test_reader_marker(void **state)
{
	struct kmsg_reader r;
	struct kmsg_record rec;
	char marker[64];
	int k, seen_after = 0;
	int fd;

	(void)state;
	if (geteuid() != 0 || access("/dev/kmsg", W_OK) < 0)
		skip();
	snprintf(marker, sizeof(marker), "poof-test marker %d", getpid());
	assert_int_equal(kmsg_open("/dev/kmsg", marker, true, &r), 0);
	fd = open("/dev/kmsg", O_WRONLY);
	assert_true(fd >= 0);
	assert_true(write(fd, "<3>poof-test after the marker\n", 30) == 30);
	close(fd);
	while ((k = kmsg_next(&r, &rec)) == 1)
		if (strcmp(rec.text, "poof-test after the marker") == 0) {
			seen_after++;
			assert_int_equal(rec.facility, 1);
			assert_int_equal(kmsg_classify(&rec), KMSG_NONE);
		}
	assert_int_equal(k, 0);
	assert_true(r.marker_seen);
	assert_int_equal(seen_after, 1);
	kmsg_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_lines),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_oom_attribution),
		cmocka_unit_test(test_oom_kills_kept),
		cmocka_unit_test(test_oom_member_moves_array),
		cmocka_unit_test(test_failure_events),
		cmocka_unit_test(test_loss_reported),
		cmocka_unit_test(test_fs_trouble),
	};
	const struct CMUnitTest root_tests[] = {
		cmocka_unit_test(test_reader_marker),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	/* cmocka's skip() counts as a failure for meson: run the group only when it can run. */
	if (geteuid() == 0 && access("/dev/kmsg", W_OK) == 0)
		failed += cmocka_run_group_tests(root_tests, NULL, NULL);
	return failed;
}
