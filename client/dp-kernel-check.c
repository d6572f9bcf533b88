/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether the kernel data path can run here, and if not, one clause saying why: pppd and its
 * pppol2tp.so, our pppd plugin, /dev/ppp, PPPoL2TP sockets, the l2tp genl family, and a
 * throwaway XFRM ESP SA (the only sure test: modules load on demand).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glob.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h> /* before the uapi header, which then skips its own copies */
#include <linux/if_pppox.h>

#include "datapath.h"
#include "kernel-l2tp.h"
#include "kernel-pppd.h"
#include "kernel-xfrm.h"

/* Next to our executable in a build tree, else where meson installs it. */
static char *find_plugin(void)
{
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

	if (exe) {
		g_autofree char *dir = g_path_get_dirname(exe);
		char *path = g_build_filename(dir, "pppd-plugin", "l2i-pppd-plugin.so", NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			return path;
		g_free(path);
	}
	if (g_file_test(L2I_PPPD_PLUGIN_PATH, G_FILE_TEST_IS_REGULAR))
		return g_strdup(L2I_PPPD_PLUGIN_PATH);
	return NULL;
}

static bool have_pppol2tp_plugin(void)
{
	glob_t g;
	bool found = glob("/usr/lib/pppd/*/pppol2tp.so", 0, NULL, &g) == 0 ||
		     glob("/usr/lib/*/pppd/*/pppol2tp.so", 0, NULL, &g) == 0;

	globfree(&g);
	return found;
}

static char *esp_reason(int err)
{
	switch (-err) {
	case EPROTONOSUPPORT:
		return g_strdup("the kernel has no ESP (module esp4)");
	case ENOENT:
	case ENOSYS:
		return g_strdup("the kernel lacks AES-CBC or HMAC-SHA1 for ESP");
	case EPERM:
		return g_strdup("changing XFRM state needs CAP_NET_ADMIN (run as root)");
	default:
		return g_strdup_printf("the kernel refused a test ESP SA (%s)", g_strerror(-err));
	}
}

bool vpn_dp_kernel_check(int *xfrm_fd, char **plugin, char **reason)
{
	int fd, err;

	*xfrm_fd = -1;
	*plugin = NULL;
	if (access(KERNEL_PPPD_PATH, X_OK) < 0) {
		*reason = g_strdup(KERNEL_PPPD_PATH " is missing (Debian: apt install ppp)");
		return false;
	}
	if (!have_pppol2tp_plugin()) {
		*reason = g_strdup("pppd's pppol2tp.so plugin is missing");
		return false;
	}
	*plugin = find_plugin();
	if (!*plugin) {
		*reason = g_strdup("our pppd plugin " L2I_PPPD_PLUGIN_PATH
				   " is missing (build with ppp-dev installed)");
		return false;
	}
	fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*reason = g_strdup_printf("/dev/ppp: %s (module ppp_generic)", g_strerror(errno));
		goto fail;
	}
	close(fd);
	fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (fd < 0) {
		*reason = g_strdup_printf("PPP over L2TP sockets: %s (module l2tp_ppp)",
					  g_strerror(errno));
		goto fail;
	}
	close(fd);
	{
		struct kernel_l2tp kl = {.fd = -1};

		err = kernel_l2tp_open(&kl);
		kernel_l2tp_close(&kl);
		if (err) {
			*reason = g_strdup_printf("kernel L2TP netlink: %s (module l2tp_netlink)",
						  g_strerror(-err));
			goto fail;
		}
	}
	*xfrm_fd = kernel_xfrm_open();
	if (*xfrm_fd < 0) {
		*reason = g_strdup_printf("XFRM netlink: %s", g_strerror(-*xfrm_fd));
		goto fail;
	}
	err = kernel_xfrm_probe_esp(*xfrm_fd);
	if (err) {
		*reason = esp_reason(err);
		goto fail;
	}
	return true;
fail:
	if (*xfrm_fd >= 0)
		close(*xfrm_fd);
	*xfrm_fd = -1;
	g_free(*plugin);
	*plugin = NULL;
	return false;
}

bool vpn_dp_kernel_usable(char **reason)
{
	int fd;
	char *plugin;

	if (!vpn_dp_kernel_check(&fd, &plugin, reason))
		return false;
	close(fd);
	g_free(plugin);
	return true;
}

