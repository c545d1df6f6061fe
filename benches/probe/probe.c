/* probe: the child every init under test runs. One static binary, one job per first argument.
 * Built by the harness with `musl-gcc -Os -static` (or `cc -static`); the same binary serves every
 * init, so its own costs cancel out of every comparison.
 *
 *   stamp            print CLOCK_MONOTONIC (ns) of main's first line, exit 0   (start-up latency)
 *   exec PROG ARGS   print CLOCK_MONOTONIC (ns), then execv PROG: stamps PID 1's execve
 *   die|trap|ignore  print "ready", then wait: TERM default / TERM -> exit 0 / TERM ignored
 *   exit N           exit with status N
 *   kill SIG         die of signal SIG (disposition reset to default first)
 *   hygiene          print what the init handed over: SigBlk, SigIgn, fds, pgid/sid, env names
 *   orphans N        print "ready", read one byte from stdin, make N double-forked orphans,
 *                    print "spawned NS FAILED", read one more byte (or EOF), exit 0
 *   service DIR NAME create DIR/NAME.up, then wait (TERM default)              (inittab mode)
 *   shutdown DIR     create DIR/level0.ran, exit 0                            (inittab mode)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static unsigned long long mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static void say(const char *line) {
    size_t n = strlen(line);
    while (n > 0) {
        ssize_t w = write(1, line, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return;
        }
        line += w;
        n -= (size_t)w;
    }
}

static void on_term(int sig) {
    (void)sig;
    _exit(0);
}

static void wait_forever(void) {
    for (;;) pause();
}

static void touch(const char *dir, const char *name, const char *suffix) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
}

static int read_byte(void) {
    char c;
    for (;;) {
        ssize_t r = read(0, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        return (int)r;
    }
}

/* One orphan: a child that forks a grandchild and exits at once; the grandchild exits too and is
 * reparented to PID 1, which must reap it. Retries fork on EAGAIN (pid space full). */
static int double_fork(void) {
    for (int tries = 0; tries < 2000; tries++) {
        pid_t child = fork();
        if (child == 0) {
            pid_t grandchild = fork();
            if (grandchild == 0) _exit(0);
            _exit(grandchild < 0 ? 1 : 0);
        }
        if (child < 0) {
            if (errno == EAGAIN || errno == ENOMEM) {
                usleep(1000);
                continue;
            }
            return -1;
        }
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
        usleep(1000); /* grandchild fork failed: pid space full; try again */
    }
    return -1;
}

static void hex_field(const char *status, const char *key, char *out, size_t cap) {
    const char *p = strstr(status, key);
    out[0] = '?';
    out[1] = 0;
    if (!p) return;
    p += strlen(key);
    while (*p == ' ' || *p == '\t') p++;
    size_t i = 0;
    while (p[i] && p[i] != '\n' && i + 1 < cap) {
        out[i] = p[i];
        i++;
    }
    out[i] = 0;
}

static int hygiene(void) {
    char status[8192] = {0};
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, status, sizeof status - 1);
        (void)n;
        close(fd);
    }
    char blk[64], ign[64];
    hex_field(status, "SigBlk:", blk, sizeof blk);
    hex_field(status, "SigIgn:", ign, sizeof ign);
    int fds = 0;
    char fdlist[512] = "";
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            if (atoi(e->d_name) == dirfd(d)) continue;
            fds++;
            if (strlen(fdlist) + strlen(e->d_name) + 2 < sizeof fdlist) {
                if (fdlist[0]) strcat(fdlist, "+");
                strcat(fdlist, e->d_name);
            }
        }
        closedir(d);
    }
    pid_t pid = getpid();
    char line[8192];
    int off = snprintf(line, sizeof line,
                       "sigblk=%s sigign=%s fds=%d fdlist=%s ppid=%d own_pgrp=%s own_session=%s env=", blk,
                       ign, fds, fdlist, (int)getppid(), getpgrp() == pid ? "yes" : "no",
                       getsid(0) == pid ? "yes" : "no");
    int first = 1;
    for (char **e = environ; e && *e && off < (int)sizeof line - 2; e++) {
        const char *eq = strchr(*e, '=');
        int len = eq ? (int)(eq - *e) : (int)strlen(*e);
        off += snprintf(line + off, sizeof line - (size_t)off, "%s%.*s", first ? "" : ",", len, *e);
        first = 0;
    }
    if (off < (int)sizeof line - 2) {
        line[off++] = '\n';
        line[off] = 0;
    }
    say(line);
    return 0;
}

int main(int argc, char **argv) {
    unsigned long long start = mono_ns();
    const char *mode = argc > 1 ? argv[1] : "";
    char buf[128];
    if (!strcmp(mode, "stamp")) {
        snprintf(buf, sizeof buf, "%llu\n", start);
        say(buf);
        return 0;
    }
    if (!strcmp(mode, "exec") && argc > 2) {
        snprintf(buf, sizeof buf, "%llu\n", mono_ns());
        say(buf);
        execv(argv[2], argv + 2);
        return 127;
    }
    if (!strcmp(mode, "die") || !strcmp(mode, "trap") || !strcmp(mode, "ignore")) {
        if (!strcmp(mode, "die")) signal(SIGTERM, SIG_DFL);
        if (!strcmp(mode, "trap")) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_term;
            sigaction(SIGTERM, &sa, NULL);
        }
        if (!strcmp(mode, "ignore")) signal(SIGTERM, SIG_IGN);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        say("ready\n");
        wait_forever();
    }
    if (!strcmp(mode, "exit") && argc > 2) return atoi(argv[2]);
    if (!strcmp(mode, "kill") && argc > 2) {
        int sig = atoi(argv[2]);
        signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        kill(getpid(), sig);
        pause();
        return 99;
    }
    if (!strcmp(mode, "hygiene")) return hygiene();
    if (!strcmp(mode, "orphans") && argc > 2) {
        long n = atol(argv[2]);
        say("ready\n");
        if (read_byte() <= 0) return 1;
        unsigned long long t0 = mono_ns();
        long failed = 0;
        for (long i = 0; i < n; i++)
            if (double_fork() != 0) failed++;
        unsigned long long t1 = mono_ns();
        snprintf(buf, sizeof buf, "spawned %llu %ld\n", t1 - t0, failed);
        say(buf);
        read_byte();
        return 0;
    }
    if (!strcmp(mode, "service") && argc > 3) {
        signal(SIGTERM, SIG_DFL);
        touch(argv[2], argv[3], ".up");
        wait_forever();
    }
    if (!strcmp(mode, "shutdown") && argc > 2) {
        touch(argv[2], "level0", ".ran");
        return 0;
    }
    fprintf(stderr, "probe: unknown mode \"%s\"\n", mode);
    return 64;
}
