// retention_buffer_calls.cpp — the other libc calls whose system call reads
// or writes a structure the caller hands it: the stat family, getdents64,
// readlink, the socket options and addresses, ioctl, poll, select's fd
// sets, the clocks, sleeps and timers, signal masks, rlimits, wait, uname,
// getcwd, getrandom. With retention=full or guard a watched object's pages
// are protected, and the kernel meeting one answers EFAULT: the call fails
// and nobody is told. So these interceptors do what read and write do
// (checkers/retention_libc.cpp): hold the buffers' pages open for the call,
// and report a watched object that foreign code hands over (the call is
// its access). They do nothing else: every call is the real one, with the
// caller's arguments.
// The list is CGOSAN_BUFFER_CALLS below, one line a call; the paths are
// retention_path_calls.cpp's; the calls the race interceptors already own
// hold their buffers there (read, write & co. in race_fd_io.cpp; pipe,
// pipe2, socketpair, connect, accept and accept4 in race_fd_life.cpp;
// epoll_ctl, epoll_wait and epoll_pwait in race_fd_epoll.cpp).
// ioctl: a request that encodes its argument's size and direction
// (_IOR/_IOW/_IOWR) is held as it says; the common ones that encode none
// (FIONREAD, TIOCGWINSZ, TCGETS, the SIOCGIF* of a struct ifreq...) from a
// list of their sizes (kKnownIoctls); any other is not held.
// Not covered: what the kernel reaches later or through memory it was
// given once: POSIX aio (retention_kept_by_libc.cpp), io_uring's rings and buffers,
// a registered robust list or rseq area; the memory an ioctl's structure
// points to (SIOCGIFCONF's ifc_buf).
// Cost: off retention=full|guard, one load and a branch at each end of the
// call per buffer (the interceptor keeps a frame: the holds live in it).
#include <asm/ioctls.h>
#include <linux/ioctl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "retention_buffer_calls.h"

namespace __cgosan {
namespace {

// The kernel's sigset_t is 64 signals (_NSIG / 8 bytes), what libc hands
// it; glibc's is 128 bytes, of which the kernel reads the first 8.
constexpr uptr kKernelSigsetBytes = 8;
// The kernel's struct termios (<asm/termbits.h>: four flag words, c_line
// and 19 c_cc), which TCGETS and TCSETS* move; glibc's is larger.
constexpr uptr kKernelTermiosBytes = 4 * sizeof(u32) + 1 + 19;
// struct winsize (<sys/ioctl.h>, which declares ioctl variadic): four
// unsigned shorts.
constexpr uptr kWinsizeBytes = 4 * sizeof(u16);

// select's fd sets: the kernel reads and writes n bits, in longs.
uptr FdSetBytes(int n) {
  constexpr uptr kBitsPerLong = 8 * sizeof(long);
  return n > 0 ? (static_cast<uptr>(n) + kBitsPerLong - 1) / kBitsPerLong *
                     sizeof(long)
               : 0;
}

// The requests that encode no size, and what the kernel does with their
// argument: the terminal's, the fd's and the socket's common ones.
struct KnownIoctl {
  unsigned long request;
  u16 size;
  bool stores;  // the kernel writes it (or reads and writes it)
};
constexpr KnownIoctl kKnownIoctls[] = {
    {FIONREAD, sizeof(int), true},  // also TIOCINQ
    {TIOCOUTQ, sizeof(int), true},
    {FIONBIO, sizeof(int), false},
    {FIOASYNC, sizeof(int), false},
    {TIOCGWINSZ, kWinsizeBytes, true},
    {TIOCSWINSZ, kWinsizeBytes, false},
    {TCGETS, kKernelTermiosBytes, true},
    {TCSETS, kKernelTermiosBytes, false},
    {TCSETSW, kKernelTermiosBytes, false},
    {TCSETSF, kKernelTermiosBytes, false},
    {TIOCGPGRP, sizeof(pid_t), true},
    {TIOCSPGRP, sizeof(pid_t), false},
    {TIOCGSID, sizeof(pid_t), true},
    {TIOCMGET, sizeof(int), true},
    {TIOCMSET, sizeof(int), false},
    {TIOCMBIS, sizeof(int), false},
    {TIOCMBIC, sizeof(int), false},
    {TIOCGETD, sizeof(int), true},
    {TIOCSETD, sizeof(int), false},
    {SIOCATMARK, sizeof(int), true},
    {SIOCGIFCONF, sizeof(struct ifconf), true},
    {SIOCGIFNAME, sizeof(struct ifreq), true},
    {SIOCGIFINDEX, sizeof(struct ifreq), true},
    {SIOCGIFFLAGS, sizeof(struct ifreq), true},
    {SIOCSIFFLAGS, sizeof(struct ifreq), false},
    {SIOCGIFADDR, sizeof(struct ifreq), true},
    {SIOCGIFNETMASK, sizeof(struct ifreq), true},
    {SIOCGIFBRDADDR, sizeof(struct ifreq), true},
    {SIOCGIFDSTADDR, sizeof(struct ifreq), true},
    {SIOCGIFHWADDR, sizeof(struct ifreq), true},
    {SIOCGIFMTU, sizeof(struct ifreq), true},
    {SIOCSIFMTU, sizeof(struct ifreq), false},
};

// ioctl's argument: as the request encodes it (_IOR/_IOW/_IOWR), else as
// kKnownIoctls says, else not held.
LibcBuffers IoctlBuffer(unsigned long request, void *arg) {
  uptr size = _IOC_SIZE(request);
  if (size && _IOC_DIR(request) != _IOC_NONE)
    return (_IOC_DIR(request) & _IOC_READ) ? Stored(arg, size, "ioctl(2)")
                                           : Loaded(arg, size, "ioctl(2)");
  for (const KnownIoctl &known : kKnownIoctls) {
    if (known.request == request)
      return known.stores ? Stored(arg, known.size, "ioctl(2)")
                          : Loaded(arg, known.size, "ioctl(2)");
  }
  return NoBuffer();
}

}  // namespace
}  // namespace __cgosan

using namespace __cgosan;

// X(result, name, (parameters), (arguments), (buffers held)): one line a
// call (retention_buffer_calls.h). A socket call's length is read by the
// hold (StoredSized), in the modes that hold.
#define CGOSAN_BUFFER_CALLS(X)                                                 \
  X(int, stat, (const char *path, struct stat *st), (path, st),                \
    (LoadedPath(path, "stat(2)"), Stored(st, sizeof(*st), "stat(2)")))         \
  X(int, stat64, (const char *path, struct stat64 *st), (path, st),            \
    (LoadedPath(path, "stat(2)"), Stored(st, sizeof(*st), "stat(2)")))         \
  X(int, lstat, (const char *path, struct stat *st), (path, st),               \
    (LoadedPath(path, "lstat(2)"), Stored(st, sizeof(*st), "lstat(2)")))       \
  X(int, lstat64, (const char *path, struct stat64 *st), (path, st),           \
    (LoadedPath(path, "lstat(2)"), Stored(st, sizeof(*st), "lstat(2)")))       \
  X(int, fstat, (int fd, struct stat *st), (fd, st),                           \
    (Stored(st, sizeof(*st), "fstat(2)")))                                     \
  X(int, fstat64, (int fd, struct stat64 *st), (fd, st),                       \
    (Stored(st, sizeof(*st), "fstat(2)")))                                     \
  X(int, fstatat, (int dirfd, const char *path, struct stat *st, int flags),   \
    (dirfd, path, st, flags), (LoadedPath(path, "fstatat(2)"),                 \
    Stored(st, sizeof(*st), "fstatat(2)")))                                    \
  X(int, fstatat64,                                                            \
    (int dirfd, const char *path, struct stat64 *st, int flags),               \
    (dirfd, path, st, flags), (LoadedPath(path, "fstatat(2)"),                 \
    Stored(st, sizeof(*st), "fstatat(2)")))                                    \
  X(int, statx,                                                                \
    (int dirfd, const char *path, int flags, unsigned mask, struct statx *st), \
    (dirfd, path, flags, mask, st), (LoadedPath(path, "statx(2)"),             \
    Stored(st, sizeof(*st), "statx(2)")))                                      \
  X(int, statfs, (const char *path, struct statfs *st), (path, st),            \
    (LoadedPath(path, "statfs(2)"), Stored(st, sizeof(*st), "statfs(2)")))     \
  X(int, fstatfs, (int fd, struct statfs *st), (fd, st),                       \
    (Stored(st, sizeof(*st), "fstatfs(2)")))                                   \
  X(ssize_t, getdents64, (int fd, void *buf, size_t n), (fd, buf, n),          \
    (Stored(buf, n, "getdents64(2)")))                                         \
  X(ssize_t, readlink, (const char *path, char *buf, size_t n),                \
    (path, buf, n), (LoadedPath(path, "readlink(2)"),                          \
    Stored(buf, n, "readlink(2)")))                                            \
  X(ssize_t, readlinkat, (int dirfd, const char *path, char *buf, size_t n),   \
    (dirfd, path, buf, n), (LoadedPath(path, "readlinkat(2)"),                 \
    Stored(buf, n, "readlinkat(2)")))                                          \
  X(char *, getcwd, (char *buf, size_t n), (buf, n),                           \
    (Stored(buf, n, "getcwd(3)")))                                             \
  X(int, getsockopt,                                                           \
    (int fd, int level, int name, void *value, socklen_t *len),                \
    (fd, level, name, value, len), (StoredSized(value, len, "getsockopt(2)"))) \
  X(int, setsockopt,                                                           \
    (int fd, int level, int name, const void *value, socklen_t len),           \
    (fd, level, name, value, len), (Loaded(value, len, "setsockopt(2)")))      \
  X(int, getsockname, (int fd, sockaddr *addr, socklen_t *len),                \
    (fd, addr, len), (StoredSized(addr, len, "getsockname(2)")))               \
  X(int, getpeername, (int fd, sockaddr *addr, socklen_t *len),                \
    (fd, addr, len), (StoredSized(addr, len, "getpeername(2)")))               \
  X(int, bind, (int fd, const sockaddr *addr, socklen_t len), (fd, addr, len), \
    (Loaded(addr, len, "bind(2)")))                                            \
  X(int, ioctl, (int fd, unsigned long request, void *arg),                    \
    (fd, request, arg), (IoctlBuffer(request, arg)))                           \
  X(int, poll, (struct pollfd *fds, nfds_t n, int timeout), (fds, n, timeout), \
    (Stored(fds, ItemBytes(n, sizeof(*fds)), "poll(2)")))                      \
  X(int, ppoll, (struct pollfd *fds, nfds_t n, const struct timespec *timeout, \
    const sigset_t *mask), (fds, n, timeout, mask),                            \
    (Stored(fds, ItemBytes(n, sizeof(*fds)), "ppoll(2)"),                      \
    Loaded(timeout, timeout ? sizeof(*timeout) : 0, "ppoll(2)")))              \
  X(int, select,                                                               \
    (int n, fd_set *in, fd_set *out, fd_set *error, struct timeval *timeout),  \
    (n, in, out, error, timeout), (Stored(in, FdSetBytes(n), "select(2)"),     \
    Stored(out, FdSetBytes(n), "select(2)"),                                   \
    Stored(error, FdSetBytes(n), "select(2)"),                                 \
    Stored(timeout, timeout ? sizeof(*timeout) : 0, "select(2)")))             \
  X(int, pselect, (int n, fd_set *in, fd_set *out, fd_set *error,              \
    const struct timespec *timeout, const sigset_t *mask),                     \
    (n, in, out, error, timeout, mask),                                        \
    (Stored(in, FdSetBytes(n), "pselect(2)"),                                  \
    Stored(out, FdSetBytes(n), "pselect(2)"),                                  \
    Stored(error, FdSetBytes(n), "pselect(2)"),                                \
    Loaded(timeout, timeout ? sizeof(*timeout) : 0, "pselect(2)"),             \
    Loaded(mask, mask ? kKernelSigsetBytes : 0, "pselect(2)")))                \
  X(int, sigprocmask, (int how, const sigset_t *set, sigset_t *old),           \
    (how, set, old),                                                           \
    (Loaded(set, set ? kKernelSigsetBytes : 0, "sigprocmask(2)"),              \
    Stored(old, old ? kKernelSigsetBytes : 0, "sigprocmask(2)")))              \
  X(int, getrlimit, (__rlimit_resource_t resource, struct rlimit *limit),      \
    (resource, limit), (Stored(limit, sizeof(*limit), "getrlimit(2)")))        \
  X(int, setrlimit,                                                            \
    (__rlimit_resource_t resource, const struct rlimit *limit),                \
    (resource, limit), (Loaded(limit, sizeof(*limit), "setrlimit(2)")))        \
  X(int, prlimit, (pid_t pid, enum __rlimit_resource resource,                 \
    const struct rlimit *limit, struct rlimit *old),                           \
    (pid, resource, limit, old),                                               \
    (Loaded(limit, limit ? sizeof(*limit) : 0, "prlimit(2)"),                  \
    Stored(old, old ? sizeof(*old) : 0, "prlimit(2)")))                        \
  X(int, getitimer, (__itimer_which_t which, struct itimerval *value),         \
    (which, value), (Stored(value, sizeof(*value), "getitimer(2)")))           \
  X(int, setitimer, (__itimer_which_t which, const struct itimerval *value,    \
    struct itimerval *old), (which, value, old),                               \
    (Loaded(value, sizeof(*value), "setitimer(2)"),                            \
    Stored(old, old ? sizeof(*old) : 0, "setitimer(2)")))                      \
  X(int, timer_settime, (timer_t timer, int flags,                             \
    const struct itimerspec *value, struct itimerspec *old),                   \
    (timer, flags, value, old),                                                \
    (Loaded(value, sizeof(*value), "timer_settime(2)"),                        \
    Stored(old, old ? sizeof(*old) : 0, "timer_settime(2)")))                  \
  X(int, timer_gettime, (timer_t timer, struct itimerspec *value),             \
    (timer, value), (Stored(value, sizeof(*value), "timer_gettime(2)")))       \
  X(int, timerfd_settime, (int fd, int flags, const struct itimerspec *value,  \
    struct itimerspec *old), (fd, flags, value, old),                          \
    (Loaded(value, sizeof(*value), "timerfd_settime(2)"),                      \
    Stored(old, old ? sizeof(*old) : 0, "timerfd_settime(2)")))                \
  X(int, timerfd_gettime, (int fd, struct itimerspec *value), (fd, value),     \
    (Stored(value, sizeof(*value), "timerfd_gettime(2)")))                     \
  X(int, clock_gettime, (clockid_t clock, struct timespec *ts), (clock, ts),   \
    (Stored(ts, sizeof(*ts), "clock_gettime(2)")))                             \
  X(int, clock_getres, (clockid_t clock, struct timespec *ts), (clock, ts),    \
    (Stored(ts, ts ? sizeof(*ts) : 0, "clock_getres(2)")))                     \
  X(int, gettimeofday, (struct timeval *tv, void *tz), (tv, tz),               \
    (Stored(tv, tv ? sizeof(*tv) : 0, "gettimeofday(2)")))                     \
  X(int, nanosleep, (const struct timespec *req, struct timespec *rem),        \
    (req, rem), (Loaded(req, sizeof(*req), "nanosleep(2)"),                    \
    Stored(rem, rem ? sizeof(*rem) : 0, "nanosleep(2)")))                      \
  X(int, clock_nanosleep, (clockid_t clock, int flags,                         \
    const struct timespec *req, struct timespec *rem),                         \
    (clock, flags, req, rem),                                                  \
    (Loaded(req, sizeof(*req), "clock_nanosleep(2)"),                          \
    Stored(rem, rem ? sizeof(*rem) : 0, "clock_nanosleep(2)")))                \
  X(pid_t, waitpid, (pid_t pid, int *status, int options),                     \
    (pid, status, options),                                                    \
    (Stored(status, status ? sizeof(*status) : 0, "waitpid(2)")))              \
  X(pid_t, wait4, (pid_t pid, int *status, int options, struct rusage *usage), \
    (pid, status, options, usage),                                             \
    (Stored(status, status ? sizeof(*status) : 0, "wait4(2)"),                 \
    Stored(usage, usage ? sizeof(*usage) : 0, "wait4(2)")))                    \
  X(int, getrusage, (int who, struct rusage *usage), (who, usage),             \
    (Stored(usage, sizeof(*usage), "getrusage(2)")))                           \
  X(int, uname, (struct utsname *name), (name),                                \
    (Stored(name, sizeof(*name), "uname(2)")))                                 \
  X(int, sysinfo, (struct sysinfo *info), (info),                              \
    (Stored(info, sizeof(*info), "sysinfo(2)")))                               \
  X(clock_t, times, (struct tms *buf), (buf),                                  \
    (Stored(buf, buf ? sizeof(*buf) : 0, "times(2)")))                         \
  X(ssize_t, getrandom, (void *buf, size_t n, unsigned flags),                 \
    (buf, n, flags), (Stored(buf, n, "getrandom(2)")))

CGOSAN_BUFFER_CALLS(CGOSAN_BUFFER_CALL_INTERCEPTOR)

namespace __cgosan {

void InterceptBufferCalls() {
  CGOSAN_BUFFER_CALLS(CGOSAN_INTERCEPT_BUFFER_CALL)
}

}  // namespace __cgosan
