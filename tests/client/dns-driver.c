/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drives os_dns_apply()/os_dns_restore() for tests/client/resolved.sh, which
 * checks the result with resolvectl between the steps:
 *
 *   dns-driver IFNAME default|split RESOLV STATE_DIR SERVER...
 *
 * prints "method <m>" (and "note <text>" when resolved was passed over) after
 * applying, waits for a line on stdin, restores, prints "restored", waits for
 * another line and exits. Exit 1 with "error <message>" when applying fails.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "os.h"

static void wait_line(void)
{
	char line[64];

	if (!fgets(line, sizeof(line), stdin))
		return;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	uint32_t servers[4];
	unsigned n = 0;
	struct os_dns *d;
	int ifindex;

	if (argc < 6 || argc > 9) {
		fprintf(stderr, "usage: %s IFNAME default|split RESOLV STATE_DIR SERVER...\n",
			argv[0]);
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "no interface %s\n", argv[1]);
		return 2;
	}
	for (int i = 5; i < argc; i++)
		if (inet_pton(AF_INET, argv[i], &servers[n++]) != 1) {
			fprintf(stderr, "not an IPv4 address: %s\n", argv[i]);
			return 2;
		}
	d = os_dns_apply("resolved-test", ifindex, servers, n, !strcmp(argv[2], "default"), argv[3],
			 argv[4], &error);
	if (!d) {
		printf("error %s\n", error->message);
		return 1;
	}
	printf("method %s\n", os_dns_method(d));
	if (os_dns_note(d))
		printf("note %s\n", os_dns_note(d));
	fflush(stdout);
	wait_line();
	os_dns_restore(d);
	printf("restored\n");
	fflush(stdout);
	wait_line();
	return 0;
}
