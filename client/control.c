/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "os.h"

#define CONTROL_TIMEOUT_S 3

struct vpn_control {
	int fd;
	guint watch;
	char *path;
	struct vpn_control_ops ops;
	void *ctx;
};

char *vpn_control_path(const char *run_dir, const char *name)
{
	g_autofree char *file = g_strconcat(name, ".sock", NULL);

	return g_build_filename(run_dir, file, NULL);
}

static bool make_addr(const char *path, struct sockaddr_un *sun, GError **error)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		g_set_error(error, OS_ERROR, ENAMETOOLONG, "control socket path too long: %s",
			    path);
		return false;
	}
	strcpy(sun->sun_path, path);
	return true;
}

static int connect_to(const char *path, GError **error)
{
	struct sockaddr_un sun;
	struct timeval tv = {.tv_sec = CONTROL_TIMEOUT_S};
	int fd;

	if (!make_addr(path, &sun, error))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		/* no g_strerror() for a caller that only asks whether it connects: its first
		 * use per errno converts the text from the locale's charset */
		if (error)
			g_set_error(error, OS_ERROR, errno, "%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

char *vpn_control_query(const char *path, const char *request, GError **error)
{
	g_autoptr(GString) reply = g_string_new(NULL);
	g_autofree char *line = g_strconcat(request, "\n", NULL);
	int fd = connect_to(path, error);
	char buf[1024];
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (write(fd, line, strlen(line)) < 0) {
		g_set_error(error, OS_ERROR, errno, "%s: %s", path, g_strerror(errno));
		close(fd);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(reply, buf, n);
	close(fd);
	if (!reply->len || reply->str[reply->len - 1] != '\n') {
		g_set_error(error, OS_ERROR, ETIMEDOUT, "%s: no answer", path);
		return NULL;
	}
	g_string_truncate(reply, reply->len - 1);
	return g_strdup(reply->str);
}

static void serve(struct vpn_control *c, int fd)
{
	struct timeval tv = {.tv_sec = 1};
	char req[64] = {0};
	g_autofree char *reply = NULL;
	ssize_t n;

	/* a local root-only socket: a short blocking read is simpler than a state machine */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = read(fd, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	g_strchomp(req);
	if (!strcmp(req, "status")) {
		reply = c->ops.status(c->ctx);
	} else if (!strcmp(req, "status-text")) {
		reply = c->ops.status_text(c->ctx);
		g_strchomp(reply);
	} else if (!strcmp(req, "disconnect")) {
		reply = g_strdup("{\"result\":\"disconnecting\"}");
	} else {
		reply = g_strdup("{\"error\":\"unknown request (use status, status-text or "
				 "disconnect)\"}");
	}
	if (write(fd, reply, strlen(reply)) < 0 || write(fd, "\n", 1) < 0)
		return;
	if (!strcmp(req, "disconnect"))
		c->ops.disconnect(c->ctx);
}

static gboolean incoming(gint lfd, GIOCondition cond, gpointer data)
{
	struct vpn_control *c = data;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0) {
		serve(c, fd);
		close(fd);
	}
	return G_SOURCE_CONTINUE;
}

struct vpn_control *vpn_control_new(const char *run_dir, const char *name,
				    const struct vpn_control_ops *ops, void *ctx, GError **error)
{
	g_autofree char *path = vpn_control_path(run_dir, name);
	struct vpn_control *c;
	struct sockaddr_un sun;
	mode_t old;
	int fd, r;

	if (g_mkdir_with_parents(run_dir, 0700) < 0) {
		g_set_error(error, OS_ERROR, errno, "cannot create %s: %s", run_dir,
			    g_strerror(errno));
		return NULL;
	}
	if (!make_addr(path, &sun, error))
		return NULL;
	fd = connect_to(path, NULL);
	if (fd >= 0) {
		close(fd);
		g_set_error(error, OS_ERROR, EEXIST,
			    "a connection named `%s' is already running (see `l2tp-ipsec status')",
			    name);
		return NULL;
	}
	unlink(path); /* stale: its process is gone */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);
	r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || listen(fd, 4) < 0) {
		g_set_error(error, OS_ERROR, errno, "%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	c = g_new0(struct vpn_control, 1);
	c->fd = fd;
	c->path = g_steal_pointer(&path);
	c->ops = *ops;
	c->ctx = ctx;
	c->watch = os_watch_add(fd, G_IO_IN, incoming, c);
	return c;
}

void vpn_control_free(struct vpn_control *c)
{
	if (!c)
		return;
	g_source_remove(c->watch);
	close(c->fd);
	unlink(c->path);
	g_free(c->path);
	g_free(c);
}
