// SPDX-License-Identifier: LGPL-2.1-or-later
/* kernel-xfrm: transport-mode ESP SAs and UDP/1701 policies through XFRM netlink. */
#include "kernel-xfrm.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/udp.h>
#include <linux/xfrm.h>

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

struct esp_algs {
	const char *enc;  /* kernel crypto name */
	size_t enc_bytes; /* key (+ salt for GCM) */
	const char *auth; /* NULL for AEAD */
	size_t auth_bytes;
	unsigned trunc_bits; /* ICV length */
};

/* Maps the negotiated transform to kernel names and key sizes (RFC 2404, 2403, 4868, 4106). */
static int esp_algs_get(const struct kernel_esp_sa *sa, struct esp_algs *a)
{
	memset(a, 0, sizeof(*a));
	switch (sa->esp_transform) {
	case KERNEL_ESP_3DES:
		if (sa->key_bits != 0 && sa->key_bits != 192)
			return -EINVAL;
		a->enc = "cbc(des3_ede)";
		a->enc_bytes = 24;
		break;
	case KERNEL_ESP_AES_CBC:
	case KERNEL_ESP_AES_GCM_16:
		if (sa->key_bits != 128 && sa->key_bits != 192 && sa->key_bits != 256)
			return -EINVAL;
		a->enc_bytes = sa->key_bits / 8u;
		if (sa->esp_transform == KERNEL_ESP_AES_GCM_16) {
			if (sa->auth_alg != KERNEL_AUTH_NONE)
				return -EINVAL;
			a->enc = "rfc4106(gcm(aes))";
			a->enc_bytes += 4; /* salt */
			a->trunc_bits = 128;
			return 0;
		}
		a->enc = "cbc(aes)";
		break;
	default:
		return -EINVAL;
	}
	switch (sa->auth_alg) {
	case KERNEL_AUTH_HMAC_MD5:
		a->auth = "hmac(md5)";
		a->auth_bytes = 16;
		a->trunc_bits = 96;
		return 0;
	case KERNEL_AUTH_HMAC_SHA1:
		a->auth = "hmac(sha1)";
		a->auth_bytes = 20;
		a->trunc_bits = 96;
		return 0;
	case KERNEL_AUTH_HMAC_SHA2_256:
		a->auth = "hmac(sha256)";
		a->auth_bytes = 32;
		a->trunc_bits = 128;
		return 0;
	default:
		return -EINVAL;
	}
}

static bool reqid_ours(uint32_t reqid)
{
	return reqid >= KERNEL_XFRM_REQID_MIN && reqid <= KERNEL_XFRM_REQID_MAX;
}

static void set_lifetime_inf(struct xfrm_lifetime_cfg *l)
{
	l->soft_byte_limit = XFRM_INF;
	l->hard_byte_limit = XFRM_INF;
	l->soft_packet_limit = XFRM_INF;
	l->hard_packet_limit = XFRM_INF;
}

/* Source and destination of traffic in direction dir. */
static void dir_addrs(const struct kernel_xfrm_flow *f, enum kernel_xfrm_dir dir,
		      struct in_addr *src, struct in_addr *dst)
{
	*src = dir == KERNEL_XFRM_OUT ? f->local : f->remote;
	*dst = dir == KERNEL_XFRM_OUT ? f->remote : f->local;
}

static void put_alg(struct nlbuf *b, uint16_t type, const char *name, const uint8_t *key,
		    size_t key_bytes, unsigned trunc_bits)
{
	size_t hdr = type == XFRMA_ALG_AUTH_TRUNC ? sizeof(struct xfrm_algo_auth)
		     : type == XFRMA_ALG_AEAD	  ? sizeof(struct xfrm_algo_aead)
						  : sizeof(struct xfrm_algo);
	uint8_t *p = nl_put_attr(b, type, NULL, hdr + key_bytes);

	if (!p)
		return;
	/* All three start with char alg_name[64]; the key follows the fixed part. */
	strncpy((char *)p, name, 63);
	if (type == XFRMA_ALG_AUTH_TRUNC) {
		struct xfrm_algo_auth *a = (void *)p;

		a->alg_key_len = (unsigned)(key_bytes * 8);
		a->alg_trunc_len = trunc_bits;
	} else if (type == XFRMA_ALG_AEAD) {
		struct xfrm_algo_aead *a = (void *)p;

		a->alg_key_len = (unsigned)(key_bytes * 8);
		a->alg_icv_len = trunc_bits;
	} else {
		struct xfrm_algo *a = (void *)p;

		a->alg_key_len = (unsigned)(key_bytes * 8);
	}
	memcpy(p + hdr, key, key_bytes);
}

static int finish(struct nlbuf *b, struct nlmsghdr *h)
{
	nl_msg_end(b, h);
	return b->err ? -ENOBUFS : 0;
}

int kernel_xfrm_build_newsa(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			    const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	struct esp_algs a;
	int err = esp_algs_get(sa, &a);

	if (err)
		return err;
	if (!reqid_ours(f->reqid) || sa->keymat_len != a.enc_bytes + a.auth_bytes)
		return -EINVAL;
	if (!f->natt_local_port != !f->natt_remote_port)
		return -EINVAL;

	struct in_addr src, dst;
	dir_addrs(f, dir, &src, &dst);
	const uint8_t *keymat = dir == KERNEL_XFRM_OUT ? sa->keymat_out : sa->keymat_in;
	struct nlmsghdr *h = nl_msg_begin(
		b, XFRM_MSG_NEWSA, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
	struct xfrm_usersa_info *info = nl_put_hdr(b, sizeof(*info));

	if (!info)
		return -ENOBUFS;
	info->sel.family = AF_INET;
	info->sel.saddr.a4 = src.s_addr;
	info->sel.daddr.a4 = dst.s_addr;
	info->sel.prefixlen_s = 32;
	info->sel.prefixlen_d = 32;
	info->sel.proto = IPPROTO_UDP;
	info->id.daddr.a4 = dst.s_addr;
	info->id.spi = htonl(dir == KERNEL_XFRM_OUT ? sa->spi_out : sa->spi_in);
	info->id.proto = IPPROTO_ESP;
	info->saddr.a4 = src.s_addr;
	set_lifetime_inf(&info->lft);
	info->reqid = f->reqid;
	info->family = AF_INET;
	info->mode = XFRM_MODE_TRANSPORT;
	/* Outbound SAs never check replay; charon installs them with 0 as well. */
	info->replay_window = dir == KERNEL_XFRM_IN ? f->replay_window : 0;

	if (a.auth) {
		put_alg(b, XFRMA_ALG_CRYPT, a.enc, keymat, a.enc_bytes, 0);
		put_alg(b, XFRMA_ALG_AUTH_TRUNC, a.auth, keymat + a.enc_bytes, a.auth_bytes,
			a.trunc_bits);
	} else {
		put_alg(b, XFRMA_ALG_AEAD, a.enc, keymat, a.enc_bytes, a.trunc_bits);
	}
	if (f->natt_local_port) {
		/* RFC 3948: ESP in UDP; the ports of this direction's packets, original address
		 * unused (transport mode checksum fixup is not needed for UDP/1701 with csum 0). */
		struct xfrm_encap_tmpl encap = {
			.encap_type = UDP_ENCAP_ESPINUDP,
			.encap_sport = htons(dir == KERNEL_XFRM_OUT ? f->natt_local_port
								    : f->natt_remote_port),
			.encap_dport = htons(dir == KERNEL_XFRM_OUT ? f->natt_remote_port
								    : f->natt_local_port),
		};
		nl_put_attr(b, XFRMA_ENCAP, &encap, sizeof(encap));
	}
	return finish(b, h);
}

int kernel_xfrm_build_delsa(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			    const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	struct in_addr src, dst;
	dir_addrs(f, dir, &src, &dst);
	struct nlmsghdr *h = nl_msg_begin(b, XFRM_MSG_DELSA, NLM_F_REQUEST | NLM_F_ACK, seq);
	struct xfrm_usersa_id *id = nl_put_hdr(b, sizeof(*id));

	if (!id)
		return -ENOBUFS;
	id->daddr.a4 = dst.s_addr;
	id->spi = htonl(dir == KERNEL_XFRM_OUT ? sa->spi_out : sa->spi_in);
	id->family = AF_INET;
	id->proto = IPPROTO_ESP;
	return finish(b, h);
}

/* The selector of the policy for direction dir: UDP between the two hosts, l2tp ports. */
static void policy_sel(struct xfrm_selector *sel, const struct kernel_xfrm_flow *f,
		       enum kernel_xfrm_dir dir)
{
	struct in_addr src, dst;
	dir_addrs(f, dir, &src, &dst);
	uint16_t sport = dir == KERNEL_XFRM_OUT ? f->l2tp_local_port : f->l2tp_remote_port;
	uint16_t dport = dir == KERNEL_XFRM_OUT ? f->l2tp_remote_port : f->l2tp_local_port;

	sel->family = AF_INET;
	sel->saddr.a4 = src.s_addr;
	sel->daddr.a4 = dst.s_addr;
	sel->prefixlen_s = 32;
	sel->prefixlen_d = 32;
	sel->proto = IPPROTO_UDP;
	sel->sport = htons(sport);
	sel->sport_mask = sport ? 0xffff : 0;
	sel->dport = htons(dport);
	sel->dport_mask = dport ? 0xffff : 0;
}

int kernel_xfrm_build_newpolicy(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
				enum kernel_xfrm_dir dir)
{
	if (!reqid_ours(f->reqid))
		return -EINVAL;
	struct nlmsghdr *h = nl_msg_begin(
		b, XFRM_MSG_NEWPOLICY, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
	struct xfrm_userpolicy_info *pol = nl_put_hdr(b, sizeof(*pol));

	if (!pol)
		return -ENOBUFS;
	policy_sel(&pol->sel, f, dir);
	set_lifetime_inf(&pol->lft);
	pol->priority = KERNEL_XFRM_PRIORITY;
	pol->dir = dir == KERNEL_XFRM_OUT ? XFRM_POLICY_OUT : XFRM_POLICY_IN;
	pol->action = XFRM_POLICY_ALLOW;
	pol->share = XFRM_SHARE_ANY;

	/* Transport mode: the template's addresses stay 0, the kernel uses the packet's. */
	struct xfrm_user_tmpl tmpl = {
		.id.proto = IPPROTO_ESP,
		.family = AF_INET,
		.reqid = f->reqid,
		.mode = XFRM_MODE_TRANSPORT,
		.aalgos = ~0u,
		.ealgos = ~0u,
		.calgos = ~0u,
	};
	nl_put_attr(b, XFRMA_TMPL, &tmpl, sizeof(tmpl));
	return finish(b, h);
}

int kernel_xfrm_build_delpolicy(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
				enum kernel_xfrm_dir dir)
{
	struct nlmsghdr *h = nl_msg_begin(b, XFRM_MSG_DELPOLICY, NLM_F_REQUEST | NLM_F_ACK, seq);
	struct xfrm_userpolicy_id *id = nl_put_hdr(b, sizeof(*id));

	if (!id)
		return -ENOBUFS;
	policy_sel(&id->sel, f, dir);
	id->dir = dir == KERNEL_XFRM_OUT ? XFRM_POLICY_OUT : XFRM_POLICY_IN;
	return finish(b, h);
}

/* ---- I/O ---- */

static uint32_t next_seq(void)
{
	static uint32_t seq;

	return ++seq;
}

int kernel_xfrm_open(void)
{
	return nl_open(NETLINK_XFRM);
}

typedef int (*build_fn)(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir);

static int build_newpol(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	return kernel_xfrm_build_newpolicy(b, seq, f, dir);
}

static int build_delpol(struct nlbuf *b, uint32_t seq, const struct kernel_xfrm_flow *f,
			const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	return kernel_xfrm_build_delpolicy(b, seq, f, dir);
}

static int run(int nlfd, build_fn fn, const struct kernel_xfrm_flow *f,
	       const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	uint8_t mem[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	int err = fn(&b, next_seq(), f, sa, dir);

	if (!err)
		err = nl_request(nlfd, &b);
	secure_wipe(mem, sizeof(mem)); /* NEWSA carried keys */
	return err;
}

/* Install order: SAs before policies, so no packet meets a policy without its SA; inbound SA
 * first, so the server's first ESP packet finds it. */
static const struct {
	build_fn add, del;
	enum kernel_xfrm_dir dir;
} steps[] = {
	{kernel_xfrm_build_newsa, kernel_xfrm_build_delsa, KERNEL_XFRM_IN},
	{kernel_xfrm_build_newsa, kernel_xfrm_build_delsa, KERNEL_XFRM_OUT},
	{build_newpol, build_delpol, KERNEL_XFRM_IN},
	{build_newpol, build_delpol, KERNEL_XFRM_OUT},
};

/* Runs steps [first, last) in order; on failure undoes the ones done. */
static int add_steps(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa,
		     size_t first, size_t last)
{
	for (size_t i = first; i < last; i++) {
		int err = run(nlfd, steps[i].add, f, sa, steps[i].dir);

		if (err) {
			while (i-- > first)
				run(nlfd, steps[i].del, f, sa, steps[i].dir);
			return err;
		}
	}
	return 0;
}

/* Runs the removal of steps [first, last) in reverse; returns the first real error. */
static int del_steps(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa,
		     size_t first, size_t last)
{
	int ret = 0;

	for (size_t i = last; i-- > first;) {
		int err = run(nlfd, steps[i].del, f, sa, steps[i].dir);

		if (err && err != -ENOENT && err != -ESRCH && !ret)
			ret = err;
	}
	return ret;
}

int kernel_xfrm_install(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa)
{
	return add_steps(nlfd, f, sa, 0, ARRAY_SIZE(steps));
}

int kernel_xfrm_remove(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa)
{
	/* Policies first, so nothing is sent in clear once the SAs are gone: without a policy
	 * the packet goes out plain, but a policy without SA drops it; removing policies first
	 * leaves a short window either way, and the L2TP socket is closed by then. */
	return del_steps(nlfd, f, sa, 0, ARRAY_SIZE(steps));
}

int kernel_xfrm_add_sas(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa)
{
	return add_steps(nlfd, f, sa, 0, 2);
}

int kernel_xfrm_del_sa(int nlfd, const struct kernel_xfrm_flow *f, const struct kernel_esp_sa *sa,
		       enum kernel_xfrm_dir dir)
{
	size_t i = dir == KERNEL_XFRM_IN ? 0 : 1;

	return del_steps(nlfd, f, sa, i, i + 1);
}

int kernel_xfrm_add_policies(int nlfd, const struct kernel_xfrm_flow *f)
{
	return add_steps(nlfd, f, NULL, 2, 4);
}

int kernel_xfrm_del_policies(int nlfd, const struct kernel_xfrm_flow *f)
{
	return del_steps(nlfd, f, NULL, 2, 4);
}

/* What cleanup found in a dump: enough to delete each entry later (not during the dump). */
struct found {
	uint32_t peer; /* network order; 0 = any */
	struct xfrm_usersa_id sa[64];
	size_t n_sa;
	struct xfrm_userpolicy_id pol[64];
	size_t n_pol;
};

static int collect_sa(void *ctx, const struct nlmsghdr *h)
{
	struct found *fd = ctx;
	const struct xfrm_usersa_info *info = NLMSG_DATA(h);

	if (h->nlmsg_type != XFRM_MSG_NEWSA || h->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
		return 0;
	if (!reqid_ours(info->reqid) || fd->n_sa == ARRAY_SIZE(fd->sa))
		return 0;
	if (fd->peer && info->id.daddr.a4 != fd->peer && info->saddr.a4 != fd->peer)
		return 0;
	struct xfrm_usersa_id *id = &fd->sa[fd->n_sa++];
	id->daddr = info->id.daddr;
	id->spi = info->id.spi;
	id->family = info->family;
	id->proto = info->id.proto;
	return 0;
}

static int collect_policy(void *ctx, const struct nlmsghdr *h)
{
	struct found *fd = ctx;
	const struct xfrm_userpolicy_info *pol = NLMSG_DATA(h);
	size_t len;

	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY || h->nlmsg_len < NLMSG_LENGTH(sizeof(*pol)))
		return 0;
	const struct xfrm_user_tmpl *t = nl_find_attr(h, sizeof(*pol), XFRMA_TMPL, &len);

	if (!t || len < sizeof(*t) || !reqid_ours(t->reqid) || fd->n_pol == ARRAY_SIZE(fd->pol))
		return 0;
	if (fd->peer && pol->sel.daddr.a4 != fd->peer && pol->sel.saddr.a4 != fd->peer)
		return 0;
	struct xfrm_userpolicy_id *id = &fd->pol[fd->n_pol++];
	memset(id, 0, sizeof(*id));
	id->index = pol->index;
	id->dir = pol->dir;
	return 0;
}

static int dump(int nlfd, uint16_t type, nl_reply_fn fn, struct found *fd)
{
	uint8_t mem[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	struct nlmsghdr *h = nl_msg_begin(&b, type, NLM_F_REQUEST | NLM_F_DUMP, next_seq());
	nl_msg_end(&b, h);
	return nl_transact(nlfd, &b, fn, fd);
}

static int del(int nlfd, uint16_t type, const void *id, size_t n)
{
	uint8_t mem[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	struct nlmsghdr *h = nl_msg_begin(&b, type, NLM_F_REQUEST | NLM_F_ACK, next_seq());
	void *p = nl_put_hdr(&b, n);

	if (p)
		memcpy(p, id, n);
	nl_msg_end(&b, h);
	int err = nl_request(nlfd, &b);

	return err == -ENOENT || err == -ESRCH ? 0 : err;
}

int kernel_xfrm_cleanup(int nlfd, const struct in_addr *peer, unsigned *removed)
{
	struct found fd = {.peer = peer ? peer->s_addr : 0};
	unsigned count = 0;
	int err;

	/* Repeat while full batches come back: at most 64 entries of each kind per round. */
	do {
		fd.n_sa = fd.n_pol = 0;
		err = dump(nlfd, XFRM_MSG_GETPOLICY, collect_policy, &fd);
		if (!err)
			err = dump(nlfd, XFRM_MSG_GETSA, collect_sa, &fd);
		for (size_t i = 0; !err && i < fd.n_pol; i++, count++)
			err = del(nlfd, XFRM_MSG_DELPOLICY, &fd.pol[i], sizeof(fd.pol[i]));
		for (size_t i = 0; !err && i < fd.n_sa; i++, count++)
			err = del(nlfd, XFRM_MSG_DELSA, &fd.sa[i], sizeof(fd.sa[i]));
	} while (!err && (fd.n_sa == ARRAY_SIZE(fd.sa) || fd.n_pol == ARRAY_SIZE(fd.pol)));
	if (removed)
		*removed = count;
	return err;
}

int kernel_xfrm_socket_bypass(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return -errno;
	int level = ss.ss_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = ss.ss_family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;

	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		struct xfrm_userpolicy_info pol = {
			.action = XFRM_POLICY_ALLOW,
			.dir = (uint8_t)dir,
			.sel.family = ss.ss_family,
		};
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
			return -errno;
	}
	return 0;
}

int kernel_xfrm_socket_espinudp(int fd)
{
	int type = UDP_ENCAP_ESPINUDP;

	return setsockopt(fd, SOL_UDP, UDP_ENCAP, &type, sizeof(type)) < 0 ? -errno : 0;
}

int kernel_xfrm_probe_esp(int nlfd)
{
	/* Never matched by a packet: loopback, no policy, SPIs from the top of the range. */
	static const uint8_t key[36]; /* AES-128 + HMAC-SHA1 */
	struct kernel_xfrm_flow f = {
		.local.s_addr = htonl(INADDR_LOOPBACK),
		.remote.s_addr = htonl(INADDR_LOOPBACK),
		.reqid = KERNEL_XFRM_REQID_MAX,
	};
	struct kernel_esp_sa sa = {
		.spi_in = 0xfffffff0u,
		.spi_out = 0xfffffff1u,
		.esp_transform = KERNEL_ESP_AES_CBC,
		.key_bits = 128,
		.auth_alg = KERNEL_AUTH_HMAC_SHA1,
		.keymat_in = key,
		.keymat_out = key,
		.keymat_len = sizeof(key),
	};
	int err = kernel_xfrm_add_sas(nlfd, &f, &sa);

	if (err == -EEXIST) /* left by a probe that crashed: ESP works, the deletes clean up */
		err = 0;
	(void)kernel_xfrm_del_sa(nlfd, &f, &sa, KERNEL_XFRM_IN);
	(void)kernel_xfrm_del_sa(nlfd, &f, &sa, KERNEL_XFRM_OUT);
	return err;
}
