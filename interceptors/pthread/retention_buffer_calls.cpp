// retention_buffer_calls.cpp — the other libc calls whose system call reads
// or writes a buffer the caller hands it: the stat family, getdents64,
// readlink, the socket options and addresses, ioctl, poll, the clocks and
// sleeps, wait, uname, getcwd, getrandom, and the paths of stat & co.,
// readlink, access, unlink, mkdir, rmdir, chdir and rename... With retention=full or guard a
// watched object's pages are protected, and the kernel meeting one answers
// EFAULT: the call fails and nobody is told. So these interceptors do what
// read and write do (checkers/retention_libc.cpp): hold the buffers' pages
// open for the call, and report a watched object that foreign code hands
// over (the call is its access). They do nothing else: every call is the
// real one, with the caller's arguments.
// The list is kBufferCalls below, one line a call; the calls the race
// interceptors already own hold their buffers there (read, write & co. in
// race_fd_io.cpp; pipe, pipe2, socketpair, connect, accept and accept4 in
// race_fd_life.cpp; epoll_ctl, epoll_wait and epoll_pwait in
// race_fd_epoll.cpp). Not covered: the paths of the calls not
// listed (open and openat, variadic and fortified; chmod, execve...), select's
// fd_sets, ioctl requests that do not encode their size, and what the
// kernel reaches later or through memory it was given once: POSIX aio
// (glibc's threads), io_uring's rings and buffers, a registered robust list.
// Cost: off retention=full|guard, one load and a branch at each end of the
// call (the interceptor keeps a frame: the holds live in it).
#include <linux/ioctl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "race_pthread.h"
#include "retention_libc.h"

namespace __cgosan {
namespace {

// An ioctl whose request encodes its argument's size and direction
// (_IOR/_IOW/_IOWR); the others are not held.
LibcBuffers IoctlBuffer(unsigned long request, void *arg) {
  uptr size = _IOC_SIZE(request);
  if (!size || _IOC_DIR(request) == _IOC_NONE)
    return NoBuffer();
  return (_IOC_DIR(request) & _IOC_READ) ? Stored(arg, size, "ioctl(2)")
                                         : Loaded(arg, size, "ioctl(2)");
}

}  // namespace
}  // namespace __cgosan

using namespace __cgosan;

// X(result, name, (parameters), (arguments), buffers held first, buffers
// held then). Building a LibcBuffers reads nothing of the caller's: a
// socket call's length is read by the hold (StoredSized), in the modes that
// hold.
#define CGOSAN_BUFFER_CALLS(X)                                                 \
  X(int, stat, (const char *path, struct stat *st), (path, st),                \
    LoadedPath(path, "stat(2)"), Stored(st, sizeof(*st), "stat(2)"))           \
  X(int, stat64, (const char *path, struct stat64 *st), (path, st),            \
    LoadedPath(path, "stat(2)"), Stored(st, sizeof(*st), "stat(2)"))           \
  X(int, lstat, (const char *path, struct stat *st), (path, st),               \
    LoadedPath(path, "lstat(2)"), Stored(st, sizeof(*st), "lstat(2)"))         \
  X(int, lstat64, (const char *path, struct stat64 *st), (path, st),           \
    LoadedPath(path, "lstat(2)"), Stored(st, sizeof(*st), "lstat(2)"))         \
  X(int, fstat, (int fd, struct stat *st), (fd, st),                           \
    Stored(st, sizeof(*st), "fstat(2)"), NoBuffer())                           \
  X(int, fstat64, (int fd, struct stat64 *st), (fd, st),                       \
    Stored(st, sizeof(*st), "fstat(2)"), NoBuffer())                           \
  X(int, fstatat, (int dirfd, const char *path, struct stat *st, int flags),   \
    (dirfd, path, st, flags), LoadedPath(path, "fstatat(2)"),                  \
    Stored(st, sizeof(*st), "fstatat(2)"))                                     \
  X(int, fstatat64,                                                            \
    (int dirfd, const char *path, struct stat64 *st, int flags),               \
    (dirfd, path, st, flags), LoadedPath(path, "fstatat(2)"),                  \
    Stored(st, sizeof(*st), "fstatat(2)"))                                     \
  X(int, statx,                                                                \
    (int dirfd, const char *path, int flags, unsigned mask, struct statx *st), \
    (dirfd, path, flags, mask, st), LoadedPath(path, "statx(2)"),              \
    Stored(st, sizeof(*st), "statx(2)"))                                       \
  X(int, statfs, (const char *path, struct statfs *st), (path, st),            \
    LoadedPath(path, "statfs(2)"), Stored(st, sizeof(*st), "statfs(2)"))       \
  X(int, fstatfs, (int fd, struct statfs *st), (fd, st),                       \
    Stored(st, sizeof(*st), "fstatfs(2)"), NoBuffer())                         \
  X(ssize_t, getdents64, (int fd, void *buf, size_t n), (fd, buf, n),          \
    Stored(buf, n, "getdents64(2)"), NoBuffer())                               \
  X(ssize_t, readlink, (const char *path, char *buf, size_t n),                \
    (path, buf, n), LoadedPath(path, "readlink(2)"),                           \
    Stored(buf, n, "readlink(2)"))                                             \
  X(ssize_t, readlinkat, (int dirfd, const char *path, char *buf, size_t n),   \
    (dirfd, path, buf, n), LoadedPath(path, "readlinkat(2)"),                  \
    Stored(buf, n, "readlinkat(2)"))                                           \
  X(int, access, (const char *path, int mode), (path, mode),                   \
    LoadedPath(path, "access(2)"), NoBuffer())                                 \
  X(int, unlink, (const char *path), (path), LoadedPath(path, "unlink(2)"),    \
    NoBuffer())                                                                \
  X(int, mkdir, (const char *path, mode_t mode), (path, mode),                 \
    LoadedPath(path, "mkdir(2)"), NoBuffer())                                  \
  X(int, rmdir, (const char *path), (path), LoadedPath(path, "rmdir(2)"),      \
    NoBuffer())                                                                \
  X(int, chdir, (const char *path), (path), LoadedPath(path, "chdir(2)"),      \
    NoBuffer())                                                                \
  X(int, rename, (const char *from, const char *to), (from, to),               \
    LoadedPath(from, "rename(2)"), LoadedPath(to, "rename(2)"))                \
  X(char *, getcwd, (char *buf, size_t n), (buf, n),                           \
    Stored(buf, n, "getcwd(3)"), NoBuffer())                                   \
  X(int, getsockopt,                                                           \
    (int fd, int level, int name, void *value, socklen_t *len),                \
    (fd, level, name, value, len),                                             \
    StoredSized(value, len, "getsockopt(2)"), NoBuffer())                      \
  X(int, setsockopt,                                                           \
    (int fd, int level, int name, const void *value, socklen_t len),           \
    (fd, level, name, value, len), Loaded(value, len, "setsockopt(2)"),        \
    NoBuffer())                                                                \
  X(int, getsockname, (int fd, sockaddr *addr, socklen_t *len),                \
    (fd, addr, len), StoredSized(addr, len, "getsockname(2)"), NoBuffer())     \
  X(int, getpeername, (int fd, sockaddr *addr, socklen_t *len),                \
    (fd, addr, len), StoredSized(addr, len, "getpeername(2)"), NoBuffer())     \
  X(int, bind, (int fd, const sockaddr *addr, socklen_t len), (fd, addr, len), \
    Loaded(addr, len, "bind(2)"), NoBuffer())                                  \
  X(int, ioctl, (int fd, unsigned long request, void *arg),                    \
    (fd, request, arg), IoctlBuffer(request, arg), NoBuffer())                 \
  X(int, poll, (struct pollfd *fds, nfds_t n, int timeout), (fds, n, timeout), \
    Stored(fds, ItemBytes(n, sizeof(*fds)), "poll(2)"), NoBuffer())            \
  X(int, ppoll,                                                                \
    (struct pollfd *fds, nfds_t n, const struct timespec *timeout,             \
     const sigset_t *mask),                                                    \
    (fds, n, timeout, mask),                                                   \
    Stored(fds, ItemBytes(n, sizeof(*fds)), "ppoll(2)"),                       \
    Loaded(timeout, timeout ? sizeof(*timeout) : 0, "ppoll(2)"))               \
  X(int, clock_gettime, (clockid_t clock, struct timespec *ts), (clock, ts),   \
    Stored(ts, sizeof(*ts), "clock_gettime(2)"), NoBuffer())                   \
  X(int, clock_getres, (clockid_t clock, struct timespec *ts), (clock, ts),    \
    Stored(ts, ts ? sizeof(*ts) : 0, "clock_getres(2)"), NoBuffer())           \
  X(int, gettimeofday, (struct timeval *tv, void *tz), (tv, tz),               \
    Stored(tv, tv ? sizeof(*tv) : 0, "gettimeofday(2)"), NoBuffer())           \
  X(int, nanosleep, (const struct timespec *req, struct timespec *rem),        \
    (req, rem), Loaded(req, sizeof(*req), "nanosleep(2)"),                     \
    Stored(rem, rem ? sizeof(*rem) : 0, "nanosleep(2)"))                       \
  X(int, clock_nanosleep,                                                      \
    (clockid_t clock, int flags, const struct timespec *req,                   \
     struct timespec *rem),                                                    \
    (clock, flags, req, rem), Loaded(req, sizeof(*req), "clock_nanosleep(2)"), \
    Stored(rem, rem ? sizeof(*rem) : 0, "clock_nanosleep(2)"))                 \
  X(pid_t, waitpid, (pid_t pid, int *status, int options),                     \
    (pid, status, options),                                                    \
    Stored(status, status ? sizeof(*status) : 0, "waitpid(2)"), NoBuffer())    \
  X(pid_t, wait4,                                                              \
    (pid_t pid, int *status, int options, struct rusage *usage),               \
    (pid, status, options, usage),                                             \
    Stored(status, status ? sizeof(*status) : 0, "wait4(2)"),                  \
    Stored(usage, usage ? sizeof(*usage) : 0, "wait4(2)"))                     \
  X(int, getrusage, (int who, struct rusage *usage), (who, usage),             \
    Stored(usage, sizeof(*usage), "getrusage(2)"), NoBuffer())                 \
  X(int, uname, (struct utsname *name), (name),                                \
    Stored(name, sizeof(*name), "uname(2)"), NoBuffer())                       \
  X(int, sysinfo, (struct sysinfo *info), (info),                              \
    Stored(info, sizeof(*info), "sysinfo(2)"), NoBuffer())                     \
  X(clock_t, times, (struct tms *buf), (buf),                                  \
    Stored(buf, buf ? sizeof(*buf) : 0, "times(2)"), NoBuffer())               \
  X(ssize_t, getrandom, (void *buf, size_t n, unsigned flags),                 \
    (buf, n, flags),                                                           \
    Stored(buf, n, "getrandom(2)"), NoBuffer())

// The real function, resolved with the race interceptors' (SyncTracked
// settles them on a first call made before the runtime's constructors).
#define CGOSAN_BUFFER_CALL_INTERCEPTOR(result, name, params, args, first,      \
                                       then)                                   \
  INTERCEPTOR(result, name, CGOSAN_UNPAREN params) {                           \
    LibcBufferHold held_first(first);                                          \
    LibcBufferHold held_then(then);                                            \
    if (UNLIKELY(!PassThrough()))                                              \
      SyncTracked();                                                           \
    return REAL(name) args;                                                    \
  }
#define CGOSAN_UNPAREN(...) __VA_ARGS__
CGOSAN_BUFFER_CALLS(CGOSAN_BUFFER_CALL_INTERCEPTOR)

namespace __cgosan {

void InterceptBufferCalls() {
#define CGOSAN_INTERCEPT_BUFFER_CALL(result, name, params, args, first, then)  \
  CGOSAN_INTERCEPT(name);
  CGOSAN_BUFFER_CALLS(CGOSAN_INTERCEPT_BUFFER_CALL)
#undef CGOSAN_INTERCEPT_BUFFER_CALL
}

}  // namespace __cgosan
