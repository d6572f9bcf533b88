/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `probe`: the table of phase 1 transforms with the server's answer and our
 * grade, then the phase 1 and phase 2 the best of them negotiated. --json
 * prints one object:
 *   {"gateway":…, "transforms":[{"suite":…,"result":"accepted"|"rejected"|
 *    "no-answer","grade":"strong"|"acceptable"|"weak"}…],
 *    "phase1":{"suite":…,"lifetime":…,"nat_t":…},
 *    "phase2":{"suite":…,"lifetime":…,"spi_in":"0x…","spi_out":"0x…",
 *    "encapsulation":…}, "result":"ok"|"failed", "error":…}
 * Exit status 0 only when phase 1 and phase 2 succeeded.
 */
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "vpn-engine.h"

struct probe_ctx {
	GMainLoop *loop;
	const struct cli_args *args;
	int rc;
};

static void on_item(void *data, const struct vpn_probe_item *it, unsigned index, unsigned total)
{
	struct probe_ctx *c = data;
	char name[64];

	if (c->args->verbose)
		fprintf(stderr, "l2tp-ipsec: probe %u/%u %s: %s\n", index + 1, total,
			vpn_proposal_name(&it->proposal, name, sizeof(name)),
			vpn_probe_answer_name(it->answer));
}

static void on_log(void *data, enum log_level level, const char *line)
{
	struct probe_ctx *c = data;

	if (level <= LOG_LVL_WARN || c->args->verbose)
		fprintf(stderr, "l2tp-ipsec: %s\n", line);
}

static void print_table(const struct vpn_probe_report *r)
{
	unsigned acc = 0;

	printf("Phase 1 transforms offered to %s:\n", r->gateway);
	printf("  %-28s %-10s %s\n", "SUITE", "RESULT", "GRADE");
	for (unsigned i = 0; i < r->n_items; i++) {
		char name[64];

		acc += r->items[i].answer == VPN_PROBE_ACCEPTED;
		printf("  %-28s %-10s %s\n",
		       vpn_proposal_name(&r->items[i].proposal, name, sizeof(name)),
		       vpn_probe_answer_name(r->items[i].answer),
		       vpn_probe_grade_name(r->items[i].grade));
	}
	printf("%u of %u accepted\n", acc, r->n_items);
	if (r->phase1_suite[0])
		printf("phase 1: %s, lifetime %u s%s\n", r->phase1_suite, r->phase1_lifetime_s,
		       r->nat_t ? ", NAT-T" : "");
	if (r->phase2_suite[0])
		printf("phase 2: %s, lifetime %u s, SPIs in 0x%08x out 0x%08x, %s\n",
		       r->phase2_suite, r->phase2_lifetime_s, r->spi_in, r->spi_out,
		       r->encapsulation);
	printf("result: %s\n", r->ok ? "ok" : "failed");
}

static void on_finished(void *data, const struct vpn_probe_report *r)
{
	struct probe_ctx *c = data;

	if (c->args->json) {
		g_autofree char *json = vpn_probe_to_json(r);

		printf("%s\n", json);
	} else {
		print_table(r);
	}
	if (r->error)
		fprintf(stderr, "l2tp-ipsec: probe failed: %s\n", r->error);
	c->rc = r->ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	g_main_loop_quit(c->loop);
}

int cli_probe(const struct cli_args *a)
{
	g_autoptr(GError) error = NULL;
	static const struct vpn_probe_callbacks cb = {
		.item = on_item,
		.log = on_log,
		.finished = on_finished,
	};
	struct probe_ctx c = {.args = a, .rc = CLI_EXIT_FAILED};
	struct vpn_profile *p = cli_load_profile(a, false);
	struct vpn_probe *probe;

	if (!p)
		return CLI_EXIT_FAILED;
	c.loop = g_main_loop_new(NULL, FALSE);
	probe = vpn_probe_new(p, a->legacy, &cb, &c);
	if (vpn_probe_start(probe, &error))
		g_main_loop_run(c.loop);
	else
		fprintf(stderr, "l2tp-ipsec: %s\n", error->message);
	vpn_probe_free(probe);
	vpn_profile_free(p);
	g_main_loop_unref(c.loop);
	return c.rc;
}
