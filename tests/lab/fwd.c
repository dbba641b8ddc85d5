/* fwd.c: the lab's transparent forwarders.  Each listens on an address
 * (UDP port 53) and relays every query to its upstream resolver with the
 * client's own source address and port (a raw IPv4 socket, IP_HDRINCL),
 * so the upstream answers the client directly from the upstream's
 * address, as about a quarter of the open resolvers on the internet do
 * (Nawrocki et al., CoNEXT 2021).  Needs CAP_NET_RAW: the lab runs it in
 * its namespace.
 *
 *     fwd LISTEN UPSTREAM[:MODE] ...
 *
 * MODE: honest (the default) relays the query as it came; wrong-id flips
 * its transaction id, wrong-question changes the first letter of its
 * question name: the reply the client then gets from the upstream must not
 * be taken for an answer.  Prints "ready" on stdout once every address is
 * bound; exits 0 on SIGTERM or SIGINT, 1 on a bad argument or a socket it
 * cannot open (the message says which). */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#define MAXFWD 16

enum mode { M_HONEST, M_WRONG_ID, M_WRONG_QUESTION };

struct fwd {
	int fd;
	struct in_addr listen, upstream;
	enum mode mode;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The ones' complement sum of n bytes, folded later. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Send payload from src (the client) to dst:53 over the raw socket. */
static void relay(int raw, const struct sockaddr_in *src, struct in_addr dst,
	const uint8_t *payload, size_t n)
{
	uint8_t pkt[20 + 8 + 65535];
	if (n > 65535 - 28)
		return;
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + 20);
	memset(pkt, 0, 28);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(28 + n));
	ip->saddr = src->sin_addr.s_addr;
	ip->daddr = dst.s_addr;
	udp->source = src->sin_port;
	udp->dest = htons(53);
	udp->len = htons((uint16_t)(8 + n));
	memcpy(pkt + 28, payload, n);
	/* The UDP checksum over the pseudo-header, header and payload (the
	 * kernel fills the IP header's). */
	uint32_t s = 0;
	s = sum16((const uint8_t *)&ip->saddr, 8, s);
	s += IPPROTO_UDP + (uint32_t)(8 + n);
	s = sum16(pkt + 20, 8 + n, s);
	uint16_t c = fold(s);
	udp->check = htons(c ? c : 0xffff);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst };
	if (sendto(raw, pkt, 28 + n, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		fprintf(stderr, "fwd: sendto: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	struct fwd f[MAXFWD];
	int n = 0;
	if (argc < 3 || (argc - 1) % 2) {
		fprintf(stderr, "usage: fwd LISTEN UPSTREAM[:MODE] ...\n");
		return 1;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		char up[64];
		if (n == MAXFWD) {
			fprintf(stderr, "fwd: at most %d forwarders\n", MAXFWD);
			return 1;
		}
		snprintf(up, sizeof(up), "%s", argv[i + 1]);
		char *m = strchr(up, ':');
		f[n].mode = M_HONEST;
		if (m) {
			*m++ = '\0';
			if (!strcmp(m, "wrong-id"))
				f[n].mode = M_WRONG_ID;
			else if (!strcmp(m, "wrong-question"))
				f[n].mode = M_WRONG_QUESTION;
			else if (strcmp(m, "honest")) {
				fprintf(stderr, "fwd: %s: unknown mode\n", m);
				return 1;
			}
		}
		if (inet_pton(AF_INET, argv[i], &f[n].listen) != 1 ||
		    inet_pton(AF_INET, up, &f[n].upstream) != 1) {
			fprintf(stderr, "fwd: %s %s: not IPv4 addresses\n",
				argv[i], up);
			return 1;
		}
		int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
		struct sockaddr_in a = { .sin_family = AF_INET,
			.sin_port = htons(53), .sin_addr = f[n].listen };
		/* The chaos responder holds 0.0.0.0:53 with both options. */
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) < 0 || setsockopt(fd, SOL_SOCKET,
		    SO_REUSEPORT, &one, sizeof(one)) < 0 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			fprintf(stderr, "fwd: %s:53: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		f[n++].fd = fd;
	}
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (raw < 0) {
		fprintf(stderr, "fwd: raw socket: %s\n", strerror(errno));
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	struct pollfd p[MAXFWD];
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = f[i].fd, .events = POLLIN };
	static uint8_t buf[65536];
	while (!stop) {
		if (poll(p, (nfds_t)n, 500) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "fwd: poll: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t k = recvfrom(f[i].fd, buf, sizeof(buf), 0,
				(struct sockaddr *)&from, &fl);
			if (k < 12)
				continue;
			if (f[i].mode == M_WRONG_ID)
				buf[1] ^= 0x5a;
			else if (f[i].mode == M_WRONG_QUESTION && k > 13 &&
			    buf[12] > 0)
				buf[13] = buf[13] == 'x' || buf[13] == 'X' ?
					'q' : 'x';
			relay(raw, &from, f[i].upstream, buf, (size_t)k);
		}
	}
	return 0;
}
