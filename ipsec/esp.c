/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ESP packet processing (RFC 4303) for one SA and direction.
 *
 * Speed matters here: the cipher and MAC contexts are keyed once in
 * esp_sa_new() and only re-initialised per packet (new IV; HMAC restarted from
 * the stored inner/outer pads), and encryption runs in place in the output.
 * Outbound AES-CBC on a CPU with AES-NI encrypts a batch's packets side by
 * side (aes-lanes.h), and their HMAC-SHA1 ICVs likewise where the CPU has the
 * SHA extensions (sha1-lanes.h); everything else goes through EVP one packet
 * at a time.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aes-lanes.h"
#include "esp-internal.h"
#include "sha1-lanes.h"

#define ESP_MAX_ICV   16
#define ESP_MAX_IV    16
#define GCM_SALT_LEN  4
#define GCM_NONCE_LEN 12
#define NEXT_HDR_NONE 59 /* dummy packet, RFC 4303 section 2.6 */

struct esp_sa {
	enum esp_dir dir;
	uint32_t spi;
	bool aead;
	size_t iv_len;	/* explicit IV in the packet */
	size_t align;	/* ciphertext multiple: cipher block, or 4 for GCM */
	size_t icv_len; /* truncated HMAC or GCM tag */
	uint8_t salt[GCM_SALT_LEN];
	EVP_CIPHER_CTX *cipher;
	EVP_CIPHER_CTX *iv_gen; /* CBC outbound: AES-128-ECB under a random key */
	EVP_MAC *mac_alg;
	EVP_MAC_CTX *mac;
	bool lanes; /* outbound AES-CBC in lanes: the two keys below instead of cipher, iv_gen */
	struct aes_lanes_key lanes_key, lanes_iv_key;
	bool hmac_lanes; /* with lanes: HMAC-SHA1 in lanes too, keyed below */
	struct hmac_sha1_lanes_key hmac_key;
	uint32_t seq; /* outbound: last sent */
	struct esp_replay replay;
	struct esp_sa_stats st;
};

struct suite {
	const EVP_CIPHER *cipher;
	size_t enc_key_len;
	size_t iv_len;
	size_t align;
	const char *digest; /* NULL for AEAD */
	size_t auth_key_len;
	size_t icv_len;
};

static bool get_suite(uint8_t transform, uint16_t key_bits, uint16_t auth, struct suite *s)
{
	memset(s, 0, sizeof(*s));
	switch (transform) {
	case ESP_TRANSFORM_3DES:
		if (key_bits != 0 && key_bits != 192)
			return false;
		s->cipher = EVP_des_ede3_cbc();
		s->enc_key_len = 24;
		s->iv_len = s->align = 8;
		break;
	case ESP_TRANSFORM_AES_CBC:
	case ESP_TRANSFORM_AES_GCM_16: {
		bool gcm = transform == ESP_TRANSFORM_AES_GCM_16;

		switch (key_bits) {
		case 0:
		case 128:
			s->cipher = gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
			break;
		case 192:
			s->cipher = gcm ? EVP_aes_192_gcm() : EVP_aes_192_cbc();
			break;
		case 256:
			s->cipher = gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
			break;
		default:
			return false;
		}
		s->enc_key_len = key_bits ? key_bits / 8u : 16;
		/* RFC 4106 section 3.1: 8-byte explicit IV, 4-byte alignment. */
		s->iv_len = gcm ? 8 : 16;
		s->align = gcm ? 4 : 16;
		if (gcm) {
			s->icv_len = 16;
			return auth == ESP_AUTH_NONE;
		}
		break;
	}
	default:
		return false;
	}
	switch (auth) {
	case ESP_AUTH_HMAC_MD5_96:
		s->digest = "MD5";
		s->auth_key_len = 16;
		s->icv_len = 12;
		return true;
	case ESP_AUTH_HMAC_SHA1_96:
		s->digest = "SHA1";
		s->auth_key_len = 20;
		s->icv_len = 12;
		return true;
	case ESP_AUTH_HMAC_SHA2_256_128:
		s->digest = "SHA2-256";
		s->auth_key_len = 32;
		s->icv_len = 16;
		return true;
	}
	/* CBC without integrity is not offered. */
	return false;
}

size_t esp_keymat_len(uint8_t esp_transform, uint16_t key_bits, uint16_t auth_alg)
{
	struct suite s;

	if (!get_suite(esp_transform, key_bits, auth_alg, &s))
		return 0;
	return s.enc_key_len + (s.digest ? s.auth_key_len : GCM_SALT_LEN);
}

void esp_sa_free(struct esp_sa *sa)
{
	if (!sa)
		return;
	/* The contexts wipe their key schedules on free. */
	EVP_CIPHER_CTX_free(sa->cipher);
	EVP_CIPHER_CTX_free(sa->iv_gen);
	EVP_MAC_CTX_free(sa->mac);
	EVP_MAC_free(sa->mac_alg);
	secure_wipe(sa, sizeof(*sa));
	free(sa);
}

/*
 * CBC IVs must be unpredictable (RFC 3602 section 2.3). Drawing 16 random
 * bytes per packet costs more than the packet's crypto, so, as in NIST SP
 * 800-38A appendix C, each IV is a block cipher applied to a nonce (the
 * sequence number) under a key drawn once from the rand_source.
 */
static bool iv_gen_init(struct esp_sa *sa, const struct rand_source *rnd)
{
	uint8_t key[16];
	bool ok;

	rand_fill(rnd, key, sizeof(key));
	if (sa->lanes) {
		ok = aes_lanes_set_key(&sa->lanes_iv_key, key, sizeof(key));
		secure_wipe(key, sizeof(key));
		return ok;
	}
	sa->iv_gen = EVP_CIPHER_CTX_new();
	ok = sa->iv_gen && EVP_EncryptInit_ex(sa->iv_gen, EVP_aes_128_ecb(), NULL, key, NULL) &&
	     EVP_CIPHER_CTX_set_padding(sa->iv_gen, 0);
	secure_wipe(key, sizeof(key));
	return ok;
}

/* The block the IV key encrypts for packet seq. */
static void iv_nonce(uint8_t nonce[16], uint32_t seq)
{
	memset(nonce, 0, 12);
	put_u32(nonce + 12, seq);
}

static bool iv_gen(struct esp_sa *sa, uint32_t seq, uint8_t *iv)
{
	uint8_t nonce[16], block[16];
	int outl;

	iv_nonce(nonce, seq);
	if (!EVP_EncryptUpdate(sa->iv_gen, block, &outl, nonce, sizeof(nonce)) || outl != 16)
		return false;
	memcpy(iv, block, sa->iv_len);
	return true;
}

static bool sa_keys(struct esp_sa *sa, const struct suite *s, const uint8_t *km)
{
	int enc = sa->dir == ESP_DIR_OUTBOUND;
	OSSL_PARAM params[2];

	sa->cipher = EVP_CIPHER_CTX_new();
	if (!sa->cipher || !EVP_CipherInit_ex(sa->cipher, s->cipher, NULL, km, NULL, enc))
		return false;
	if (sa->aead) {
		memcpy(sa->salt, km + s->enc_key_len, GCM_SALT_LEN);
		return EVP_CIPHER_CTX_ctrl(sa->cipher, EVP_CTRL_AEAD_SET_IVLEN, GCM_NONCE_LEN,
					   NULL) > 0;
	}
	if (!EVP_CIPHER_CTX_set_padding(sa->cipher, 0))
		return false;
	/* AES-CBC outbound: the lanes when the CPU has them (the EVP context stays unused) */
	if (enc && (s->cipher == EVP_aes_128_cbc() || s->cipher == EVP_aes_256_cbc()))
		sa->lanes = aes_lanes_set_key(&sa->lanes_key, km, s->enc_key_len);
	if (sa->lanes && !strcmp(s->digest, "SHA1"))
		sa->hmac_lanes = hmac_sha1_lanes_set_key(&sa->hmac_key, km + s->enc_key_len,
							 s->auth_key_len);
	sa->mac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (sa->mac_alg)
		sa->mac = EVP_MAC_CTX_new(sa->mac_alg);
	if (!sa->mac)
		return false;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)s->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	return EVP_MAC_init(sa->mac, km + s->enc_key_len, s->auth_key_len, params);
}

struct esp_sa *esp_sa_new(const struct esp_sa_config *cfg)
{
	unsigned window;
	struct esp_sa *sa;
	struct suite s;

	if (!cfg || !cfg->keymat || cfg->spi == 0 ||
	    !get_suite(cfg->esp_transform, cfg->key_bits, cfg->auth_alg, &s))
		return NULL;
	if (cfg->keymat_len < esp_keymat_len(cfg->esp_transform, cfg->key_bits, cfg->auth_alg))
		return NULL;
	window = cfg->replay_window ? cfg->replay_window : ESP_REPLAY_WINDOW_DEFAULT;
	if (window < ESP_REPLAY_WINDOW_MIN || window > ESP_REPLAY_WINDOW_MAX)
		return NULL;
	if (cfg->dir == ESP_DIR_OUTBOUND && s.digest && (!cfg->rnd || !cfg->rnd->fn))
		return NULL; /* CBC needs unpredictable IVs */
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->dir = cfg->dir;
	sa->spi = cfg->spi;
	sa->aead = !s.digest;
	sa->iv_len = s.iv_len;
	sa->align = s.align;
	sa->icv_len = s.icv_len;
	esp_replay_init(&sa->replay, window);
	if (!sa_keys(sa, &s, cfg->keymat) ||
	    (sa->dir == ESP_DIR_OUTBOUND && !sa->aead && !iv_gen_init(sa, cfg->rnd))) {
		esp_sa_free(sa);
		return NULL;
	}
	return sa;
}

uint32_t esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

void esp_sa_get_stats(const struct esp_sa *sa, struct esp_sa_stats *st)
{
	*st = sa->st;
	st->seq = sa->dir == ESP_DIR_OUTBOUND ? sa->seq : sa->replay.top;
}

bool esp_sa_seq_exhausted_soon(const struct esp_sa *sa)
{
	return sa->dir == ESP_DIR_OUTBOUND && sa->seq >= ESP_SEQ_SOON;
}

void esp_sa_test_set_seq(struct esp_sa *sa, uint32_t seq)
{
	sa->seq = seq;
}

static size_t pad_len(const struct esp_sa *sa, size_t len)
{
	return (sa->align - (len + 2) % sa->align) % sa->align;
}

size_t esp_encrypt_len(const struct esp_sa *sa, size_t len)
{
	return ESP_HDR_LEN + sa->iv_len + len + pad_len(sa, len) + 2 + sa->icv_len;
}

size_t esp_overhead(const struct esp_sa *sa)
{
	return ESP_HDR_LEN + sa->iv_len + sa->align - 1 + 2 + sa->icv_len;
}

/* HMAC over SPI..ciphertext with the pre-keyed context, full length into md. */
static bool hmac(struct esp_sa *sa, const uint8_t *data, size_t len, uint8_t *md)
{
	size_t md_len;

	/* A NULL key restarts from the stored key: no re-keying per packet. */
	return EVP_MAC_init(sa->mac, NULL, 0, NULL) && EVP_MAC_update(sa->mac, data, len) &&
	       EVP_MAC_final(sa->mac, md, &md_len, EVP_MAX_MD_SIZE);
}

/* GCM nonce = salt | explicit IV (RFC 4106 section 4). */
static bool gcm_start(struct esp_sa *sa, const uint8_t *hdr, const uint8_t *iv)
{
	uint8_t nonce[GCM_NONCE_LEN];
	int outl;

	memcpy(nonce, sa->salt, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, 8);
	/* AAD = SPI | sequence number (RFC 4106 section 5, no ESN). */
	return EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, nonce, -1) &&
	       EVP_CipherUpdate(sa->cipher, NULL, &outl, hdr, ESP_HDR_LEN);
}

size_t esp_payload_offset(const struct esp_sa *sa)
{
	return ESP_HDR_LEN + sa->iv_len;
}

/* SPI, sequence number, padding and trailer around a payload already in place; the
 * ciphertext's length. */
static size_t frame(const struct esp_sa *sa, uint8_t next_header, uint8_t *out, size_t len,
		    uint32_t seq)
{
	uint8_t *ct = out + ESP_HDR_LEN + sa->iv_len;
	size_t pad = pad_len(sa, len);

	put_u32(out, sa->spi);
	put_u32(out + 4, seq);
	/* Padding 1, 2, 3, ... then pad length and next header (RFC 4303 2.4). */
	for (size_t i = 0; i < pad; i++)
		ct[len + i] = (uint8_t)(i + 1);
	ct[len + pad] = (uint8_t)pad;
	ct[len + pad + 1] = next_header;
	return len + pad + 2;
}

/* One framed packet through EVP: IV, cipher, then ICV (or GCM tag). */
static bool seal_evp(struct esp_sa *sa, uint8_t *out, size_t ct_len, uint32_t seq)
{
	uint8_t *iv = out + ESP_HDR_LEN, *ct = iv + sa->iv_len, md[EVP_MAX_MD_SIZE];
	int outl;
	bool ok;

	if (sa->aead) {
		/* The explicit IV only has to be unique per key: the sequence number is. */
		memset(iv, 0, 4);
		put_u32(iv + 4, seq);
		return gcm_start(sa, out, iv) &&
		       EVP_CipherUpdate(sa->cipher, ct, &outl, ct, (int)ct_len) &&
		       EVP_CipherFinal_ex(sa->cipher, ct + ct_len, &outl) &&
		       EVP_CIPHER_CTX_ctrl(sa->cipher, EVP_CTRL_AEAD_GET_TAG, (int)sa->icv_len,
					   ct + ct_len) > 0;
	}
	ok = iv_gen(sa, seq, iv) && EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, iv, -1) &&
	     EVP_CipherUpdate(sa->cipher, ct, &outl, ct, (int)ct_len) &&
	     (size_t)outl == ct_len && hmac(sa, out, (size_t)(ct - out) + ct_len, md);
	if (ok)
		memcpy(ct + ct_len, md, sa->icv_len);
	secure_wipe(md, sizeof(md));
	return ok;
}

/* Up to AES_LANES_MAX framed CBC packets: the IVs (what iv_gen() makes, in lanes), the
 * ciphers side by side, then each ICV. */
static bool seal_lanes(struct esp_sa *sa, struct esp_batch_pkt *pkts, const size_t *ct_len,
		       unsigned n, uint32_t first_seq)
{
	static const uint8_t zero_iv[16];
	struct aes_lane ivs[AES_LANES_MAX], cts[AES_LANES_MAX];
	struct hmac_lane macs[AES_LANES_MAX];
	uint8_t md[AES_LANES_MAX][EVP_MAX_MD_SIZE];
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		uint8_t *iv = pkts[i].out + ESP_HDR_LEN;

		iv_nonce(iv, first_seq + i);
		ivs[i] = (struct aes_lane){.data = iv, .iv = zero_iv, .blocks = 1};
		cts[i] = (struct aes_lane){.data = iv + 16, .iv = iv, .blocks = ct_len[i] / 16};
	}
	aes_lanes_cbc_encrypt(&sa->lanes_iv_key, ivs, n);
	aes_lanes_cbc_encrypt(&sa->lanes_key, cts, n);
	for (unsigned i = 0; i < n; i++) {
		size_t auth_len = ESP_HDR_LEN + sa->iv_len + ct_len[i];

		macs[i] = (struct hmac_lane){.data = pkts[i].out, .len = auth_len, .mac = md[i]};
		if (!sa->hmac_lanes && ok)
			ok = hmac(sa, pkts[i].out, auth_len, md[i]);
	}
	if (sa->hmac_lanes)
		hmac_sha1_lanes(&sa->hmac_key, macs, n);
	for (unsigned i = 0; i < n; i++)
		memcpy(pkts[i].out + macs[i].len, md[i], sa->icv_len);
	secure_wipe(md, sizeof(md));
	return ok;
}

int esp_encrypt_batch(struct esp_sa *sa, uint8_t next_header, struct esp_batch_pkt *pkts,
		      unsigned n)
{
	size_t ct_len[AES_LANES_MAX];
	bool ok = true;

	if (sa->dir != ESP_DIR_OUTBOUND)
		return -EINVAL;
	/* RFC 4303 3.3.3: the counter must not cycle; the SA has to be replaced. */
	if (n > UINT32_MAX - sa->seq)
		return -EOVERFLOW;
	for (unsigned i = 0; i < n; i++) {
		if (pkts[i].len > ESP_MAX_PAYLOAD)
			return -EINVAL;
		if (esp_encrypt_len(sa, pkts[i].len) > pkts[i].cap)
			return -ENOBUFS;
	}
	for (unsigned i = 0; i < n && ok; i += AES_LANES_MAX) {
		unsigned m = n - i < AES_LANES_MAX ? n - i : AES_LANES_MAX;

		for (unsigned j = 0; j < m; j++)
			ct_len[j] = frame(sa, next_header, pkts[i + j].out, pkts[i + j].len,
					  sa->seq + 1 + i + j);
		if (sa->lanes) {
			ok = seal_lanes(sa, pkts + i, ct_len, m, sa->seq + 1 + i);
			continue;
		}
		for (unsigned j = 0; j < m && ok; j++)
			ok = seal_evp(sa, pkts[i + j].out, ct_len[j], sa->seq + 1 + i + j);
	}
	if (!ok) {
		for (unsigned i = 0; i < n; i++)
			secure_wipe(pkts[i].out, esp_encrypt_len(sa, pkts[i].len));
		return -EIO;
	}
	for (unsigned i = 0; i < n; i++) {
		pkts[i].out_len = esp_encrypt_len(sa, pkts[i].len);
		sa->st.bytes += pkts[i].len;
	}
	sa->seq += n;
	sa->st.packets += n;
	return 0;
}

int esp_encrypt(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload, size_t len,
		uint8_t *out, size_t cap, size_t *out_len)
{
	struct esp_batch_pkt p = {.out = out, .len = len, .cap = cap};
	uint8_t *at;
	int r;

	/* the batch checks all of this too, but the payload has to be moved in place first */
	if (sa->dir != ESP_DIR_OUTBOUND || len > ESP_MAX_PAYLOAD)
		return -EINVAL;
	if (esp_encrypt_len(sa, len) > cap)
		return -ENOBUFS;
	at = out + esp_payload_offset(sa);
	if (at != payload)
		memmove(at, payload, len);
	r = esp_encrypt_batch(sa, next_header, &p, 1);
	if (!r)
		*out_len = p.out_len;
	return r;
}

/* Pad length, pad bytes 1, 2, 3, ...; the payload length on success. */
static int check_trailer(const uint8_t *pt, size_t ct_len, size_t *payload_len)
{
	uint8_t pad = pt[ct_len - 2];
	uint8_t bad = 0;

	if ((size_t)pad + 2 > ct_len)
		return -EILSEQ;
	for (size_t i = 0; i < pad; i++)
		bad |= pt[ct_len - 2 - pad + i] ^ (uint8_t)(i + 1);
	if (bad)
		return -EILSEQ;
	*payload_len = ct_len - 2 - pad;
	return 0;
}

static int decrypt_aead(struct esp_sa *sa, const uint8_t *pkt, const uint8_t *ct, size_t ct_len,
			uint8_t *out)
{
	uint8_t tag[ESP_MAX_ICV];
	int outl, ok;

	memcpy(tag, ct + ct_len, sa->icv_len);
	ok = gcm_start(sa, pkt, pkt + ESP_HDR_LEN) &&
	     EVP_CipherUpdate(sa->cipher, out, &outl, ct, (int)ct_len) &&
	     EVP_CIPHER_CTX_ctrl(sa->cipher, EVP_CTRL_AEAD_SET_TAG, (int)sa->icv_len, tag) > 0;
	if (!ok)
		return -EIO;
	if (EVP_CipherFinal_ex(sa->cipher, out + outl, &outl) <= 0) {
		secure_wipe(out, ct_len);
		return -EKEYREJECTED;
	}
	return 0;
}

static int decrypt_cbc(struct esp_sa *sa, const uint8_t *pkt, const uint8_t *ct, size_t ct_len,
		       uint8_t *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t auth_len = (size_t)(ct - pkt) + ct_len;
	int outl, r;

	if (!hmac(sa, pkt, auth_len, md))
		return -EIO;
	/* Constant time: do not tell a forger how many ICV bytes were right. */
	r = CRYPTO_memcmp(md, pkt + auth_len, sa->icv_len) ? -EKEYREJECTED : 0;
	secure_wipe(md, sizeof(md));
	if (r)
		return r;
	if (!EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, pkt + ESP_HDR_LEN, -1) ||
	    !EVP_CipherUpdate(sa->cipher, out, &outl, ct, (int)ct_len) || (size_t)outl != ct_len)
		return -EIO;
	return 0;
}

int esp_decrypt(struct esp_sa *sa, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
		size_t *out_len, uint8_t *next_header)
{
	size_t min = ESP_HDR_LEN + sa->iv_len + sa->icv_len, ct_len, payload_len;
	const uint8_t *ct;
	uint32_t seq;
	int r;

	if (sa->dir != ESP_DIR_INBOUND)
		return -EINVAL;
	/* Step 1, lengths: at least one aligned unit of ciphertext with the trailer. */
	if (len < min + sa->align || (len - min) % sa->align || len - min > INT_MAX) {
		sa->st.drop_malformed++;
		return -EBADMSG;
	}
	if (get_u32(pkt) != sa->spi) {
		sa->st.drop_spi++;
		return -ENOENT;
	}
	ct_len = len - min;
	if (cap < ct_len)
		return -ENOBUFS;
	/* Step 2, replay: cheap, before any crypto (RFC 4303 3.4.3). */
	seq = get_u32(pkt + 4);
	if (!esp_replay_check(&sa->replay, seq)) {
		sa->st.drop_replay++;
		return -EALREADY;
	}
	/* Step 3, integrity, then decryption. */
	ct = pkt + ESP_HDR_LEN + sa->iv_len;
	r = sa->aead ? decrypt_aead(sa, pkt, ct, ct_len, out)
		     : decrypt_cbc(sa, pkt, ct, ct_len, out);
	if (r == -EKEYREJECTED)
		sa->st.drop_auth++;
	if (r)
		return r;
	/* Step 4, the trailer; only then does the window move. */
	r = check_trailer(out, ct_len, &payload_len);
	if (r) {
		secure_wipe(out, ct_len);
		sa->st.drop_trailer++;
		return r;
	}
	esp_replay_update(&sa->replay, seq);
	if (out[ct_len - 1] == NEXT_HDR_NONE) {
		sa->st.drop_dummy++;
		return -ENODATA;
	}
	*next_header = out[ct_len - 1];
	*out_len = payload_len;
	sa->st.packets++;
	sa->st.bytes += payload_len;
	return 0;
}
