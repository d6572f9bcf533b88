/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The injected log sink: cores format, the edge decides where lines go. */
#include <stdio.h>

#include "common.h"

void log_vmsg(const struct log_sink *sink, enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	if (!sink || !sink->fn || level > sink->max_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	sink->fn(sink->ctx, level, line);
}

void log_msg(const struct log_sink *sink, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(sink, level, fmt, ap);
	va_end(ap);
}

void hex_format(char *out, size_t out_len, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	size_t o = 0;

	if (!out_len)
		return;
	for (size_t i = 0; i < len && o + 2 < out_len; i++) {
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 15];
	}
	out[o] = '\0';
}
