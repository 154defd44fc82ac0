/*
 * openloop: an open-loop HTTP/1.1 load generator for Benchmarks/load.sh.
 *
 *   openloop HOST PORT RATE SECONDS CONNECTIONS PATHS [WARMUP]
 *
 * Sends GET requests for the paths in PATHS (one a line, taken in turn) at a fixed
 * RATE per second for SECONDS, over at most CONNECTIONS keep-alive connections (one
 * request in flight on each), and prints one JSON object with the latency percentiles.
 *
 * Why not wrk alone: wrk keeps every connection busy, so at saturation its latency is
 * the length of the queue it builds itself (connections / throughput), whatever the
 * server does. Here request i is due at start + i / RATE whether or not earlier ones
 * have finished, and its latency runs from that moment, not from when a connection
 * was free to send it: a server that falls behind sees its queue in the figures (no
 * "coordinated omission"). This loop's own lateness counts too (`sentLate`: requests sent
 * more than 0.5 ms after they were due), so the figures never flatter the server.
 * Requests due in the first WARMUP seconds are sent but not counted.
 *
 * Responses must carry Content-Length (what `tome serve` sends); a status other than
 * 200, a closed connection or an unparsable response counts as an error, and the
 * connection is opened again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUFFER = 1 << 16 };

typedef struct {
    int fd;
    int busy;              /* a request is in flight */
    double due;            /* when the request in flight was due (seconds since start) */
    char *request;         /* bytes still to send */
    size_t requestLength, sent;
    char head[BUFFER];     /* the response so far, up to the end of its headers */
    size_t headLength;
    long bodyLeft;         /* -1 until the headers are complete */
    int status;
} Connection;

static struct sockaddr_in address;
static int epoll;
static double startTime;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9 - startTime;
}

static void fail(const char *what) {
    perror(what);
    exit(2);
}

static void connectTo(Connection *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) fail("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) fail("connect");
    struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &e) < 0) fail("epoll_ctl");
    c->busy = 0;
}

static void reconnect(Connection *c) {
    epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    connectTo(c);
}

static void flush(Connection *c) {
    while (c->sent < c->requestLength) {
        ssize_t n = send(c->fd, c->request + c->sent, c->requestLength - c->sent, MSG_NOSIGNAL);
        if (n < 0) return; /* EAGAIN (or an error that the read side reports) */
        c->sent += (size_t)n;
    }
}

static void start(Connection *c, double due, char *request, size_t length) {
    c->busy = 1;
    c->due = due;
    c->request = request;
    c->requestLength = length;
    c->sent = 0;
    c->headLength = 0;
    c->bodyLeft = -1;
    c->status = 0;
    flush(c);
}

/* Reads what has arrived; returns 1 when the response is complete, -1 on an error. */
static int receive(Connection *c) {
    char buffer[BUFFER];
    for (;;) {
        ssize_t n = read(c->fd, buffer, sizeof buffer);
        if (n == 0) return -1;
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        size_t used = 0;
        if (c->bodyLeft < 0) {
            size_t take = (size_t)n;
            if (c->headLength + take >= sizeof c->head) return -1;
            memcpy(c->head + c->headLength, buffer, take);
            c->headLength += take;
            c->head[c->headLength] = 0;
            char *end = strstr(c->head, "\r\n\r\n");
            if (!end) continue;
            size_t headerBytes = (size_t)(end + 4 - c->head);
            if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1) return -1;
            char *length = strcasestr(c->head, "\r\ncontent-length:");
            if (!length || length > end) return -1;
            c->bodyLeft = strtol(length + 17, NULL, 10);
            c->bodyLeft -= (long)(c->headLength - headerBytes);
            used = (size_t)n;
        }
        c->bodyLeft -= (long)((size_t)n - used);
        if (c->bodyLeft < 0) return -1; /* more bytes than announced: no pipelining here */
        if (c->bodyLeft == 0) return 1;
    }
}

static int compareLatency(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *sorted, long count, double p) {
    if (count == 0) return 0;
    long i = (long)(p * (double)count);
    return sorted[i < count ? i : count - 1];
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: openloop HOST PORT RATE SECONDS CONNECTIONS PATHS [WARMUP]\n");
        return 2;
    }
    const char *host = argv[1];
    double rate = atof(argv[3]), seconds = atof(argv[4]), warmup = argc > 7 ? atof(argv[7]) : 0;
    int connections = atoi(argv[5]);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) fail("inet_pton");

    /* Every request, made once: "GET <path> HTTP/1.1" with Host. */
    FILE *paths = fopen(argv[6], "r");
    if (!paths) fail(argv[6]);
    char **requests = NULL;
    size_t *lengths = NULL, count = 0, capacity = 0;
    char line[8192];
    while (fgets(line, sizeof line, paths)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            requests = realloc(requests, capacity * sizeof *requests);
            lengths = realloc(lengths, capacity * sizeof *lengths);
        }
        char request[9000];
        int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", line, host);
        if (n < 0 || (size_t)n >= sizeof request) { fprintf(stderr, "openloop: path too long: %.60s...\n", line); return 2; }
        requests[count] = strdup(request);
        lengths[count++] = (size_t)n;
    }
    fclose(paths);
    if (count == 0) { fprintf(stderr, "openloop: no paths in %s\n", argv[6]); return 2; }

    epoll = epoll_create1(0);
    Connection *pool = calloc((size_t)connections, sizeof *pool);
    for (int i = 0; i < connections; i++) connectTo(&pool[i]);

    long total = (long)(rate * seconds);
    double *latencies = malloc((size_t)total * sizeof *latencies);
    double *waiting = malloc((size_t)total * sizeof *waiting); /* due times of requests not yet sent */
    long issued = 0, waitHead = 0, waitTail = 0, measured = 0, completed = 0, errors = 0, late = 0;
    long nextPath = 0;
    struct epoll_event events[256];
    struct timespec startClock;
    clock_gettime(CLOCK_MONOTONIC, &startClock);
    startTime = startClock.tv_sec + startClock.tv_nsec / 1e9;
    double drainUntil = seconds + 5;

    for (;;) {
        double t = now();
        /* Everything due by now joins the queue, then goes to idle connections. */
        while (issued < total && issued / rate <= t) waiting[waitTail++] = issued++ / rate;
        for (int i = 0; i < connections && waitHead < waitTail; i++) {
            if (pool[i].busy) continue;
            if (waiting[waitHead] < t - 0.0005) late++; /* no free connection, or this loop woke late */
            start(&pool[i], waiting[waitHead++], requests[nextPath], lengths[nextPath]);
            nextPath = (nextPath + 1) % (long)count;
        }
        int inFlight = 0;
        for (int i = 0; i < connections; i++) inFlight += pool[i].busy;
        if (issued == total && waitHead == waitTail && inFlight == 0) break;
        if (t > drainUntil) { errors += inFlight + (waitTail - waitHead); break; }

        double next = issued < total ? issued / rate : t + 0.01;
        struct timespec timeout = {0, 0};
        if (next > t) {
            double wait = next - t;
            timeout.tv_sec = (time_t)wait;
            timeout.tv_nsec = (long)((wait - (double)timeout.tv_sec) * 1e9);
        }
        int ready = epoll_pwait2(epoll, events, 256, &timeout, NULL);
        if (ready < 0 && errno != EINTR) fail("epoll_pwait2");
        for (int k = 0; k < ready; k++) {
            Connection *c = events[k].data.ptr;
            if (!c->busy) {
                /* Idle: only a close (the server's keep-alive ended) matters. */
                char byte;
                if ((events[k].events & (EPOLLHUP | EPOLLERR)) || read(c->fd, &byte, 1) == 0) reconnect(c);
                continue;
            }
            if (events[k].events & EPOLLOUT) flush(c);
            int done = receive(c);
            if (done == 0 && !(events[k].events & (EPOLLHUP | EPOLLERR))) continue;
            double finished = now();
            if (done == 1 && c->status == 200) {
                completed++;
                if (c->due >= warmup) latencies[measured++] = finished - c->due;
            } else {
                errors++;
            }
            c->busy = 0;
            if (done != 1) reconnect(c);
        }
    }
    double elapsed = now();

    qsort(latencies, (size_t)measured, sizeof *latencies, compareLatency);
    printf("{\"rate\":%.0f,\"seconds\":%.1f,\"warmup\":%.1f,\"connections\":%d,\"sent\":%ld,\"completed\":%ld,"
           "\"errors\":%ld,\"sentLate\":%ld,\"achievedRate\":%.1f,\"measured\":%ld,"
           "\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f}\n",
           rate, seconds, warmup, connections, issued, completed, errors, late, completed / elapsed, measured,
           percentile(latencies, measured, 0.50) * 1e3, percentile(latencies, measured, 0.90) * 1e3,
           percentile(latencies, measured, 0.99) * 1e3, percentile(latencies, measured, 0.999) * 1e3,
           measured ? latencies[measured - 1] * 1e3 : 0);
    return errors ? 1 : 0;
}
