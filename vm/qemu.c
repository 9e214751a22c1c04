// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu.h"
#include "shared/clock.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "spawn.h"

#define MARKER "POOF-VM: "
#define EXIT_GRACE_NS (30 * NSEC_PER_SEC) /* exit marker -> QEMU gone */
#define PANIC_GRACE_NS (3 * NSEC_PER_SEC) /* panic line -> the rest of the oops */
#define MAX_ARGS 48

struct watch {
	const struct qemu_config *c;
	struct qemu_result *res;
	struct child qemu;
	char line[QEMU_LINE_MAX];
	size_t len;
	uint64_t start, last_beat, exit_seen, panic_seen;
	bool eof, stop;
};

struct argv_builder {
	const char *argv[MAX_ARGS];
	char bufs[8][PATH_MAX + 64];
	unsigned n, nbufs;
};

static void arg(struct argv_builder *b, const char *s)
{
	if (b->n < MAX_ARGS - 1)
		b->argv[b->n++] = s;
}

static _printf_(2, 3) void argf(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;

	if (b->nbufs == ARRAY_SIZE(b->bufs))
		return;
	va_start(ap, fmt);
	vsnprintf(b->bufs[b->nbufs], sizeof(b->bufs[0]), fmt, ap);
	va_end(ap);
	arg(b, b->bufs[b->nbufs++]);
}

static void build_argv(const struct qemu_config *c, struct argv_builder *b)
{
	arg(b, c->binary);
	arg(b, "-nodefaults");
	arg(b, "-no-user-config");
	arg(b, "-display");
	arg(b, "none");
	arg(b, "-serial");
	arg(b, "stdio");
	arg(b, "-monitor");
	arg(b, "none");
	arg(b, "-no-reboot");
	arg(b, "-accel");
	arg(b, c->kvm ? "kvm" : "tcg,thread=multi");
	arg(b, "-cpu");
	arg(b, c->kvm ? "host" : "max");
	arg(b, "-m");
	argf(b, "%lluM", (unsigned long long)(c->mem_bytes >> 20));
	arg(b, "-smp");
	argf(b, "%u", c->cpus);
	arg(b, "-kernel");
	arg(b, c->kernel);
	if (c->initrd) {
		arg(b, "-initrd");
		arg(b, c->initrd);
	}
	arg(b, "-append");
	arg(b, c->append);
	if (c->scratch) {
		arg(b, "-drive");
		argf(b, "file=%s,format=raw,if=virtio,cache=unsafe", c->scratch);
	}
	if (c->xfer) {
		arg(b, "-drive");
		argf(b, "file=%s,format=raw,if=virtio,cache=writeback", c->xfer);
	}
	if (c->share) {
		arg(b, "-virtfs");
		argf(b,
		     "local,path=%s,mount_tag=hostroot,security_model=none,readonly=on,"
		     "multidevs=remap",
		     c->share);
	}
	b->argv[b->n] = NULL;
}

static int start_qemu(const struct qemu_config *c, struct child *ret, int *ret_fd)
{
	struct argv_builder b = { .n = 0 };
	int fds[2], r;

	build_argv(c, &b);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	r = child_spawn(b.argv, -1, fds[1], fds[1], ret);
	close(fds[1]);
	if (r < 0) {
		close(fds[0]);
		return r;
	}
	*ret_fd = fds[0];
	return 0;
}

/* Printable text only: the firmware's terminal escapes stay in the log file, not here. */
static void tail_add(struct qemu_result *res, const char *line)
{
	char *dst;
	size_t j = 0;

	if (res->ntail == QEMU_TAIL_LINES) {
		memmove(res->tail[0], res->tail[1], sizeof(res->tail[0]) * (QEMU_TAIL_LINES - 1));
		res->ntail--;
	}
	dst = res->tail[res->ntail++];
	for (size_t i = 0; line[i] && j < QEMU_LINE_MAX - 1; i++)
		if ((unsigned char)line[i] >= 0x20 && (unsigned char)line[i] < 0x7f)
			dst[j++] = line[i];
	dst[j] = '\0';
}

static void handle_marker(struct watch *w, const char *m, uint64_t now)
{
	struct qemu_result *res = w->res;
	int code;

	if (strncmp(m, "heartbeat ", 10) == 0) {
		if (!res->booted)
			res->boot_ns = now - w->start;
		res->booted = true;
		w->last_beat = now;
	} else if (sscanf(m, "exit %d", &code) == 1 && res->guest_exit < 0) {
		res->guest_exit = code;
		w->exit_seen = now;
		w->last_beat = now;
	} else if (streq(m, "results written")) {
		res->results_written = true;
	}
}

static void handle_line(struct watch *w, char *line, uint64_t now)
{
	char *m = strstr(line, MARKER);
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if (m) {
		handle_marker(w, m + strlen(MARKER), now);
		if (strncmp(m + strlen(MARKER), "heartbeat ", 10) == 0)
			return; /* not worth a tail line */
	}
	if (strstr(line, "Kernel panic - not syncing") && !w->panic_seen) {
		w->panic_seen = now;
		snprintf(w->res->panic, sizeof(w->res->panic), "%s", line);
	}
	tail_add(w->res, line);
	if (w->c->stop_line && strstr(line, w->c->stop_line))
		w->stop = true;
	if (w->c->on_line)
		w->c->on_line(line, w->c->userdata);
}

static void feed(struct watch *w, const char *buf, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++) {
		if (w->len < sizeof(w->line) - 1)
			w->line[w->len++] = buf[i];
		if (buf[i] == '\n' || w->len == sizeof(w->line) - 1) {
			w->line[w->len] = '\0';
			handle_line(w, w->line, now);
			w->len = 0;
		}
	}
}

static int read_console(struct watch *w, int fd, uint64_t now)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		w->eof = true;
		if (w->len) {
			w->line[w->len] = '\0';
			handle_line(w, w->line, now);
			w->len = 0;
		}
		return 0;
	}
	if (w->c->console_fd >= 0)
		(void)write_all(w->c->console_fd, buf, (size_t)n);
	feed(w, buf, (size_t)n, now);
	return 0;
}

/* The earliest deadline that ends the run, and which outcome it means. */
static uint64_t next_deadline(const struct watch *w, enum qemu_outcome *why)
{
	const struct qemu_config *c = w->c;
	uint64_t d = w->start + c->timeout_ns;
	uint64_t beat = w->res->booted ? w->last_beat + c->heartbeat_timeout_ns :
					 w->start + c->boot_timeout_ns;

	*why = QEMU_TIMEOUT;
	if (beat < d) {
		d = beat;
		*why = QEMU_HANG;
	}
	if (w->exit_seen && w->exit_seen + EXIT_GRACE_NS < d) {
		d = w->exit_seen + EXIT_GRACE_NS;
		*why = QEMU_DIED;
	}
	if (w->panic_seen && w->panic_seen + PANIC_GRACE_NS < d) {
		d = w->panic_seen + PANIC_GRACE_NS;
		*why = QEMU_PANIC;
	}
	return d;
}

static int read_signal(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

/* Poll until something ends the run: the outcome, or -errno. */
static int watch_loop(struct watch *w, int fd)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = w->c->signal_fd, .events = POLLIN } };
		uint64_t now = now_monotonic_ns();
		enum qemu_outcome why;
		uint64_t deadline = next_deadline(w, &why);
		int n;

		if (w->stop)
			return QEMU_DONE;
		if (w->eof)
			return w->panic_seen	       ? QEMU_PANIC :
			       w->res->guest_exit >= 0 ? QEMU_DONE :
							 QEMU_DIED;
		if (now >= deadline) {
			if (why == QEMU_HANG)
				w->res->silence_ns = now -
						     (w->res->booted ? w->last_beat : w->start);
			return why;
		}
		n = poll(p, w->c->signal_fd >= 0 ? 2 : 1,
			 (int)MIN((deadline - now) / NSEC_PER_MSEC + 1, 1000));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && p[1].revents & POLLIN) {
			w->res->signal = read_signal(w->c->signal_fd);
			return QEMU_INTERRUPTED;
		}
		if (n > 0 && p[0].revents & (POLLIN | POLLHUP)) {
			int r = read_console(w, fd, now_monotonic_ns());

			if (r < 0)
				return r;
		}
	}
}

int qemu_run(const struct qemu_config *c, struct qemu_result *ret)
{
	struct watch w = { .c = c, .res = ret, .qemu = CHILD_NULL };
	_cleanup_close_ int fd = -1;
	int r, status;

	memset(ret, 0, sizeof(*ret));
	ret->guest_exit = -1;
	ret->qemu_status = -1;
	w.start = now_monotonic_ns();
	r = start_qemu(c, &w.qemu, &fd);
	if (r < 0)
		return r;
	r = watch_loop(&w, fd);
	/* QEMU exited by itself (EOF on its console) gets a bounded wait; all else is killed. */
	if (w.eof) {
		if (child_wait(&w.qemu, 10 * NSEC_PER_SEC, &status) == 0)
			ret->qemu_status = status;
	}
	child_kill(&w.qemu);
	ret->elapsed_ns = now_monotonic_ns() - w.start;
	if (r < 0)
		return r;
	ret->outcome = (enum qemu_outcome)r;
	return 0;
}

static int read_boot_id(char *buf, size_t len)
{
	void *data;
	size_t n;
	int r;

	r = read_file_full(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &data, &n);
	if (r < 0)
		return r;
	snprintf(buf, len, "%.*s", (int)strcspn(data, "\n"), (char *)data);
	free(data);
	return 0;
}

/* "BOOT_ID kvm|tcg": the answer for this boot of the host, or -ENOENT. */
static int probe_cache_read(const char *path, const char *boot_id, bool *ret_kvm)
{
	void *data;
	size_t n;
	char id[64], what[8];
	int r;

	r = read_file_full(AT_FDCWD, path, 256, &data, &n);
	if (r < 0)
		return r;
	r = sscanf(data, "%63s %7s", id, what) == 2 && streq(id, boot_id) ? 0 : -ENOENT;
	free(data);
	if (r == 0)
		*ret_kvm = streq(what, "kvm");
	return r;
}

static bool probe_boot(const char *binary, const char *kernel, uint64_t timeout_ns)
{
	struct qemu_config c = {
		.binary = binary,
		.kernel = kernel,
		.append = "console=ttyS0 earlyprintk=ttyS0 panic=-1",
		.mem_bytes = 256ULL << 20,
		.cpus = 1,
		.kvm = true,
		.console_fd = -1,
		.signal_fd = -1,
		.boot_timeout_ns = timeout_ns,
		.heartbeat_timeout_ns = timeout_ns,
		.timeout_ns = timeout_ns,
		.stop_line = "Linux version",
	};
	struct qemu_result res;

	if (qemu_run(&c, &res) < 0)
		return false;
	for (unsigned i = 0; i < res.ntail; i++)
		if (strstr(res.tail[i], "Linux version"))
			return true;
	return false;
}

int qemu_probe_kvm(const char *binary, const char *kernel, const char *cache_dir,
		   uint64_t timeout_ns, bool *ret_kvm, bool *ret_cached)
{
	char path[PATH_MAX], boot_id[64], line[128];
	_cleanup_close_ int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool kvm;

	*ret_cached = false;
	if (fd < 0) {
		*ret_kvm = false;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/kvm-probe", cache_dir);
	if (read_boot_id(boot_id, sizeof(boot_id)) < 0)
		boot_id[0] = '\0';
	if (boot_id[0] && probe_cache_read(path, boot_id, ret_kvm) == 0) {
		*ret_cached = true;
		return 0;
	}
	kvm = probe_boot(binary, kernel, timeout_ns);
	*ret_kvm = kvm;
	if (boot_id[0] && mkdir_parents(cache_dir, 0755) >= 0) {
		snprintf(line, sizeof(line), "%s %s\n", boot_id, kvm ? "kvm" : "tcg");
		(void)write_path_atomic(path, line, strlen(line), 0644);
	}
	return 0;
}
