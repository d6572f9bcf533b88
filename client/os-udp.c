/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP sockets towards the server. IKE prefers source port 500 and NAT-T 4500
 * (some servers expect them); when another IKE daemon holds them we fall back
 * to an ephemeral port, which a server treats like a NAT in between.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os.h"

int os_udp_open(uint32_t server_ip, uint16_t server_port, uint16_t want_port, uint32_t *local_ip,
		uint16_t *local_port, GError **error)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t slen = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	const char *what;

	if (fd < 0) {
		what = "socket";
		goto fail;
	}
	sin.sin_port = htons(want_port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno != EADDRINUSE && errno != EACCES) {
			what = "bind";
			goto fail;
		}
		sin.sin_port = 0;
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			what = "bind";
			goto fail;
		}
	}
	sin.sin_addr.s_addr = server_ip;
	sin.sin_port = htons(server_port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		what = "connect";
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)&sin, &slen) < 0) {
		what = "getsockname";
		goto fail;
	}
	if (local_ip)
		*local_ip = sin.sin_addr.s_addr;
	if (local_port)
		*local_port = ntohs(sin.sin_port);
	return fd;
fail : {
	int err = errno;
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &server_ip, addr, sizeof(addr));
	g_set_error(error, OS_ERROR, err,
		    "UDP socket to %s port %u: %s: %s (is there a route to the server?)", addr,
		    server_port, what, g_strerror(err));
	if (fd >= 0)
		close(fd);
	return -1;
}
}

bool os_resolve_ipv4(const char *host, uint32_t *addr, GError **error)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
	struct addrinfo *res = NULL;
	struct in_addr a;
	int r;

	if (inet_pton(AF_INET, host, &a) == 1) {
		*addr = a.s_addr;
		return true;
	}
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r || !res) {
		g_set_error(error, OS_ERROR, ENOENT, "gateway `%s': cannot resolve the name: %s",
			    host, gai_strerror(r));
		return false;
	}
	*addr = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return true;
}
