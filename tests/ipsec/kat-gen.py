#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent generator for the IKEv1 known-answer data in kat-ike-data.c.

Computes the RFC 2409 derivation chain (SKEYID, SKEYID_d/_a/_e, the
appendix B key expansion, phase 1 and phase 2 IVs, KEYMAT with and without
PFS) and the RFC 3947 NAT-D hash with Python's hmac/hashlib only, plus
fixed-private-key MODP values with pow(). It shares no code with ipsec/.

    python3 tests/ipsec/kat-gen.py > tests/ipsec/kat-ike-data.c
"""
import hashlib
import hmac
import struct

HASHES = {1: ('IKE_HASH_MD5', hashlib.md5), 2: ('IKE_HASH_SHA1', hashlib.sha1),
          4: ('IKE_HASH_SHA2_256', hashlib.sha256), 5: ('IKE_HASH_SHA2_384', hashlib.sha384),
          6: ('IKE_HASH_SHA2_512', hashlib.sha512)}
ENCRS = {5: ('IKE_ENCR_3DES_CBC', 8), 7: ('IKE_ENCR_AES_CBC', 16)}

# RFC 2409 section 6.2 (group 2) and RFC 3526 section 3 (group 14).
MODP = {
    2: int('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1'
           '29024E088A67CC74020BBEA63B139B22514A08798E3404DD'
           'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245'
           'E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED'
           'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381'
           'FFFFFFFFFFFFFFFF', 16),
    14: int('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1'
            '29024E088A67CC74020BBEA63B139B22514A08798E3404DD'
            'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245'
            'E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED'
            'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D'
            'C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F'
            '83655D23DCA3AD961C62F356208552BB9ED529077096966D'
            '670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B'
            'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9'
            'DE2BCBF6955817183995497CEA956AE515D2261898FA0510'
            '15728E5A8AACAA68FFFFFFFFFFFFFFFF', 16),
}
# Private value length drawn by ike_dh_new() for the group, in bytes.
PRIV_LEN = {2: 32, 14: 40}


def det(label, n):
    """Deterministic filler bytes, so the data can be regenerated exactly."""
    out = b''
    i = 0
    while len(out) < n:
        out += hashlib.sha256(label.encode() + bytes([i])).digest()
        i += 1
    return out[:n]


def prf(h, key, *data):
    return hmac.new(key, b''.join(data), h).digest()


def cstr(b):
    s = b.hex()
    parts = [s[i:i + 64] for i in range(0, len(s), 64)] or ['']
    return '\n\t\t\t'.join('"%s"' % p for p in parts)


def p1_vector(hash_id, encr_id, key_len, name):
    hname, h = HASHES[hash_id]
    ename, block = ENCRS[encr_id]
    hl = h().digest_size
    psk = b'l2tp-ipsec test secret'
    ni = det(name + 'ni', 16)
    nr = det(name + 'nr', 24)
    gxy = det(name + 'gxy', 128)
    gxi = det(name + 'gxi', 128)
    gxr = det(name + 'gxr', 128)
    cky_i = det(name + 'cky_i', 8)
    cky_r = det(name + 'cky_r', 8)
    # SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
    skeyid = prf(h, psk, ni, nr)
    d = prf(h, skeyid, gxy, cky_i, cky_r, b'\x00')
    a = prf(h, skeyid, d, gxy, cky_i, cky_r, b'\x01')
    e = prf(h, skeyid, a, gxy, cky_i, cky_r, b'\x02')
    # Appendix B: K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1)
    if key_len <= len(e):
        enc = e[:key_len]
    else:
        k = prf(h, e, b'\x00')
        ka = k
        while len(ka) < key_len:
            k = prf(h, e, k)
            ka += k
        enc = ka[:key_len]
    p1_iv = h(gxi + gxr).digest()[:block]
    last_block = det(name + 'last', block)
    msg_id = 0x9abcdef0
    p2_iv = h(last_block + struct.pack('>I', msg_id)).digest()[:block]
    spi = bytes.fromhex('c0ffee01')
    proto = 3  # PROTO_IPSEC_ESP
    n2 = det(name + 'ni2', 16)
    r2 = det(name + 'nr2', 16)
    qm_gxy = det(name + 'qmgxy', 128)
    keymat_len = 2 * hl + 4  # more than one block, not a multiple

    def keymat(pfs):
        out, k = b'', b''
        while len(out) < keymat_len:
            k = prf(h, d, k, pfs, bytes([proto]), spi, n2, r2)
            out += k
        return out[:keymat_len]
    addr = bytes([192, 0, 2, 33])
    port = 4500
    natd = h(cky_i + cky_r + addr + struct.pack('>H', port)).digest()
    fields = [
        ('name', '"' + name + '"'), ('hash', hname), ('encr', ename), ('key_len', str(key_len)),
        ('psk', '"' + psk.decode() + '"'), ('ni', cstr(ni)), ('nr', cstr(nr)),
        ('g_xy', cstr(gxy)), ('cky_i', cstr(cky_i)), ('cky_r', cstr(cky_r)),
        ('skeyid', cstr(skeyid)), ('skeyid_d', cstr(d)), ('skeyid_a', cstr(a)),
        ('skeyid_e', cstr(e)), ('enc_key', cstr(enc)),
        ('gxi', cstr(gxi)), ('gxr', cstr(gxr)), ('p1_iv', cstr(p1_iv)),
        ('last_block', cstr(last_block)), ('msg_id', hex(msg_id)), ('p2_iv', cstr(p2_iv)),
        ('protocol', str(proto)), ('spi', cstr(spi)), ('ni2', cstr(n2)), ('nr2', cstr(r2)),
        ('keymat', cstr(keymat(b''))), ('qm_g_xy', cstr(qm_gxy)),
        ('keymat_pfs', cstr(keymat(qm_gxy))), ('natd_addr', cstr(addr)),
        ('natd_port', str(port)), ('natd', cstr(natd)),
    ]
    print('\t{')
    for k, v in fields:
        print('\t\t.%s = %s,' % (k, v))
    print('\t},')


def modp_vector(group):
    p = MODP[group]
    plen = (p.bit_length() + 7) // 8
    x = int.from_bytes(det('modp%d x' % group, PRIV_LEN[group]), 'big')
    y_priv = int.from_bytes(det('modp%d y' % group, PRIV_LEN[group]), 'big')
    gx = pow(2, x, p)
    gy = pow(2, y_priv, p)
    gxy = pow(gy, x, p)
    print('\t{')
    print('\t\t.group = %d,' % group)
    print('\t\t.priv = %s,' % cstr(x.to_bytes(PRIV_LEN[group], 'big')))
    print('\t\t.pub = %s,' % cstr(gx.to_bytes(plen, 'big')))
    print('\t\t.peer = %s,' % cstr(gy.to_bytes(plen, 'big')))
    print('\t\t.shared = %s,' % cstr(gxy.to_bytes(plen, 'big')))
    print('\t},')


print('/* SPDX-License-Identifier: GPL-2.0-or-later */')
print('/* Generated by tests/ipsec/kat-gen.py (Python hmac/hashlib/pow); do not edit. */')
print('#include "kat-ike.h"')
print()
print('const struct kat_p1 kat_p1_vectors[] = {')
p1_vector(2, 5, 24, 'sha1-3des')      # 24 > 20: appendix B expansion
p1_vector(1, 7, 16, 'md5-aes128')     # 16 == 16: plain cut
p1_vector(2, 7, 32, 'sha1-aes256')    # 32 > 20: expansion, two blocks
p1_vector(4, 7, 32, 'sha256-aes256')  # no expansion
p1_vector(5, 7, 16, 'sha384-aes128')
p1_vector(6, 7, 32, 'sha512-aes256')
print('};')
print('const size_t kat_p1_count = sizeof(kat_p1_vectors) / sizeof(kat_p1_vectors[0]);')
print()
print('const struct kat_modp kat_modp_vectors[] = {')
modp_vector(2)
modp_vector(14)
print('};')
print('const size_t kat_modp_count = sizeof(kat_modp_vectors) / sizeof(kat_modp_vectors[0]);')
