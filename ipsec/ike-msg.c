/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Encrypted ISAKMP messages (RFC 2409 5.3 and appendix B): CBC over the
 * payloads after the header, zero padding to the block size, IV chaining by
 * the caller's iv buffer. Also the HASH(1)/(2) payloads of Quick Mode and
 * Informational exchanges and the ID payloads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"

int ike_msg_encrypt(const struct ike_p1 *p, uint8_t *iv, uint8_t *buf, size_t len, size_t cap)
{
	size_t body = len - ISAKMP_HDR_LEN;
	size_t pad = (p->block_len - body % p->block_len) % p->block_len;
	int err;

	if (len < ISAKMP_HDR_LEN || len + pad > cap)
		return -ENOSPC;
	memset(buf + len, 0, pad);
	len += pad;
	buf[19] |= ISAKMP_FLAG_ENC;
	put_u32(buf + 24, (uint32_t)len);
	err = ike_cbc(p->encr, p->keys.enc_key->data, p->keys.enc_key->len, iv,
		      buf + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN, true);
	return err ? err : (int)len;
}

int ike_msg_decrypt(const struct ike_p1 *p, uint8_t *iv, const struct isakmp_msg *m, uint8_t *plain,
		    struct isakmp_msg *out)
{
	uint8_t tmp_iv[IKE_MAX_BLOCK_LEN];
	int err;

	if (!p->keys.enc_key || !m->enc || m->enc_len % p->block_len || m->enc_len > IKE_MSG_MAX)
		return -EBADMSG;
	memcpy(plain, m->enc, m->enc_len);
	memcpy(tmp_iv, iv, p->block_len);
	err = ike_cbc(p->encr, p->keys.enc_key->data, p->keys.enc_key->len, tmp_iv, plain,
		      m->enc_len, false);
	if (err)
		return err;
	out->hdr = m->hdr;
	out->enc = NULL;
	out->enc_len = 0;
	err = isakmp_parse_chain(out, m->hdr.next, plain, m->enc_len, true);
	if (err)
		return -EBADMSG;
	memcpy(iv, tmp_iv, p->block_len);
	return 0;
}

int ike_msg_hash(const struct ike_p1 *p, uint32_t mid, const uint8_t *pre, size_t pre_len,
		 const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t mid_b[4];
	struct ike_chunk c[3];

	put_u32(mid_b, mid);
	c[0] = (struct ike_chunk){mid_b, 4};
	c[1] = (struct ike_chunk){pre, pre_len};
	c[2] = (struct ike_chunk){rest, rest_len};
	return ike_prf(p->hash, p->keys.skeyid_a->data, p->keys.skeyid_a->len, c, 3, out);
}

int ike_msg_check_hash(const struct ike_p1 *p, const struct isakmp_msg *m, const uint8_t *pre,
		       size_t pre_len)
{
	uint8_t h[IKE_MAX_HASH_LEN];
	const uint8_t *rest;
	int err;

	if (m->n == 0 || m->pl[0].type != ISAKMP_PL_HASH || m->pl[0].data_len != p->hash_len)
		return -EBADMSG;
	rest = m->n > 1 ? m->pl[1].start : m->chain_end;
	err = ike_msg_hash(p, m->hdr.msg_id, pre, pre_len, rest, (size_t)(m->chain_end - rest), h);
	if (err)
		return err;
	return secure_memcmp(h, m->pl[0].data, p->hash_len) ? -EBADMSG : 0;
}

int ike_id_payload(const char *id, const uint8_t ip[4], uint8_t proto, uint16_t port,
		   struct isakmp_pl *pl, uint8_t *data, size_t data_cap)
{
	struct in_addr a;
	size_t len;

	memset(pl, 0, sizeof(*pl));
	pl->type = ISAKMP_PL_ID;
	pl->proto_id = proto;
	pl->port = port;
	pl->data = data;
	if (!id) {
		pl->id_type = ISAKMP_ID_IPV4_ADDR;
		memcpy(data, ip, 4);
		pl->data_len = 4;
		return 0;
	}
	if (inet_pton(AF_INET, id, &a) == 1) {
		pl->id_type = ISAKMP_ID_IPV4_ADDR;
		memcpy(data, &a, 4);
		pl->data_len = 4;
		return 0;
	}
	len = strlen(id);
	if (len == 0 || len > data_cap)
		return -EINVAL;
	pl->id_type = strchr(id, '@') ? ISAKMP_ID_USER_FQDN : ISAKMP_ID_FQDN;
	memcpy(data, id, len);
	pl->data_len = len;
	return 0;
}
