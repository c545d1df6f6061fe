/* autoreap: a floor for the reaping metrics, not an init. PID 1 ignores SIGCHLD, so the kernel
 * reaps every child and orphan at its exit (no zombie ever waits for PID 1), and it reads its
 * one command's exit status from a pidfd with PIDFD_GET_INFO + PIDFD_INFO_EXIT (Linux >= 6.15).
 * No signal forwarding, no error handling: it only shows what the wait4-per-zombie design costs.
 * Built and measured only with BENCH_FLOOR=1:  autoreap CMD [ARG...]
 * SIGCHLD is ignored only once the pidfd is open, so a child that exits at once is still there
 * (a zombie, waited for below) for pidfd_open; a real init would use clone3(CLONE_PIDFD). */
#define _GNU_SOURCE
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
struct pidfd_info { uint64_t mask; uint64_t cgroupid; uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid; int32_t exit_code; uint32_t coredump_mask; uint32_t __spare1; };
#define PIDFS_IOCTL_MAGIC 0xFF
#define PIDFD_GET_INFO _IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)
#define PIDFD_INFO_EXIT (1UL << 3)
int main(int argc, char **argv) {
  sigset_t all; sigfillset(&all); sigprocmask(SIG_BLOCK, &all, NULL);
  pid_t c = fork();
  if (c == 0) { sigset_t none; sigemptyset(&none); sigprocmask(SIG_SETMASK, &none, NULL); execv(argv[1], argv+1); _exit(127); }
  int fd = syscall(SYS_pidfd_open, c, 0);
  signal(SIGCHLD, SIG_IGN);
  struct pollfd p = { fd, POLLIN, 0 };
  poll(&p, 1, -1);
  int st = 0;
  /* It may have become a zombie before SIGCHLD was ignored: then wait for it as usual. */
  if (waitpid(c, &st, WNOHANG) != c) {
    struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
    int rc = ioctl(fd, PIDFD_GET_INFO, &info);
    if (rc < 0 || !(info.mask & PIDFD_INFO_EXIT)) { perror("PIDFD_GET_INFO"); return 1; }
    st = info.exit_code;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
