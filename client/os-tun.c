/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TUN device of the userspace data path: IP packets without a packet
 * information header (IFF_NO_PI), optionally with a virtio_net_hdr and the
 * offloads it carries (tun-offload.h). Closing the fd removes the device and,
 * with it, its addresses and routes, which is also what happens if we crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "os.h"

/* Checksum and TCP segmentation offload: the kernel may then pass TCP super-segments.
 * Without TUN_F_TSO_ECN it segments ECN-marked (CWR) bursts itself. */
static void enable_offloads(int fd)
{
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0)
		(void)ioctl(fd, TUNSETOFFLOAD, 0);
}

int os_tun_open(const char *name, char *ifname, int *ifindex, bool *offload, GError **error)
{
	struct ifreq ifr = {0};
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0) {
		g_set_error(error, OS_ERROR, errno,
			    "cannot open /dev/net/tun: %s (load the tun module, run as root)",
			    g_strerror(errno));
		return -1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload && *offload ? IFF_VNET_HDR : 0);
	g_strlcpy(ifr.ifr_name, name, IFNAMSIZ);
	r = ioctl(fd, TUNSETIFF, &ifr);
	if (r < 0 && errno == EINVAL && (ifr.ifr_flags & IFF_VNET_HDR)) {
		ifr.ifr_flags &= (short)~IFF_VNET_HDR; /* a kernel without it */
		r = ioctl(fd, TUNSETIFF, &ifr);
	}
	if (r < 0) {
		int err = errno;

		g_set_error(error, OS_ERROR, err, "cannot create TUN device `%s': %s%s", name,
			    g_strerror(err),
			    err == EBUSY ? " (the name is in use; pick another with --ifname)"
					 : "");
		close(fd);
		return -1;
	}
	if (offload)
		*offload = ifr.ifr_flags & IFF_VNET_HDR;
	if (offload && *offload)
		enable_offloads(fd);
	g_strlcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		g_set_error(error, OS_ERROR, EIO, "TUN device `%s' vanished", ifname);
		close(fd);
		return -1;
	}
	return fd;
}
