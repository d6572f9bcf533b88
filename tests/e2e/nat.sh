#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# (f) connect through NAT (client -> nftables masquerade -> server): connect.sh with E2E_NAT=1.
E2E_NAT=1 exec bash "$(dirname "$0")/connect.sh" "$@"
