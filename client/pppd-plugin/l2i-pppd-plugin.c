// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2i-pppd-plugin: pppd plugin for the kernel data path of l2tp-ipsec.
 *
 *  - Gives pppd the password through pap/chap_passwd_hook, read from an inherited fd
 *    (option `l2i-secret-fd N`), so the secret is never on pppd's command line.
 *  - Reports to the engine over another inherited fd (option `l2i-report-fd N`), one event per
 *    line, space-separated key=value pairs:
 *      event=phase phase=<pppd phase number>
 *      event=auth method=pap|chap|mschap|mschapv2|eap|none   (what the server asked of us)
 *      event=ip-up ifname=ppp0 local=A.B.C.D peer=A.B.C.D dns1=A.B.C.D dns2=A.B.C.D
 *      event=ip-down
 *      event=exit status=<pppd exit status>
 *  - Keeps pppd's ip-up scripts from rewriting /etc/resolv.conf (Debian's 0000usepeerdns acts
 *    on USEPEERDNS): the engine applies DNS itself and restores it.
 *
 * Built against pppd 2.4.9 (Debian 12); the 2.5 API differences sit behind PPPD_VERSION.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/ipcp.h>
#include <pppd/lcp.h>
#include <pppd/chap-new.h>

#ifdef PPPD_VERSION
/* pppd >= 2.5 */
#define L2I_PPPD_25 1
char pppd_version[] = PPPD_VERSION;
#else
#define L2I_PPPD_25 0
char pppd_version[] = VERSION;
#endif

static int secret_fd = -1;
static int report_fd = -1;
static char secret[MAXSECRETLEN];
static int secret_loaded;

static option_t options[] = {
	{"l2i-secret-fd", o_int, &secret_fd, "fd to read the PPP password from (l2tp-ipsec)",
	 OPT_PRIO},
	{"l2i-report-fd", o_int, &report_fd, "fd to report PPP events to (l2tp-ipsec)", OPT_PRIO},
	{NULL},
};

/* Reads the password once (the engine wrote it to a pipe and closed its end). */
static int load_secret(void)
{
	size_t len = 0;

	if (secret_loaded)
		return 1;
	if (secret_fd < 0)
		return 0;
	while (len < sizeof(secret) - 1) {
		ssize_t n = read(secret_fd, secret + len, sizeof(secret) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(secret_fd);
	secret_fd = -1;
	while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r'))
		len--;
	secret[len] = '\0';
	secret_loaded = 1;
	return 1;
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (report_fd < 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: lines up to PIPE_BUF arrive whole. */
	while (write(report_fd, line, (size_t)n) < 0 && errno == EINTR)
		;
}

static int check_hook(void)
{
	return 1; /* we can supply a secret, whatever the peer's name */
}

/* (named apart from pppd's globals `user' and `passwd', which they would shadow) */
static int passwd_hook(char *user_out, char *passwd_out)
{
	(void)user_out;
	if (!load_secret())
		return -1;
	/* auth_reset() asks "is there a PAP password?" with passwd NULL */
	if (!passwd_out)
		return 1;
	/* pppd passes buffers of MAXSECRETLEN; user stays what the `user` option set. */
	snprintf(passwd_out, MAXSECRETLEN, "%s", secret);
	return 1;
}

static const char *ip(u_int32_t a, char *buf)
{
	struct in_addr in = {.s_addr = a};

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) ? buf : "0.0.0.0";
}

static void on_ip_up(void *arg, int unused)
{
	const ipcp_options *go = &ipcp_gotoptions[0];
	const ipcp_options *ho = &ipcp_hisoptions[0];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	/* ip-up runs after this notifier: without the variable its DNS hook leaves resolv.conf */
#if L2I_PPPD_25
	ppp_script_unsetenv("USEPEERDNS");
#else
	script_unsetenv("USEPEERDNS");
#endif

	report("event=ip-up ifname=%s local=%s peer=%s dns1=%s dns2=%s", ifname, ip(go->ouraddr, a),
	       ip(ho->hisaddr, b), ip(go->dnsaddr[0], c), ip(go->dnsaddr[1], d));
}

static void on_ip_down(void *arg, int unused)
{
	report("event=ip-down");
}

/* The method the server asked us to authenticate with, as LCP agreed it. */
static const char *auth_method(void)
{
	const lcp_options *ho = &lcp_hisoptions[0];

	if (ho->neg_eap)
		return "eap";
	if (ho->neg_chap)
		return ho->chap_mdtype & MDTYPE_MICROSOFT_V2 ? "mschapv2"
		       : ho->chap_mdtype & MDTYPE_MICROSOFT  ? "mschap"
							     : "chap";
	return ho->neg_upap ? "pap" : "none";
}

static void on_phase(void *arg, int phase_now)
{
	report("event=phase phase=%d", phase_now);
	if (phase_now == PHASE_AUTHENTICATE)
		report("event=auth method=%s", auth_method());
}

static void on_exit_notify(void *arg, int unused)
{
#if L2I_PPPD_25
	report("event=exit status=%d", ppp_status());
#else
	report("event=exit status=%d", status);
#endif
	memset(secret, 0, sizeof(secret));
	__asm__ __volatile__("" : : "r"(secret) : "memory");
}

void plugin_init(void);
void plugin_init(void)
{
	add_options(options);
	pap_check_hook = check_hook;
	pap_passwd_hook = passwd_hook;
	chap_check_hook = check_hook;
	chap_passwd_hook = passwd_hook;
#if L2I_PPPD_25
	ppp_add_notify(NF_IP_UP, on_ip_up, NULL);
	ppp_add_notify(NF_IP_DOWN, on_ip_down, NULL);
	ppp_add_notify(NF_PHASE_CHANGE, on_phase, NULL);
	ppp_add_notify(NF_EXIT, on_exit_notify, NULL);
#else
	add_notifier(&ip_up_notifier, on_ip_up, NULL);
	add_notifier(&ip_down_notifier, on_ip_down, NULL);
	add_notifier(&phasechange, on_phase, NULL);
	add_notifier(&exitnotify, on_exit_notify, NULL);
#endif
}
