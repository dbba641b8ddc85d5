/* floor.c: the raw floor for the benchmark: the fastest a single-threaded
 * client can ask one question of every address in a CIDR range over
 * loopback, with none of resolver-probe's work (no ldns parsing, matching
 * beyond the id, no output).  sendmmsg/recvmmsg in batches, a window of
 * queries in flight, ids by sequence number.
 *
 *   floor [-w WINDOW] [-p PASSES] [-t TIMEOUT_MS] CIDR
 *   floor -s [-p PASSES] CIDR
 *
 * Prints one line: "answered N lost N seconds S queries/s Q
 * cpu_us_per_query C peak_rss_kb R".
 *
 * -s: the send-only floor, the fastest one thread can put a fixed query to
 * every address of the range (PASSES times) with sendmmsg, receiving
 * nothing: what a stateless sweep's sending is held to.  Prints "sent N
 * seconds S packets/s P".  Runs only inside the benchmark's private
 * namespace. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOTS 65536

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "gmail.com. A IN" with RD and EDNS0 (DO): the same size as
 * resolver-probe's queries. */
static const uint8_t query[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1,
	5, 'g', 'm', 'a', 'i', 'l', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0 };

/* -s: send total queries to first.. (count addresses, round robin) as fast
 * as sendmmsg takes them. */
static int send_only(int fd, uint32_t first, uint32_t count, uint64_t total)
{
	static uint8_t out[BATCH][sizeof(query)];
	struct sockaddr_in to[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	for (int k = 0; k < BATCH; k++) {
		memcpy(out[k], query, sizeof(query));
		iov[k] = (struct iovec){ out[k], sizeof(query) };
		to[k] = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(53) };
		m[k].msg_hdr = (struct msghdr){ .msg_name = &to[k],
			.msg_namelen = sizeof(to[k]), .msg_iov = &iov[k],
			.msg_iovlen = 1 };
	}
	uint64_t next = 0, sent = 0;
	uint64_t t0 = now_ns();
	while (next < total) {
		int n = 0;
		for (; n < BATCH && next < total; n++, next++) {
			out[n][0] = (uint8_t)(next >> 8);
			out[n][1] = (uint8_t)next;
			to[n].sin_addr.s_addr = htonl(first +
				(uint32_t)(next % count));
		}
		for (int done = 0; done < n;) {
			int s = sendmmsg(fd, m + done, (unsigned)(n - done), 0);
			if (s < 0) {
				if (errno == EAGAIN || errno == EINTR) {
					struct pollfd p = { fd, POLLOUT, 0 };
					poll(&p, 1, 10);
					continue;
				}
				perror("sendmmsg");
				return 1;
			}
			done += s;
			sent += (uint64_t)s;
		}
	}
	double el = (double)(now_ns() - t0) / 1e9;
	printf("sent %llu seconds %.3f packets/s %.0f\n",
		(unsigned long long)sent, el, (double)sent / el);
	return 0;
}

int main(int argc, char **argv)
{
	long window = 10000, passes = 1, timeout_ms = 1000;
	int c, sendonly = 0;
	while ((c = getopt(argc, argv, "sw:p:t:")) != -1) {
		char *end;
		if (c == 's') {
			sendonly = 1;
			continue;
		}
		long v = strtol(optarg, &end, 10);
		if (*end || v < 1) {
			fprintf(stderr, "floor: bad -%c %s\n", c, optarg);
			return 2;
		}
		if (c == 'w')
			window = v < SLOTS / 2 ? v : SLOTS / 2;
		else if (c == 'p')
			passes = v;
		else if (c == 't')
			timeout_ms = v;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: floor [-w WINDOW] [-p PASSES] "
			"[-t TIMEOUT_MS] CIDR\n       floor -s [-p PASSES] "
			"CIDR\n");
		return 2;
	}
	char net[64];
	snprintf(net, sizeof(net), "%s", argv[optind]);
	char *slash = strchr(net, '/');
	long len = 32;
	if (slash) {
		*slash = 0;
		len = strtol(slash + 1, NULL, 10);
	}
	struct in_addr base;
	if (inet_pton(AF_INET, net, &base) != 1 || len < 8 || len > 32) {
		fprintf(stderr, "floor: bad CIDR %s\n", argv[optind]);
		return 2;
	}
	uint32_t first = ntohl(base.s_addr), count = 1u << (32 - len);

	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), sz = 16 << 20;
	if (fd < 0)
		return 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (sendonly)
		return send_only(fd, first, count, (uint64_t)count *
			(uint64_t)passes);

	static uint64_t sent_at[SLOTS];	/* 0: free */
	uint64_t total = (uint64_t)count * (uint64_t)passes;
	uint64_t next = 0, answered = 0, lost = 0, inflight = 0, oldest = 0;
	uint64_t tmo = (uint64_t)timeout_ms * 1000000ull;
	static uint8_t out[BATCH][sizeof(query)], in[BATCH][512];
	struct sockaddr_in to[BATCH];
	struct iovec oiov[BATCH], iiov[BATCH];
	struct mmsghdr om[BATCH], im[BATCH];
	for (int k = 0; k < BATCH; k++) {
		memcpy(out[k], query, sizeof(query));
		oiov[k] = (struct iovec){ out[k], sizeof(query) };
		iiov[k] = (struct iovec){ in[k], sizeof(in[k]) };
		to[k] = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(53) };
	}
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	uint64_t t0 = now_ns();
	while (answered + lost < total) {
		/* Send a batch while the window has room. */
		int n = 0;
		while (n < BATCH && next < total && inflight < (uint64_t)window) {
			uint16_t id = (uint16_t)(next % SLOTS);
			if (sent_at[id])
				break;	/* slot still outstanding */
			out[n][0] = (uint8_t)(id >> 8);
			out[n][1] = (uint8_t)id;
			to[n].sin_addr.s_addr = htonl(first +
				(uint32_t)(next % count));
			om[n].msg_hdr = (struct msghdr){ .msg_name = &to[n],
				.msg_namelen = sizeof(to[n]), .msg_iov = &oiov[n],
				.msg_iovlen = 1 };
			sent_at[id] = 1;
			next++, inflight++, n++;
		}
		uint64_t t = now_ns();
		for (int k = 0; k < n; k++)
			sent_at[(uint16_t)((next - (uint64_t)n + (uint64_t)k) %
				SLOTS)] = t;
		for (int done = 0; done < n;) {
			int s = sendmmsg(fd, om + done, (unsigned)(n - done), 0);
			if (s < 0) {
				if (errno == EAGAIN || errno == EINTR) {
					struct pollfd p = { fd, POLLOUT, 0 };
					poll(&p, 1, 10);
					continue;
				}
				perror("sendmmsg");
				return 1;
			}
			done += s;
		}
		/* Receive what is there (block briefly when the window is
		 * full or everything is sent). */
		if (inflight >= (uint64_t)window || next >= total || n == 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			poll(&p, 1, 10);
		}
		for (;;) {
			for (int k = 0; k < BATCH; k++)
				im[k].msg_hdr = (struct msghdr){ .msg_iov = &iiov[k],
					.msg_iovlen = 1 };
			int m = recvmmsg(fd, im, BATCH, MSG_DONTWAIT, NULL);
			if (m <= 0)
				break;
			for (int k = 0; k < m; k++) {
				if (im[k].msg_len < 12)
					continue;
				uint16_t id = (uint16_t)(in[k][0] << 8 | in[k][1]);
				if (sent_at[id]) {
					sent_at[id] = 0;
					answered++, inflight--;
				}
			}
			if (m < BATCH)
				break;
		}
		/* Expire the oldest outstanding slots. */
		t = now_ns();
		while (oldest < next) {
			uint16_t id = (uint16_t)(oldest % SLOTS);
			if (sent_at[id] && t - sent_at[id] < tmo)
				break;
			if (sent_at[id]) {
				sent_at[id] = 0;
				lost++, inflight--;
			}
			oldest++;
		}
	}
	double el = (double)(now_ns() - t0) / 1e9;
	getrusage(RUSAGE_SELF, &r1);
	double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec +
		r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 +
		(double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec +
		r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	printf("answered %llu lost %llu seconds %.3f queries/s %.0f "
		"cpu_us_per_query %.2f peak_rss_kb %ld\n",
		(unsigned long long)answered, (unsigned long long)lost, el,
		(double)answered / el, cpu / (double)(answered + lost),
		r1.ru_maxrss);
	return 0;
}
