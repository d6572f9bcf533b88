/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON output of status and probe: one object per line (the control socket
 * and `--json` use the same text). A writer just big enough for that.
 */
#ifndef L2I_CLIENT_JSON_H
#define L2I_CLIENT_JSON_H

#include <glib.h>

#include "vpn-engine.h"

/* Appends v as a JSON string (quoted, escaped); NULL becomes null. */
void json_append_string(GString *s, const char *v);

/* {"name":…,"state":…,…}; ip may be NULL (not up yet). */
char *vpn_status_to_json(const char *name, enum vpn_state state, const struct vpn_stats *st,
			 const struct vpn_ip_config *ip);
/* The same for people: several lines (status-text.c). */
char *vpn_status_to_text(const char *name, enum vpn_state state, const struct vpn_stats *st,
			 const struct vpn_ip_config *ip);
/* The probe report as the documented object (see cli-probe.c). */
char *vpn_probe_to_json(const struct vpn_probe_report *r);

#endif
