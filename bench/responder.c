/* responder.c: a tiny fast DNS responder for the benchmark.  Answers every
 * query on UDP port 53 (-p) of any local address with one A record
 * (192.0.2.1), from the address it was asked on (IP_PKTINFO), so one process
 * serves a whole loopback population.  recvmmsg/sendmmsg in batches; -t N
 * threads share the port with SO_REUSEPORT.
 *
 * -m M answers only the addresses whose number (host order) is a multiple
 * of M and drops the rest without a word (no reply, no ICMP): silent space
 * with resolvers hidden in it, one in M.  The queries received are counted
 * by class (asked of an answering address, of a silent one); SIGUSR1
 * prints "answering N silent N" on stdout, SIGTERM and SIGINT end it.
 *
 * The reply is the query edited in place (QR, RA, counts, one answer with a
 * compression pointer to the question) rather than built with ldns: the
 * responder must never be what limits the client being measured.  Not
 * product code; runs only inside the benchmark's private namespace. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define BUFSZ 1024

static int port = 53;
static uint32_t modulus = 1;	/* -m: answer one address in modulus */
static uint64_t n_answering, n_silent;	/* queries received, by class */

static int open_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, sz = 16 << 20;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)port) };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Turn the query in b (len bytes) into a reply; returns its length or 0
 * to drop it. */
static size_t answer(uint8_t *b, size_t len)
{
	if (len < 12 || (b[2] & 0x80) || b[4] != 0 || b[5] != 1)
		return 0;
	size_t i = 12;
	while (i < len && b[i] && b[i] < 64)
		i += 1 + b[i];
	if (i >= len || b[i] || i + 5 > len)
		return 0;
	i += 5;	/* root label, type, class */
	static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10,
		0, 4, 192, 0, 2, 1 };
	if (i + sizeof(rr) > BUFSZ)
		return 0;
	b[2] = (uint8_t)(0x80 | (b[2] & 0x01));	/* QR, keep RD */
	b[3] = 0x80;				/* RA, NOERROR */
	b[6] = 0, b[7] = 1, b[8] = b[9] = b[10] = b[11] = 0;
	memcpy(b + i, rr, sizeof(rr));
	return i + sizeof(rr);
}

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static __thread uint8_t buf[BATCH][BUFSZ];
	static __thread uint8_t ctl[BATCH][64];
	struct mmsghdr m[BATCH], out[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	for (;;) {
		for (int k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ buf[k], BUFSZ };
			m[k].msg_hdr = (struct msghdr){ .msg_name = &from[k],
				.msg_namelen = sizeof(from[k]), .msg_iov = &iov[k],
				.msg_iovlen = 1, .msg_control = ctl[k],
				.msg_controllen = sizeof(ctl[k]) };
		}
		int n = recvmmsg(fd, m, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recvmmsg");
			return NULL;
		}
		int o = 0;
		uint64_t ans = 0, sil = 0;
		for (int k = 0; k < n; k++) {
			/* Reply from the address asked: pass IP_PKTINFO back
			 * with ipi_spec_dst set and ifindex cleared. */
			struct cmsghdr *c = CMSG_FIRSTHDR(&m[k].msg_hdr);
			for (; c; c = CMSG_NXTHDR(&m[k].msg_hdr, c))
				if (c->cmsg_level == IPPROTO_IP &&
				    c->cmsg_type == IP_PKTINFO)
					break;
			struct in_pktinfo *pi = c ? (void *)CMSG_DATA(c) : NULL;
			if (modulus > 1 && pi &&
			    ntohl(pi->ipi_addr.s_addr) % modulus) {
				sil++;
				continue;
			}
			ans++;
			size_t len = answer(buf[k], m[k].msg_len);
			if (!len)
				continue;
			if (pi) {
				pi->ipi_spec_dst = pi->ipi_addr;
				pi->ipi_ifindex = 0;
			}
			iov[k].iov_len = len;
			out[o].msg_hdr = m[k].msg_hdr;
			out[o].msg_hdr.msg_controllen = c ?
				CMSG_SPACE(sizeof(struct in_pktinfo)) : 0;
			out[o].msg_hdr.msg_control = c ? (void *)c : NULL;
			o++;
		}
		__atomic_fetch_add(&n_answering, ans, __ATOMIC_RELAXED);
		__atomic_fetch_add(&n_silent, sil, __ATOMIC_RELAXED);
		for (int sent = 0; sent < o;) {
			int r = sendmmsg(fd, out + sent, (unsigned)(o - sent), 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				break;	/* drop the rest, as a busy server would */
			}
			sent += r;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1, c;
	while ((c = getopt(argc, argv, "m:p:t:")) != -1) {
		char *end;
		long v = strtol(optarg, &end, 10);
		if (c == 'm' && !*end && v >= 1 && v <= 1L << 24) {
			modulus = (uint32_t)v;
			continue;
		}
		if (*end || v < 1 || v > 65535) {
			fprintf(stderr, "responder: bad -%c %s\n", c, optarg);
			return 2;
		}
		if (c == 'p')
			port = (int)v;
		else if (c == 't' && v <= 64)
			threads = (int)v;
		else
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The serving threads inherit the mask; this one takes the signals. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pthread_t t[64];
	for (int i = 0; i < threads; i++) {
		int fd = open_socket();
		if (fd < 0) {
			perror("responder: socket");
			return 1;
		}
		pthread_create(&t[i], NULL, serve, (void *)(intptr_t)fd);
	}
	for (;;) {
		int sig;
		if (sigwait(&sigs, &sig) != 0)
			return 1;
		if (sig != SIGUSR1)
			return 0;
		printf("answering %llu silent %llu\n", (unsigned long long)
			__atomic_load_n(&n_answering, __ATOMIC_RELAXED),
			(unsigned long long)__atomic_load_n(&n_silent,
			__ATOMIC_RELAXED));
		fflush(stdout);
	}
}
