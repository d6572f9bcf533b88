/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "os.h"

guint os_watch_add(int fd, GIOCondition cond, GUnixFDSourceFunc fn, gpointer data)
{
	GSource *s = g_unix_fd_source_new(fd, cond);
	guint id;

	/* GLib takes a source that cannot recurse out of the poll set while it dispatches and
	 * puts it back after: two eventfd writes, a read and one more poll() per event. Our
	 * callbacks never run the main loop themselves, so recursion cannot happen. */
	g_source_set_can_recurse(s, TRUE);
	g_source_set_callback(s, (GSourceFunc)(void (*)(void))fn, data, NULL);
	id = g_source_attach(s, NULL);
	g_source_unref(s);
	return id;
}
