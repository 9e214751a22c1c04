// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The notification thread: the listeners it takes over the handover
 * socket, and the answer to each notified call.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inject-notify.h"
#include "shared/macro.h"

#if HAVE_SECCOMP
#include <seccomp.h>

#define POLL_STOP 0	 /* the eventfd that ends the thread */
#define POLL_HANDOVER 1	 /* the socket listeners arrive on */
#define POLL_LISTENERS 2 /* then one entry per writer process */
#define FD_MARGIN 256	 /* descriptors the supervisor needs besides the listeners */

struct inject_notifier {
	const struct inject_ctx *ctx;
	uint32_t nwriters;
	pthread_t thread;
	bool started;
	int sock[2]; /* [0]: the thread's end, [1]: the children's */
	int stop_fd;
	struct pollfd *pfd; /* POLL_LISTENERS + nwriters */
	uint32_t *owner;    /* the writer of each listener entry */
	unsigned n;
	int nr[_INJECT_CALL_MAX][2]; /* the syscall numbers of each call, -1 for none */
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct inject_notifier_stats stats;
};

static int call_of(const struct inject_notifier *n, int nr)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++)
		if (n->nr[c][0] == nr || n->nr[c][1] == nr)
			return (int)c;
	return -ENOENT;
}

static void resolve_calls(struct inject_notifier *n)
{
	for (unsigned c = 0; c < _INJECT_CALL_MAX; c++) {
		const char *const *names = inject_call_syscalls(c);

		for (unsigned i = 0; i < 2; i++) {
			int nr = names[i] ? seccomp_syscall_resolve_name(names[i]) :
					    __NR_SCMP_ERROR;

			n->nr[c][i] = nr == __NR_SCMP_ERROR ? -1 : nr;
		}
	}
}

static void drop(struct inject_notifier *n, unsigned i)
{
	close(n->pfd[i].fd);
	n->n--;
	n->pfd[i] = n->pfd[n->n];
	n->owner[i] = n->owner[n->n];
}

/* A writer's new process replaces its old one, which is gone: so is its listener. */
static void adopt(struct inject_notifier *n, uint32_t writer, int fd)
{
	for (unsigned i = POLL_LISTENERS; i < n->n; i++)
		if (n->owner[i] == writer) {
			drop(n, i);
			break;
		}
	n->pfd[n->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	n->owner[n->n++] = writer;
	n->stats.listeners++;
}

/* The descriptor a handover message carries, or -1. */
static int passed_fd(struct msghdr *msg)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	int fd;

	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* Every listener waiting on the handover socket: 0 once it is drained, or -errno. */
static int take_listeners(struct inject_notifier *n)
{
	for (;;) {
		uint32_t writer = UINT32_MAX;
		char control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &writer, .iov_len = sizeof(writer) };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = control,
				      .msg_controllen = sizeof(control) };
		ssize_t len = recvmsg(n->sock[0], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		int fd;

		if (len < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		fd = passed_fd(&msg);
		if (fd < 0 || len != sizeof(writer) || writer >= n->nwriters ||
		    n->n >= POLL_LISTENERS + n->nwriters) {
			if (fd >= 0)
				close(fd);
			n->stats.refused++;
			continue;
		}
		adopt(n, writer, fd);
	}
}

/*
 * libseccomp says -ECANCELED and leaves the kernel's errno. ENOENT: the
 * call's process died before the answer, which is no failure. Anything
 * else would fail again at once: the listener goes (its writer's notified
 * calls fail with ENOSYS from then on), and the report says why.
 */
static void answer_failed(struct inject_notifier *n, unsigned i, int error)
{
	if (error == ENOENT) {
		n->stats.vanished++;
		return;
	}
	if (!n->stats.error)
		n->stats.error = -error;
	drop(n, i);
}

/*
 * One notified call of listener i: decided, answered. A call whose process
 * died meanwhile is gone (ENOENT): counted, never an error.
 */
static void answer(struct inject_notifier *n, unsigned i)
{
	uint32_t writer = n->owner[i];
	uint64_t index = 0;
	int call, error = 0;

	memset(n->req, 0, sizeof(*n->req)); /* the kernel wants it zeroed */
	if (seccomp_notify_receive(n->pfd[i].fd, n->req) < 0) {
		answer_failed(n, i, errno);
		return;
	}
	call = call_of(n, n->req->data.nr);
	if (call >= 0)
		error = inject_next(n->ctx, writer, (enum inject_call)call, &index);
	*n->resp = (struct seccomp_notif_resp){
		.id = n->req->id,
		.error = error,
		.flags = error ? 0 : SECCOMP_USER_NOTIF_FLAG_CONTINUE,
	};
	if (seccomp_notify_respond(n->pfd[i].fd, n->resp) < 0) {
		answer_failed(n, i, errno);
		return;
	}
	n->stats.answered++;
	if (error)
		inject_delivered(n->ctx, writer, (enum inject_call)call, index);
}

static void serve_listeners(struct inject_notifier *n)
{
	/* Backwards: dropping entry i moves the last one into its place. */
	for (unsigned i = n->n; i-- > POLL_LISTENERS;) {
		short ev = n->pfd[i].revents;

		if (ev & POLLIN)
			answer(n, i);
		else if (ev & (POLLHUP | POLLERR | POLLNVAL))
			drop(n, i);
	}
}

static void *notifier_main(void *arg)
{
	struct inject_notifier *n = arg;

	for (;;) {
		int r;

		if (poll(n->pfd, n->n, -1) < 0) {
			if (errno == EINTR)
				continue;
			n->stats.error = -errno;
			break;
		}
		if (n->pfd[POLL_STOP].revents)
			break;
		if (n->pfd[POLL_HANDOVER].revents & POLLIN) {
			r = take_listeners(n);
			if (r < 0) {
				n->stats.error = r;
				break;
			}
		}
		serve_listeners(n);
	}
	/*
	 * Stopped early: closing the listeners makes every notified call
	 * fail with ENOSYS from now on, rather than wait for an answer.
	 */
	while (n->n > POLL_LISTENERS)
		drop(n, n->n - 1);
	return NULL;
}

/* Room for a listener per writer besides what the supervisor holds. */
static int raise_fd_limit(uint32_t nwriters)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)nwriters + FD_MARGIN;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max < want)
		return -EMFILE;
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0;
}

static int notifier_open(struct inject_notifier *n)
{
	int r = raise_fd_limit(n->nwriters);

	if (r < 0)
		return r;
	/* libseccomp learns here what the kernel supports; its notify calls need to know. */
	if (seccomp_api_get() < 6)
		return -EOPNOTSUPP;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, n->sock) < 0)
		return -errno;
	n->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->stop_fd < 0)
		return -errno;
	n->pfd = calloc(POLL_LISTENERS + n->nwriters, sizeof(*n->pfd));
	n->owner = calloc(POLL_LISTENERS + n->nwriters, sizeof(*n->owner));
	if (!n->pfd || !n->owner)
		return -ENOMEM;
	n->pfd[POLL_STOP] = (struct pollfd){ .fd = n->stop_fd, .events = POLLIN };
	n->pfd[POLL_HANDOVER] = (struct pollfd){ .fd = n->sock[0], .events = POLLIN };
	n->n = POLL_LISTENERS;
	resolve_calls(n);
	return seccomp_notify_alloc(&n->req, &n->resp);
}

/* With every signal blocked, so that they go to the supervisor's own signalfd. */
static int notifier_spawn(struct inject_notifier *n)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&n->thread, NULL, notifier_main, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n->started = r == 0;
	return r;
}

static void notifier_free(struct inject_notifier *n)
{
	while (n->n > POLL_LISTENERS)
		drop(n, n->n - 1);
	for (unsigned i = 0; i < 2; i++)
		if (n->sock[i] >= 0)
			close(n->sock[i]);
	if (n->stop_fd >= 0)
		close(n->stop_fd);
	if (n->req)
		seccomp_notify_free(n->req, n->resp);
	free(n->pfd);
	free(n->owner);
	free(n);
}

int inject_notifier_start(const struct inject_ctx *ctx, uint32_t nwriters,
			  struct inject_notifier **ret)
{
	struct inject_notifier *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	*n = (struct inject_notifier){
		.ctx = ctx, .nwriters = nwriters, .sock = { -1, -1 }, .stop_fd = -1
	};
	r = notifier_open(n);
	if (r >= 0)
		r = notifier_spawn(n);
	if (r < 0) {
		notifier_free(n);
		return r;
	}
	*ret = n;
	return 0;
}

int inject_notifier_handover_fd(const struct inject_notifier *n)
{
	return n->sock[1];
}

void inject_notifier_stop(struct inject_notifier *n, struct inject_notifier_stats *ret)
{
	uint64_t one = 1;

	if (n->started) {
		ssize_t k = write(n->stop_fd, &one, sizeof(one)); /* cannot fail: a fresh eventfd */

		(void)k;
		pthread_join(n->thread, NULL);
	}
	*ret = n->stats;
	notifier_free(n);
}

#else /* !HAVE_SECCOMP */

int inject_notifier_start(const struct inject_ctx *ctx _unused_, uint32_t nwriters _unused_,
			  struct inject_notifier **ret _unused_)
{
	return -ENOTSUP;
}

int inject_notifier_handover_fd(const struct inject_notifier *n _unused_)
{
	return -1;
}

void inject_notifier_stop(struct inject_notifier *n _unused_, struct inject_notifier_stats *ret)
{
	*ret = (struct inject_notifier_stats){ 0 };
}

#endif
