/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * common: the pieces every pure core shares.
 *
 *  - struct rd / struct wr: the one bounds-checked reader and writer. Every
 *    parser in the tree reads network bytes through struct rd; a failed read
 *    sets rd.err and returns false, and all later reads fail too, so a parser
 *    may read a whole header and check rd.err once.
 *  - struct secbuf: heap memory for keys and passwords, wiped on free.
 *  - struct log_sink: the injected logger. Cores never print.
 *  - rand_fn / now: randomness and time are passed in by the caller.
 *
 * No GLib, no sockets, no clocks here.
 */
#ifndef L2I_COMMON_H
#define L2I_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- bounded reader (network byte order) ---- */

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err;
};

void rd_init(struct rd *r, const void *buf, size_t len);
size_t rd_left(const struct rd *r);
bool rd_u8(struct rd *r, uint8_t *v);
bool rd_u16(struct rd *r, uint16_t *v);
bool rd_u32(struct rd *r, uint32_t *v);
bool rd_u64(struct rd *r, uint64_t *v);
/* Copy n bytes out. */
bool rd_bytes(struct rd *r, void *out, size_t n);
/* Borrow n bytes in place (valid while the input buffer lives). */
bool rd_ptr(struct rd *r, size_t n, const uint8_t **out);
bool rd_skip(struct rd *r, size_t n);
/* Split off the next n bytes as a reader of their own. */
bool rd_sub(struct rd *r, size_t n, struct rd *sub);

/* ---- bounded writer ---- */

struct wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

void wr_init(struct wr *w, void *buf, size_t cap);
bool wr_u8(struct wr *w, uint8_t v);
bool wr_u16(struct wr *w, uint16_t v);
bool wr_u32(struct wr *w, uint32_t v);
bool wr_u64(struct wr *w, uint64_t v);
bool wr_bytes(struct wr *w, const void *src, size_t n);
bool wr_zero(struct wr *w, size_t n);
/* Reserve n bytes and return where they are (NULL on overflow), e.g. for a
 * length field filled in later with put_u16(). */
uint8_t *wr_reserve(struct wr *w, size_t n);

static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- Internet checksum (RFC 1071) ---- */

/* Add len bytes to a running sum of big-endian 16-bit words. Pieces must have even lengths,
 * except the last. Start with 0, or with other pieces' sums (a pseudo header). */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
/* The checksum field's value: the sum folded to 16 bits and complemented. */
uint16_t inet_csum_fold(uint32_t sum);

/* ---- secrets ---- */

/* Wipe memory in a way the compiler may not elide. */
void secure_wipe(void *p, size_t n);
/* Constant-time comparison; 0 when equal. */
int secure_memcmp(const void *a, const void *b, size_t n);

struct secbuf {
	uint8_t *data;
	size_t len;
};

/* Zero-filled buffer of len bytes; NULL on allocation failure. */
struct secbuf *secbuf_new(size_t len);
struct secbuf *secbuf_new_from(const void *src, size_t len);
struct secbuf *secbuf_new_str(const char *s);
struct secbuf *secbuf_dup(const struct secbuf *b);
/* Wipes and frees; NULL is fine. */
void secbuf_free(struct secbuf *b);

/* ---- logging ---- */

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
};

typedef void (*log_fn)(void *ctx, enum log_level level, const char *msg);

struct log_sink {
	log_fn fn;
	void *ctx;
	enum log_level max_level;
};

/* Formats and passes one line to the sink; a NULL sink or fn drops it. */
void log_msg(const struct log_sink *sink, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(const struct log_sink *sink, enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Hex dump helper for debug lines: writes at most out_len-1 chars. */
void hex_format(char *out, size_t out_len, const void *data, size_t len);

/* ---- injected randomness ---- */

/* Fill buf with len random bytes. Production: the engine passes a CSPRNG;
 * tests pass a deterministic generator. */
typedef void (*rand_fn)(void *ctx, void *buf, size_t len);

struct rand_source {
	rand_fn fn;
	void *ctx;
};

static inline void rand_fill(const struct rand_source *r, void *buf, size_t len)
{
	r->fn(r->ctx, buf, len);
}

#endif
