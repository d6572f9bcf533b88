// SPDX-License-Identifier: LGPL-2.1-or-later
/* kernel-nl: netlink message builder and request helpers. */
#include "kernel-nl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void nlbuf_init(struct nlbuf *b, void *mem, size_t cap)
{
	b->p = mem;
	b->cap = cap;
	b->len = 0;
	b->err = false;
}

/* Reserves n bytes padded to NLMSG_ALIGNTO, zeroed. */
static void *nl_reserve(struct nlbuf *b, size_t n)
{
	size_t padded = NLMSG_ALIGN(n);

	if (b->err || padded < n || b->cap - b->len < padded) {
		b->err = true;
		return NULL;
	}
	void *at = b->p + b->len;
	memset(at, 0, padded);
	b->len += padded;
	return at;
}

struct nlmsghdr *nl_msg_begin(struct nlbuf *b, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *h = nl_reserve(b, sizeof(*h));

	if (!h)
		return NULL;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	return h;
}

void *nl_put_hdr(struct nlbuf *b, size_t n)
{
	return nl_reserve(b, n);
}

void *nl_put_attr(struct nlbuf *b, uint16_t type, const void *data, size_t n)
{
	if (n > UINT16_MAX - NLA_HDRLEN) {
		b->err = true;
		return NULL;
	}
	struct nlattr *a = nl_reserve(b, NLA_HDRLEN + n);

	if (!a)
		return NULL;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	uint8_t *payload = (uint8_t *)a + NLA_HDRLEN;
	if (data && n)
		memcpy(payload, data, n);
	return payload;
}

void nl_put_u8(struct nlbuf *b, uint16_t type, uint8_t v)
{
	nl_put_attr(b, type, &v, sizeof(v));
}

void nl_put_u16(struct nlbuf *b, uint16_t type, uint16_t v)
{
	nl_put_attr(b, type, &v, sizeof(v));
}

void nl_put_u32(struct nlbuf *b, uint16_t type, uint32_t v)
{
	nl_put_attr(b, type, &v, sizeof(v));
}

void nl_put_str(struct nlbuf *b, uint16_t type, const char *s)
{
	nl_put_attr(b, type, s, strlen(s) + 1);
}

void nl_msg_end(struct nlbuf *b, struct nlmsghdr *hdr)
{
	if (b->err || !hdr)
		return;
	hdr->nlmsg_len = (uint32_t)(b->p + b->len - (uint8_t *)hdr);
}

bool nl_msg_ok(const struct nlmsghdr *h, size_t len)
{
	return len >= sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= len;
}

const void *nl_find_attr(const struct nlmsghdr *h, size_t hdr_len, uint16_t type, size_t *len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdr_len);

	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)((const uint8_t *)h + off);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > h->nlmsg_len - off)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			if (len)
				*len = a->nla_len - NLA_HDRLEN;
			return (const uint8_t *)a + NLA_HDRLEN;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

int nl_open(int proto)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -errno;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Handles one reply message. Returns 1 to keep reading, else the final result (<= 0). */
static int nl_reply_one(const struct nlmsghdr *req, uint32_t seq, const struct nlmsghdr *h,
			nl_reply_fn fn, void *ctx, int *stop)
{
	if (h->nlmsg_seq != seq)
		return 1;
	if (h->nlmsg_type == NLMSG_DONE)
		return *stop;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EIO;
		return e->error ? e->error : *stop;
	}
	if (!*stop && fn)
		*stop = fn(ctx, h);
	if (!(h->nlmsg_flags & NLM_F_MULTI) && !(req->nlmsg_flags & NLM_F_ACK))
		return *stop;
	return 1;
}

int nl_transact(int fd, struct nlbuf *b, nl_reply_fn fn, void *ctx)
{
	if (b->err || b->len < sizeof(struct nlmsghdr))
		return -EINVAL;
	const struct nlmsghdr *req = (const void *)b->p;
	uint32_t seq = req->nlmsg_seq;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	if (sendto(fd, b->p, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;

	/* Dumps of many SAs arrive in several datagrams of up to a page or so each. */
	static _Thread_local uint8_t rx[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	int stop = 0;

	for (;;) {
		ssize_t n = recv(fd, rx, sizeof(rx), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		size_t left = (size_t)n;
		const struct nlmsghdr *h = (const void *)rx;

		while (nl_msg_ok(h, left)) {
			int rc = nl_reply_one(req, seq, h, fn, ctx, &stop);

			if (rc <= 0)
				return rc;
			size_t step = NLMSG_ALIGN(h->nlmsg_len);
			if (step >= left)
				break;
			left -= step;
			h = (const void *)((const uint8_t *)h + step);
		}
	}
}

int nl_request(int fd, struct nlbuf *b)
{
	return nl_transact(fd, b, NULL, NULL);
}
