/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rtnetlink socket: one request at a time, waiting for its ack. Requests
 * are few (connect and disconnect) and the kernel answers at once, so a
 * blocking wait with a short receive timeout is simpler than a GSource.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rtnl.h"

struct rtnl {
	int fd;
	uint32_t seq;
};

struct rtnl *rtnl_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct timeval tv = {.tv_sec = 2};
	struct rtnl *nl = calloc(1, sizeof(*nl));
	int err;

	if (!nl)
		return NULL;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		err = errno;
		if (nl->fd >= 0)
			close(nl->fd);
		free(nl);
		errno = err;
		return NULL;
	}
	nl->seq = (uint32_t)getpid() << 8;
	return nl;
}

void rtnl_close(struct rtnl *nl)
{
	if (!nl)
		return;
	close(nl->fd);
	free(nl);
}

uint32_t rtnl_next_seq(struct rtnl *nl)
{
	return ++nl->seq;
}

static int send_msg(struct rtnl *nl, struct rtnl_msg *m, uint32_t *seq)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)m->buf;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	*seq = nh->nlmsg_seq = rtnl_next_seq(nl);
	if (sendto(nl->fd, m->buf, m->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* Receive until parse() says something other than -EAGAIN. */
static int wait_reply(struct rtnl *nl, uint32_t seq,
		      int (*parse)(const void *, size_t, uint32_t, void *), void *out)
{
	uint8_t buf[8192] __attribute__((aligned(8)));

	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		r = parse(buf, (size_t)n, seq, out);
		if (r != -EAGAIN)
			return r;
	}
}

static int parse_ack(const void *buf, size_t len, uint32_t seq, void *out)
{
	(void)out;
	return rtnl_parse_ack(buf, len, seq);
}

static int parse_route(const void *buf, size_t len, uint32_t seq, void *out)
{
	return rtnl_parse_route(buf, len, seq, out);
}

int rtnl_request(struct rtnl *nl, struct rtnl_msg *m)
{
	uint32_t seq;
	int r = send_msg(nl, m, &seq);

	return r ? r : wait_reply(nl, seq, parse_ack, NULL);
}

int rtnl_get_route(struct rtnl *nl, uint32_t dst, struct rtnl_route *r)
{
	struct rtnl_msg m;
	uint32_t seq;
	int err;

	rtnl_build_getroute(&m, 0, dst);
	err = send_msg(nl, &m, &seq);
	return err ? err : wait_reply(nl, seq, parse_route, r);
}
