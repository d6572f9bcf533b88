/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-nl: a tiny netlink message builder and request/ack helper (no libnl).
 *
 * Messages are built into a caller-owned buffer (struct nlbuf) so that unit tests can compare
 * the bytes without a socket. Building never fails halfway silently: any overflow sets
 * nlbuf.err and every later call is a no-op; check it once before sending.
 */
#ifndef L2I_KERNEL_NL_H
#define L2I_KERNEL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

struct nlbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

void nlbuf_init(struct nlbuf *b, void *mem, size_t cap);
/* Starts a message: nlmsghdr with type, flags and seq; returns the header (NULL on overflow). */
struct nlmsghdr *nl_msg_begin(struct nlbuf *b, uint16_t type, uint16_t flags, uint32_t seq);
/* Appends a zeroed fixed header of n bytes (e.g. struct xfrm_usersa_info) and returns it. */
void *nl_put_hdr(struct nlbuf *b, size_t n);
/* Appends an attribute with payload (padded to 4 bytes); returns the payload or NULL. */
void *nl_put_attr(struct nlbuf *b, uint16_t type, const void *data, size_t n);
void nl_put_u8(struct nlbuf *b, uint16_t type, uint8_t v);
void nl_put_u16(struct nlbuf *b, uint16_t type, uint16_t v);
void nl_put_u32(struct nlbuf *b, uint16_t type, uint32_t v);
void nl_put_str(struct nlbuf *b, uint16_t type, const char *s);
/* Fixes nlmsg_len of the message started at hdr. */
void nl_msg_end(struct nlbuf *b, struct nlmsghdr *hdr);

/* Looks up attribute type in the attributes that follow a fixed header of hdr_len bytes.
 * Returns the payload and its length, or NULL. The message must have been length-checked
 * (nl_msg_ok). */
const void *nl_find_attr(const struct nlmsghdr *h, size_t hdr_len, uint16_t type, size_t *len);
/* True when h lies within len bytes and its own length is sane. */
bool nl_msg_ok(const struct nlmsghdr *h, size_t len);

/* ---- socket I/O ---- */

/* Opens a NETLINK_<proto> socket, bound, close-on-exec. Returns fd or -errno. */
int nl_open(int proto);
/* Sends one request built with NLM_F_ACK and waits for its ack. Returns 0 or the kernel's
 * -errno (e.g. -EEXIST, -ENOENT), -EIO on a malformed reply. */
int nl_request(int fd, struct nlbuf *b);
/* Sends one request and passes each reply message to fn (until NLMSG_DONE or an ack).
 * fn returns 0 to continue or a negative errno to stop (that value is returned). For
 * requests whose answer is a message (genl CTRL_CMD_GETFAMILY) or a dump. */
typedef int (*nl_reply_fn)(void *ctx, const struct nlmsghdr *h);
int nl_transact(int fd, struct nlbuf *b, nl_reply_fn fn, void *ctx);

#endif
