// race_fd_epoll.cpp — edges through an epoll instance (race_fd.cpp has the
// model). epoll_create and epoll_create1 give the epoll fd a new sync
// object. epoll_ctl with EPOLL_CTL_ADD or EPOLL_CTL_MOD releases it before
// the real call, so what a thread set up for an event (the data pointer's
// target) is ordered before the epoll_wait that reports it; a successful ADD
// also makes every later send to the watched fd's file (through either end
// of a pipe or socketpair) release to the epoll fd.
// epoll_wait and epoll_pwait acquire it when they report at least one
// event. The read of a ready fd that usually follows acquires that fd's own
// sync object (race_fd_io.cpp), so a loop that reads what woke it is ordered
// after the writer even without the watch.
// Allowed on purpose: a file watched by several epoll instances releases
// only to the first (as TSan), files with shared clocks (sockets, fds made
// unseen) to none, and an event reports no particular fd's clock: the wait
// acquires everything released to the instance, which can only hide a race. epoll_pwait2 is not intercepted (glibc 2.35): its read does the work.
// With retention=full or guard, epoll_ctl's event and the wait's array are
// held first (LibcBufferHold, checkers/retention_libc.h).
// Cost: see race_fd.cpp; race=off is one load and a branch per call.
#include <sys/epoll.h>

#include "race_fd.h"
#include "retention_libc.h"

using namespace __cgosan;

// Called by the slow path below, defined by the interceptor further down.
DECLARE_REAL(int, epoll_ctl, int epfd, int op, int fd, struct epoll_event *ev)

namespace {

// An epoll wait reported events.
template <typename... Args>
NOINLINE int WaitThenAcquire(int (**real)(Args...), int epfd, Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  int events = (*real)(args...);
  if (events > 0)
    FdAcquireEdge(epfd);
  return events;
}

NOINLINE int ControlTracked(int epfd, int op, int fd, struct epoll_event *ev) {
  if (!SyncTracked())
    return REAL(epoll_ctl)(epfd, op, fd, ev);
  if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD)
    FdReleaseEdge(epfd);
  int result = REAL(epoll_ctl)(epfd, op, fd, ev);
  if (result == 0 && op == EPOLL_CTL_ADD)
    FdWatched(epfd, fd);
  return result;
}

}  // namespace

INTERCEPTOR(int, epoll_create, int size) {
  if (LIKELY(PassThrough()))
    return REAL(epoll_create)(size);
  return CallThenCreateFd<kFdPrivate>(&REAL(epoll_create), size);
}

INTERCEPTOR(int, epoll_create1, int flags) {
  if (LIKELY(PassThrough()))
    return REAL(epoll_create1)(flags);
  return CallThenCreateFd<kFdPrivate>(&REAL(epoll_create1), flags);
}

INTERCEPTOR(int, epoll_ctl, int epfd, int op, int fd, struct epoll_event *ev) {
  LibcBufferHold hold(Loaded(ev, ev && op != EPOLL_CTL_DEL ? sizeof(*ev) : 0,
                             "epoll_ctl(2)"));
  if (LIKELY(PassThrough()))
    return REAL(epoll_ctl)(epfd, op, fd, ev);
  return ControlTracked(epfd, op, fd, ev);
}

INTERCEPTOR(int, epoll_wait, int epfd, struct epoll_event *events, int max,
            int timeout) {
  LibcBufferHold hold(Stored(events, ItemBytes(max > 0 ? max : 0, sizeof(*events)),
                             "epoll_wait(2)"));
  if (LIKELY(PassThrough()))
    return REAL(epoll_wait)(epfd, events, max, timeout);
  return WaitThenAcquire(&REAL(epoll_wait), epfd, epfd, events, max, timeout);
}

INTERCEPTOR(int, epoll_pwait, int epfd, struct epoll_event *events, int max,
            int timeout, const sigset_t *mask) {
  LibcBufferHold hold(Stored(events, ItemBytes(max > 0 ? max : 0, sizeof(*events)),
                             "epoll_pwait(2)"));
  if (LIKELY(PassThrough()))
    return REAL(epoll_pwait)(epfd, events, max, timeout, mask);
  return WaitThenAcquire(&REAL(epoll_pwait), epfd, epfd, events, max, timeout,
                         mask);
}

namespace __cgosan {

void InterceptEpollFunctions() {
  CGOSAN_INTERCEPT(epoll_create);
  CGOSAN_INTERCEPT(epoll_create1);
  CGOSAN_INTERCEPT(epoll_ctl);
  CGOSAN_INTERCEPT(epoll_wait);
  CGOSAN_INTERCEPT(epoll_pwait);
}

}  // namespace __cgosan
