/* SPDX-License-Identifier: MIT */
/*
 * CXP endpoint addresses: "HOST:PORT" with a numeric IPv4 host, "[V6]:PORT"
 * with a numeric IPv6 host, or "localhost:PORT" (127.0.0.1). No name
 * resolution: a daemon must never block on DNS inside its event loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cxp/cxp.h"

/* Parse a decimal port 0..65535 (digits only, no sign, no spaces). */
static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	*port = (uint16_t)v;
	return 0;
}

/*
 * Returns 0 with the socket address in ss and its length in sslen, or
 * -EINVAL for anything that is not one of the accepted forms.
 */
int cxp_addr_parse(const char *s, struct sockaddr_storage *ss, unsigned *sslen)
{
	char host[64];
	const char *colon, *end;
	size_t hlen;
	uint16_t port;
	int v6 = 0;

	if (!s || !ss || !sslen)
		return -EINVAL;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		hlen = (size_t)(end - s - 1);
		s++;
		colon = end + 1;
		v6 = 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hlen = (size_t)(colon - s);
		if (memchr(s, ':', hlen)) /* a bare IPv6 address needs brackets */
			return -EINVAL;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (parse_port(colon + 1, &port))
		return -EINVAL;

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*sslen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		if (!strcmp(host, "localhost"))
			a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -EINVAL;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*sslen = sizeof(*a4);
	}
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT"; "?" for an address family CXP does not use. */
void cxp_addr_format(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN];

	if (!cap)
		return;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		snprintf(buf, cap, "%s:%u", host, ntohs(a4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		snprintf(buf, cap, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		snprintf(buf, cap, "?");
	}
}
