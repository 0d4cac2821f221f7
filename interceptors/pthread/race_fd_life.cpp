// race_fd_life.cpp — where an fd's sync object comes from and where it goes
// (race_fd.cpp has the model). pipe, pipe2 and socketpair give their two
// fds one new sync object; eventfd, timerfd_create, signalfd (a new one),
// inotify_init and inotify_init1 give their fd a new one; socket and accept
// join the sockets' shared one (and accept acquires it: connect released it,
// so what the connecting thread did is ordered before the accepted fd's
// use). dup, dup2, dup3 and fcntl(F_DUPFD, F_DUPFD_CLOEXEC) make the new fd
// share the old one's. close and fclose release (a reader that sees EOF is
// ordered after the closer) and forget the fd's sync object before the real
// close: the number can be reused by another thread as soon as the kernel
// frees it. close_range and closefrom forget every fd of their range.
// Each of these resets the number's entry, so a file made at a reused number
// never inherits the clock of the file that had it before.
// Allowed on purpose: fds closed where the interceptors cannot see it (a raw
// syscall, libc's own internal closes) keep their entry until the number is made again by a
// call above; in between, a file the interceptors did not see made there
// uses the old sync object: that can only hide a race.
// With retention=full or guard, the fd arrays of pipe, pipe2 and socketpair
// and the addresses of connect, accept and accept4 are held first
// (LibcBufferHold, checkers/retention_libc.h).
// Cost: see race_fd.cpp; race=off is one load and a branch per call.
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "race_fd.h"
#include "retention_libc.h"
#include "retention_table.h"

// Called by the slow paths below, defined by the interceptors further down.
DECLARE_REAL(int, close, int fd)
DECLARE_REAL(int, close_range, unsigned first, unsigned last, int flags)
DECLARE_REAL(void, closefrom, int lowfd)
DECLARE_REAL(int, fclose, FILE *file)
DECLARE_REAL(int, signalfd, int fd, const sigset_t *mask, int flags)
// accept is accept4 with no flags: both call the real accept4.
DECLARE_REAL(int, accept4, int fd, sockaddr *addr, socklen_t *len, int flags)

using namespace __cgosan;

namespace {

// pipe, pipe2, socketpair: two fds in fds[0..1] on success (0).
template <typename... Args>
NOINLINE int CallThenCreatePair(int (**real)(Args...), int *fds,
                                Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  int result = (*real)(args...);
  if (result == 0)
    FdPairCreated(fds[0], fds[1]);
  return result;
}

// dup and friends: the new fd (the result) shares oldfd's sync object.
template <typename... Args>
NOINLINE int CallThenDuplicate(int (**real)(Args...), int oldfd,
                               Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  int newfd = (*real)(args...);
  if (newfd >= 0)
    FdDuplicated(oldfd, newfd);
  return newfd;
}

NOINLINE int AcceptTracked(int (**real)(int, sockaddr *, socklen_t *, int),
                           int fd, sockaddr *addr, socklen_t *len,
                           int flags) {
  if (!SyncTracked())
    return (*real)(fd, addr, len, flags);
  int newfd = (*real)(fd, addr, len, flags);
  if (newfd >= 0) {
    FdCreated(newfd, kFdSocket);
    FdAcquireEdge(newfd);
  }
  return newfd;
}

NOINLINE int CloseTracked(int fd) {
  if (SyncTracked())
    FdClosing(fd);
  return REAL(close)(fd);
}

// close_range forgets the range once it is closed (not when it only sets
// close-on-exec); closefrom is close_range(lowfd, ~0U, 0).
NOINLINE int CloseRangeTracked(unsigned first, unsigned last, int flags) {
  if (!SyncTracked())
    return REAL(close_range)(first, last, flags);
  int result = REAL(close_range)(first, last, flags);
  if (result == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
    FdRangeClosed(first, last);
  return result;
}

NOINLINE void ClosefromTracked(int lowfd) {
  if (!SyncTracked())
    return REAL(closefrom)(lowfd);
  REAL(closefrom)(lowfd);
  if (lowfd >= 0)
    FdRangeClosed(static_cast<unsigned>(lowfd), ~0u);
}

// fclose closes its FILE's fd inside libc, where close is not seen.
NOINLINE int FcloseTracked(FILE *file) {
  if (SyncTracked()) {
    int fd = fileno(file);
    if (fd >= 0)
      FdClosing(fd);
  }
  return REAL(fclose)(file);
}

// signalfd makes a file only when fd is -1; otherwise it changes the mask
// of an existing one.
NOINLINE int SignalfdTracked(int fd, const sigset_t *mask, int flags) {
  if (!SyncTracked())
    return REAL(signalfd)(fd, mask, flags);
  int result = REAL(signalfd)(fd, mask, flags);
  if (result >= 0 && fd == -1)
    FdCreated(result, kFdPrivate);
  return result;
}

// fcntl and fcntl64: only F_DUPFD and F_DUPFD_CLOEXEC make an fd.
NOINLINE int FcntlTracked(int (**real)(int, int, ...), int fd, int cmd,
                          void *arg) {
  if (!SyncTracked() || (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC))
    return (*real)(fd, cmd, arg);
  int newfd = (*real)(fd, cmd, arg);
  if (newfd >= 0)
    FdDuplicated(fd, newfd);
  return newfd;
}

}  // namespace

// --- Files made in pairs ------------------------------------------------------
INTERCEPTOR(int, pipe, int fds[2]) {
  LibcBufferHold hold(Stored(fds, 2 * sizeof(int), "pipe(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pipe)(fds);
  return CallThenCreatePair(&REAL(pipe), fds, fds);
}

INTERCEPTOR(int, pipe2, int fds[2], int flags) {
  LibcBufferHold hold(Stored(fds, 2 * sizeof(int), "pipe2(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pipe2)(fds, flags);
  return CallThenCreatePair(&REAL(pipe2), fds, fds, flags);
}

INTERCEPTOR(int, socketpair, int domain, int type, int protocol, int fds[2]) {
  LibcBufferHold hold(Stored(fds, 2 * sizeof(int), "socketpair(2)"));
  if (LIKELY(PassThrough()))
    return REAL(socketpair)(domain, type, protocol, fds);
  return CallThenCreatePair(&REAL(socketpair), fds, domain, type, protocol,
                            fds);
}

// --- Files made alone -----------------------------------------------------------
INTERCEPTOR(int, eventfd, unsigned int initval, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(eventfd)(initval, flags);
  return CallThenCreateFd<kFdPrivate>(&REAL(eventfd), initval, flags);
}

INTERCEPTOR(int, timerfd_create, int clockid, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(timerfd_create)(clockid, flags);
  return CallThenCreateFd<kFdPrivate>(&REAL(timerfd_create), clockid, flags);
}

INTERCEPTOR(int, signalfd, int fd, const sigset_t *mask, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(signalfd)(fd, mask, flags);
  return SignalfdTracked(fd, mask, flags);
}

INTERCEPTOR(int, inotify_init, void) {
  if (LIKELY(PassThrough()))
    return REAL(inotify_init)();
  return CallThenCreateFd<kFdPrivate>(&REAL(inotify_init));
}

INTERCEPTOR(int, inotify_init1, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(inotify_init1)(flags);
  return CallThenCreateFd<kFdPrivate>(&REAL(inotify_init1), flags);
}

// --- Sockets ----------------------------------------------------------------------
INTERCEPTOR(int, socket, int domain, int type, int protocol) {
  if (LIKELY(PassThrough()))
    return REAL(socket)(domain, type, protocol);
  return CallThenCreateFd<kFdSocket>(&REAL(socket), domain, type, protocol);
}

INTERCEPTOR(int, connect, int fd, const sockaddr *addr, socklen_t len) {
  LibcBufferHold hold(Loaded(addr, len, "connect(2)"));
  if (LIKELY(PassThrough()))
    return REAL(connect)(fd, addr, len);
  return ReleaseFdThenCall(&REAL(connect), fd, fd, addr, len);
}

INTERCEPTOR(int, accept, int fd, sockaddr *addr, socklen_t *len) {
  LibcBufferHold hold(StoredSized(addr, len, "accept(2)"));
  if (LIKELY(PassThrough()))
    return REAL(accept4)(fd, addr, len, 0);
  return AcceptTracked(&REAL(accept4), fd, addr, len, 0);
}

INTERCEPTOR(int, accept4, int fd, sockaddr *addr, socklen_t *len, int flags) {
  LibcBufferHold hold(StoredSized(addr, len, "accept4(2)"));
  if (LIKELY(PassThrough()))
    return REAL(accept4)(fd, addr, len, flags);
  return AcceptTracked(&REAL(accept4), fd, addr, len, flags);
}

// --- Duplicates -------------------------------------------------------------------
INTERCEPTOR(int, dup, int oldfd) {
  if (LIKELY(PassThrough()))
    return REAL(dup)(oldfd);
  return CallThenDuplicate(&REAL(dup), oldfd, oldfd);
}

INTERCEPTOR(int, dup2, int oldfd, int newfd) {
  if (LIKELY(PassThrough()))
    return REAL(dup2)(oldfd, newfd);
  return CallThenDuplicate(&REAL(dup2), oldfd, oldfd, newfd);
}

INTERCEPTOR(int, dup3, int oldfd, int newfd, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(dup3)(oldfd, newfd, flags);
  return CallThenDuplicate(&REAL(dup3), oldfd, oldfd, newfd, flags);
}

// fcntl and fcntl64 (one function under two names); the third argument is
// an int or a pointer: passed on as a word.
#define CGOSAN_FCNTL_INTERCEPTOR(name)                  \
  INTERCEPTOR(int, name, int fd, int cmd, ...) {        \
    va_list ap;                                         \
    va_start(ap, cmd);                                  \
    void *arg = va_arg(ap, void *);                     \
    va_end(ap);                                         \
    if (LIKELY(PassThrough()))                          \
      return REAL(name)(fd, cmd, arg);                  \
    return FcntlTracked(&REAL(name), fd, cmd, arg);     \
  }
CGOSAN_FCNTL_INTERCEPTOR(fcntl)
CGOSAN_FCNTL_INTERCEPTOR(fcntl64)
#undef CGOSAN_FCNTL_INTERCEPTOR

// --- Close ------------------------------------------------------------------------
INTERCEPTOR(int, close, int fd) {
  if (LIKELY(PassThrough()))
    return REAL(close)(fd);
  return CloseTracked(fd);
}

INTERCEPTOR(int, close_range, unsigned first, unsigned last, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(close_range)(first, last, flags);
  return CloseRangeTracked(first, last, flags);
}

INTERCEPTOR(void, closefrom, int lowfd) {
  if (LIKELY(PassThrough()))
    return REAL(closefrom)(lowfd);
  return ClosefromTracked(lowfd);
}

INTERCEPTOR(int, fclose, FILE *file) {
  EndRetentions(reinterpret_cast<uptr>(file), "fclose");  // setvbuf's buffer
  if (LIKELY(PassThrough()))
    return REAL(fclose)(file);
  return FcloseTracked(file);
}

namespace __cgosan {

void InterceptFdLifeFunctions() {
  CGOSAN_INTERCEPT(pipe);
  CGOSAN_INTERCEPT(pipe2);
  CGOSAN_INTERCEPT(socketpair);
  CGOSAN_INTERCEPT(eventfd);
  CGOSAN_INTERCEPT(timerfd_create);
  CGOSAN_INTERCEPT(signalfd);
  CGOSAN_INTERCEPT(inotify_init);
  CGOSAN_INTERCEPT(inotify_init1);
  CGOSAN_INTERCEPT(socket);
  CGOSAN_INTERCEPT(connect);
  CGOSAN_INTERCEPT(accept4);
  CGOSAN_INTERCEPT(dup);
  CGOSAN_INTERCEPT(dup2);
  CGOSAN_INTERCEPT(dup3);
  CGOSAN_INTERCEPT(fcntl);
  CGOSAN_INTERCEPT(fcntl64);
  CGOSAN_INTERCEPT(close);
  CGOSAN_INTERCEPT(close_range);
  CGOSAN_INTERCEPT(closefrom);
  CGOSAN_INTERCEPT(fclose);
}

}  // namespace __cgosan
