// SPDX-License-Identifier: LGPL-2.1-or-later
/* XFRM netlink messages: field by field, plus one message compared byte for byte. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include <linux/udp.h>
#include <linux/xfrm.h>

#include "kernel-xfrm.h"

static uint8_t mem[2048] __attribute__((aligned(4)));

static struct kernel_xfrm_flow flow(void)
{
	struct kernel_xfrm_flow f = {
		.l2tp_local_port = 1701,
		.l2tp_remote_port = 1701,
		.reqid = KERNEL_XFRM_REQID_MIN + 7,
		.replay_window = 32,
	};
	inet_pton(AF_INET, "10.98.0.2", &f.local);
	inet_pton(AF_INET, "10.98.0.1", &f.remote);
	return f;
}

/* Key material with recognisable bytes: in = 0x10.., out = 0x80.. */
static uint8_t kin[64], kout[64];

static struct kernel_esp_sa esp(uint16_t transform, uint16_t bits, uint16_t auth, size_t len)
{
	for (size_t i = 0; i < sizeof(kin); i++) {
		kin[i] = (uint8_t)(0x10 + i);
		kout[i] = (uint8_t)(0x80 + i);
	}
	return (struct kernel_esp_sa){
		.spi_in = 0xc0ffee01,
		.spi_out = 0x0badf00d,
		.esp_transform = transform,
		.key_bits = bits,
		.auth_alg = auth,
		.keymat_in = kin,
		.keymat_out = kout,
		.keymat_len = len,
	};
}

static const struct nlmsghdr *build_sa(const struct kernel_xfrm_flow *f,
				       const struct kernel_esp_sa *sa, enum kernel_xfrm_dir dir)
{
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 42, f, sa, dir), ==, 0);
	const struct nlmsghdr *h = (const void *)mem;
	g_assert_cmpuint(h->nlmsg_len, ==, b.len);
	return h;
}

static void test_aes_cbc_sha1_out(void)
{
	struct kernel_xfrm_flow f = flow();
	struct kernel_esp_sa sa = esp(KERNEL_ESP_AES_CBC, 256, KERNEL_AUTH_HMAC_SHA1, 32 + 20);
	const struct nlmsghdr *h = build_sa(&f, &sa, KERNEL_XFRM_OUT);
	const struct xfrm_usersa_info *info = NLMSG_DATA(h);
	size_t len;

	g_assert_cmpuint(h->nlmsg_type, ==, XFRM_MSG_NEWSA);
	g_assert_cmphex(h->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	g_assert_cmpuint(h->nlmsg_seq, ==, 42);
	g_assert_cmphex(ntohl(info->id.spi), ==, 0x0badf00d);
	g_assert_cmphex(info->id.daddr.a4, ==, f.remote.s_addr);
	g_assert_cmphex(info->saddr.a4, ==, f.local.s_addr);
	g_assert_cmpuint(info->id.proto, ==, IPPROTO_ESP);
	g_assert_cmpuint(info->mode, ==, XFRM_MODE_TRANSPORT);
	g_assert_cmpuint(info->family, ==, AF_INET);
	g_assert_cmpuint(info->reqid, ==, KERNEL_XFRM_REQID_MIN + 7);
	g_assert_cmpuint(info->replay_window, ==, 0);
	g_assert_cmpuint(info->sel.proto, ==, IPPROTO_UDP);
	g_assert_cmpuint(info->sel.prefixlen_s, ==, 32);
	g_assert_cmphex(info->lft.hard_byte_limit, ==, XFRM_INF);

	const struct xfrm_algo *enc = nl_find_attr(h, sizeof(*info), XFRMA_ALG_CRYPT, &len);
	g_assert_nonnull(enc);
	g_assert_cmpuint(len, ==, sizeof(*enc) + 32);
	g_assert_cmpstr(enc->alg_name, ==, "cbc(aes)");
	g_assert_cmpuint(enc->alg_key_len, ==, 256);
	g_assert_cmpmem(enc->alg_key, 32, kout, 32);

	const struct xfrm_algo_auth *auth =
		nl_find_attr(h, sizeof(*info), XFRMA_ALG_AUTH_TRUNC, &len);
	g_assert_nonnull(auth);
	g_assert_cmpuint(len, ==, sizeof(*auth) + 20);
	g_assert_cmpstr(auth->alg_name, ==, "hmac(sha1)");
	g_assert_cmpuint(auth->alg_key_len, ==, 160);
	g_assert_cmpuint(auth->alg_trunc_len, ==, 96);
	g_assert_cmpmem(auth->alg_key, 20, kout + 32, 20);

	g_assert_null(nl_find_attr(h, sizeof(*info), XFRMA_ENCAP, NULL));
	g_assert_null(nl_find_attr(h, sizeof(*info), XFRMA_ALG_AEAD, NULL));
}

static void test_in_natt(void)
{
	struct kernel_xfrm_flow f = flow();
	f.natt_local_port = 4500;
	f.natt_remote_port = 4501;
	struct kernel_esp_sa sa = esp(KERNEL_ESP_3DES, 0, KERNEL_AUTH_HMAC_MD5, 24 + 16);
	const struct nlmsghdr *h = build_sa(&f, &sa, KERNEL_XFRM_IN);
	const struct xfrm_usersa_info *info = NLMSG_DATA(h);
	size_t len;

	g_assert_cmphex(ntohl(info->id.spi), ==, 0xc0ffee01);
	g_assert_cmphex(info->id.daddr.a4, ==, f.local.s_addr);
	g_assert_cmphex(info->saddr.a4, ==, f.remote.s_addr);
	g_assert_cmpuint(info->replay_window, ==, 32);

	const struct xfrm_algo *enc = nl_find_attr(h, sizeof(*info), XFRMA_ALG_CRYPT, &len);
	g_assert_cmpstr(enc->alg_name, ==, "cbc(des3_ede)");
	g_assert_cmpuint(enc->alg_key_len, ==, 192);
	g_assert_cmpmem(enc->alg_key, 24, kin, 24);
	const struct xfrm_algo_auth *auth =
		nl_find_attr(h, sizeof(*info), XFRMA_ALG_AUTH_TRUNC, &len);
	g_assert_cmpstr(auth->alg_name, ==, "hmac(md5)");
	g_assert_cmpuint(auth->alg_trunc_len, ==, 96);
	g_assert_cmpmem(auth->alg_key, 16, kin + 24, 16);

	/* Inbound: packets come from the peer's port to ours. */
	const struct xfrm_encap_tmpl *e = nl_find_attr(h, sizeof(*info), XFRMA_ENCAP, &len);
	g_assert_nonnull(e);
	g_assert_cmpuint(len, ==, sizeof(*e));
	g_assert_cmpuint(e->encap_type, ==, UDP_ENCAP_ESPINUDP);
	g_assert_cmpuint(ntohs(e->encap_sport), ==, 4501);
	g_assert_cmpuint(ntohs(e->encap_dport), ==, 4500);
	g_assert_cmphex(e->encap_oa.a4, ==, 0);
}

static void test_sha256_and_gcm(void)
{
	struct kernel_xfrm_flow f = flow();
	struct kernel_esp_sa sa = esp(KERNEL_ESP_AES_CBC, 128, KERNEL_AUTH_HMAC_SHA2_256, 16 + 32);
	const struct nlmsghdr *h = build_sa(&f, &sa, KERNEL_XFRM_OUT);
	size_t len;
	const struct xfrm_algo_auth *auth =
		nl_find_attr(h, sizeof(struct xfrm_usersa_info), XFRMA_ALG_AUTH_TRUNC, &len);

	g_assert_cmpstr(auth->alg_name, ==, "hmac(sha256)");
	g_assert_cmpuint(auth->alg_key_len, ==, 256);
	g_assert_cmpuint(auth->alg_trunc_len, ==, 128); /* RFC 4868, not 96 */

	sa = esp(KERNEL_ESP_AES_GCM_16, 128, KERNEL_AUTH_NONE, 16 + 4);
	h = build_sa(&f, &sa, KERNEL_XFRM_OUT);
	const struct xfrm_algo_aead *aead =
		nl_find_attr(h, sizeof(struct xfrm_usersa_info), XFRMA_ALG_AEAD, &len);
	g_assert_nonnull(aead);
	g_assert_cmpstr(aead->alg_name, ==, "rfc4106(gcm(aes))");
	g_assert_cmpuint(aead->alg_key_len, ==, 160); /* key + 4-byte salt */
	g_assert_cmpuint(aead->alg_icv_len, ==, 128);
	g_assert_cmpmem(aead->alg_key, 20, kout, 20);
	g_assert_null(nl_find_attr(h, sizeof(struct xfrm_usersa_info), XFRMA_ALG_CRYPT, NULL));
	g_assert_null(nl_find_attr(h, sizeof(struct xfrm_usersa_info), XFRMA_ALG_AUTH_TRUNC, NULL));
}

static void test_rejects(void)
{
	struct kernel_xfrm_flow f = flow();
	struct nlbuf b;
	struct kernel_esp_sa sa;

	nlbuf_init(&b, mem, sizeof(mem));
	sa = esp(KERNEL_ESP_AES_CBC, 256, KERNEL_AUTH_HMAC_SHA1, 32 + 16); /* short */
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	sa = esp(KERNEL_ESP_AES_CBC, 100, KERNEL_AUTH_HMAC_SHA1, 52);
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	sa = esp(KERNEL_ESP_AES_GCM_16, 128, KERNEL_AUTH_HMAC_SHA1, 40);
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	sa = esp(2 /* DES */, 64, KERNEL_AUTH_HMAC_SHA1, 28);
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	sa = esp(KERNEL_ESP_AES_CBC, 128, 7, 48);
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	sa = esp(KERNEL_ESP_AES_CBC, 128, KERNEL_AUTH_HMAC_SHA1, 36);
	f.reqid = 1; /* not ours: cleanup could never find it */
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	g_assert_cmpint(kernel_xfrm_build_newpolicy(&b, 1, &f, KERNEL_XFRM_OUT), ==, -EINVAL);
	f = flow();
	f.natt_local_port = 4500; /* only one port */
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -EINVAL);
	g_assert_cmpuint(b.len, ==, 0);

	f = flow();
	nlbuf_init(&b, mem, 100); /* too small */
	g_assert_cmpint(kernel_xfrm_build_newsa(&b, 1, &f, &sa, KERNEL_XFRM_OUT), ==, -ENOBUFS);
}

static void test_policy(void)
{
	struct kernel_xfrm_flow f = flow();
	f.l2tp_remote_port = 0; /* any */
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_xfrm_build_newpolicy(&b, 5, &f, KERNEL_XFRM_IN), ==, 0);
	const struct nlmsghdr *h = (const void *)mem;
	const struct xfrm_userpolicy_info *p = NLMSG_DATA(h);
	size_t len;

	g_assert_cmpuint(h->nlmsg_type, ==, XFRM_MSG_NEWPOLICY);
	g_assert_cmpuint(p->dir, ==, XFRM_POLICY_IN);
	g_assert_cmpuint(p->action, ==, XFRM_POLICY_ALLOW);
	g_assert_cmpuint(p->priority, ==, KERNEL_XFRM_PRIORITY);
	g_assert_cmphex(p->sel.saddr.a4, ==, f.remote.s_addr);
	g_assert_cmphex(p->sel.daddr.a4, ==, f.local.s_addr);
	g_assert_cmpuint(p->sel.proto, ==, IPPROTO_UDP);
	g_assert_cmpuint(p->sel.sport_mask, ==, 0); /* peer's port: any */
	g_assert_cmpuint(ntohs(p->sel.dport), ==, 1701);
	g_assert_cmphex(p->sel.dport_mask, ==, 0xffff);
	const struct xfrm_user_tmpl *t = nl_find_attr(h, sizeof(*p), XFRMA_TMPL, &len);
	g_assert_nonnull(t);
	g_assert_cmpuint(len, ==, sizeof(*t));
	g_assert_cmpuint(t->id.proto, ==, IPPROTO_ESP);
	g_assert_cmpuint(t->mode, ==, XFRM_MODE_TRANSPORT);
	g_assert_cmpuint(t->reqid, ==, f.reqid);
	g_assert_cmphex(t->ealgos, ==, 0xffffffff);

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_xfrm_build_delpolicy(&b, 6, &f, KERNEL_XFRM_OUT), ==, 0);
	const struct xfrm_userpolicy_id *id = NLMSG_DATA(h);
	g_assert_cmpuint(h->nlmsg_type, ==, XFRM_MSG_DELPOLICY);
	g_assert_cmpuint(id->dir, ==, XFRM_POLICY_OUT);
	g_assert_cmpuint(ntohs(id->sel.sport), ==, 1701);
	g_assert_cmpuint(id->sel.dport_mask, ==, 0);
}

/* XFRM_MSG_DELSA, all bytes (x86-64/little-endian layout of struct xfrm_usersa_id). */
static void test_delsa_bytes(void)
{
	static const uint8_t want[] = {
		0x28, 0,    0,	  0,		    /* nlmsg_len 40 */
		0x11, 0,    0x05, 0,		    /* XFRM_MSG_DELSA, REQUEST|ACK */
		9,    0,    0,	  0,	0, 0, 0, 0, /* seq 9, pid 0 */
		10,   98,   0,	  1,	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* daddr 10.98.0.1 */
		0x0b, 0xad, 0xf0, 0x0d, /* spi (network order) */
		2,    0,		/* AF_INET */
		50,   0,		/* IPPROTO_ESP, pad */
	};
	struct kernel_xfrm_flow f = flow();
	struct kernel_esp_sa sa = esp(KERNEL_ESP_AES_CBC, 128, KERNEL_AUTH_HMAC_SHA1, 36);
	struct nlbuf b;

	nlbuf_init(&b, mem, sizeof(mem));
	g_assert_cmpint(kernel_xfrm_build_delsa(&b, 9, &f, &sa, KERNEL_XFRM_OUT), ==, 0);
	g_assert_cmpmem(mem, b.len, want, sizeof(want));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kernel-xfrm/newsa/aes-cbc-sha1-out", test_aes_cbc_sha1_out);
	g_test_add_func("/kernel-xfrm/newsa/3des-md5-in-natt", test_in_natt);
	g_test_add_func("/kernel-xfrm/newsa/sha256-gcm", test_sha256_and_gcm);
	g_test_add_func("/kernel-xfrm/newsa/rejects", test_rejects);
	g_test_add_func("/kernel-xfrm/policy", test_policy);
	g_test_add_func("/kernel-xfrm/delsa-bytes", test_delsa_bytes);
	return g_test_run();
}
