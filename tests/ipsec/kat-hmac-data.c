/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMAC known answers: RFC 2202 section 2 (HMAC-MD5) and section 3 (HMAC-SHA-1),
 * RFC 4231 section 4 (HMAC-SHA-256/384/512), test cases 1, 2 and 6 of each.
 */
#include "kat-ike.h"

#define HI_THERE  "Hi There"
#define JEFE_DATA "what do ya want for nothing?"
#define BIG_KEY	  "Test Using Larger Than Block-Size Key - Hash Key First"

const struct kat_hmac kat_hmac_vectors[] = {
	{"RFC 2202 2 tc1", IKE_HASH_MD5, NULL, 0x0b, 16, HI_THERE,
	 "9294727a3638bb1c13f48ef8158bfc9d"},
	{"RFC 2202 2 tc2", IKE_HASH_MD5, "Jefe", 0, 4, JEFE_DATA,
	 "750c783e6ab0b503eaa86e310a5db738"},
	{"RFC 2202 2 tc6", IKE_HASH_MD5, NULL, 0xaa, 80, BIG_KEY,
	 "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
	{"RFC 2202 3 tc1", IKE_HASH_SHA1, NULL, 0x0b, 20, HI_THERE,
	 "b617318655057264e28bc0b6fb378c8ef146be00"},
	{"RFC 2202 3 tc2", IKE_HASH_SHA1, "Jefe", 0, 4, JEFE_DATA,
	 "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{"RFC 2202 3 tc6", IKE_HASH_SHA1, NULL, 0xaa, 80, BIG_KEY,
	 "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{"RFC 4231 4.2 sha256", IKE_HASH_SHA2_256, NULL, 0x0b, 20, HI_THERE,
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{"RFC 4231 4.2 sha384", IKE_HASH_SHA2_384, NULL, 0x0b, 20, HI_THERE,
	 "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	 "faea9ea9076ede7f4af152e8b2fa9cb6"},
	{"RFC 4231 4.2 sha512", IKE_HASH_SHA2_512, NULL, 0x0b, 20, HI_THERE,
	 "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	 "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
	{"RFC 4231 4.3 sha256", IKE_HASH_SHA2_256, "Jefe", 0, 4, JEFE_DATA,
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{"RFC 4231 4.3 sha384", IKE_HASH_SHA2_384, "Jefe", 0, 4, JEFE_DATA,
	 "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	 "8e2240ca5e69e2c78b3239ecfab21649"},
	{"RFC 4231 4.3 sha512", IKE_HASH_SHA2_512, "Jefe", 0, 4, JEFE_DATA,
	 "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	{"RFC 4231 4.7 sha256", IKE_HASH_SHA2_256, NULL, 0xaa, 131, BIG_KEY,
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{"RFC 4231 4.7 sha384", IKE_HASH_SHA2_384, NULL, 0xaa, 131, BIG_KEY,
	 "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	 "0c2ef6ab4030fe8296248df163f44952"},
	{"RFC 4231 4.7 sha512", IKE_HASH_SHA2_512, NULL, 0xaa, 131, BIG_KEY,
	 "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	 "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
};
const size_t kat_hmac_count = ARRAY_SIZE(kat_hmac_vectors);
