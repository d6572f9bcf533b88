/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MD4 (RFC 1320) and single DES (FIPS 46-3), for MS-CHAPv2 only: both are
 * broken and must not be used for anything else. We carry them rather than
 * load OpenSSL 3's legacy provider: that costs about 400 KB of RSS per
 * process (legacy.so plus a second library context with its own provider
 * caches), and some systems do not install it at all.
 */
#ifndef L2I_PPP_MD4_DES_H
#define L2I_PPP_MD4_DES_H

#include <stddef.h>
#include <stdint.h>

void md4(const void *data, size_t len, uint8_t out[16]);
/* One block in ECB mode; key: 8 bytes, the low bit of each (parity) is ignored. */
void des_encrypt_block(const uint8_t key[8], const uint8_t in[8], uint8_t out[8]);

#endif
