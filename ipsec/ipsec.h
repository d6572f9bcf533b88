/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipsec: the IKEv1 initiator and ESP. Public header (owned by the IKE work). */
#ifndef L2I_IPSEC_H
#define L2I_IPSEC_H

#include "common.h"

/* ESP (RFC 4303 / 3948), its own section of this library's API. */
#include "esp.h"

#endif
