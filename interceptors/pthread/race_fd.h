// race_fd.h — happens-before through the kernel: what the fd interceptors
// (race_fd_*.cpp) share. race_fd.cpp keeps the table from fd numbers to sync
// objects and explains the model; the interceptors have the pthread ones'
// shape (race_pthread.h): one load and a branch when race=off, an out-of-line
// slow path that adds the edge when tracking.
#ifndef CGOSAN_INTERCEPTORS_PTHREAD_RACE_FD_H
#define CGOSAN_INTERCEPTORS_PTHREAD_RACE_FD_H

#include "race_pthread.h"

namespace __cgosan {

// The clock an fd was born with. A private one belongs to the file the call
// made (both ends of a pipe or socketpair share theirs); sockets made by
// socket() or accept() share one, as TSan's do; an fd the interceptors never
// saw made (open(), inherited, made inside libc) uses the shared file clock.
enum FdOrigin : u32 {
  kFdPrivate,  // pipe, socketpair, eventfd, epoll, timerfd, signalfd, inotify
  kFdSocket,   // socket(), accept()
};

// Edges on fd's sync object (and, for a write, on the epoll instances that
// watch it). Called with the caller's errno saved.
void FdReleaseEdge(int fd);
void FdAcquireEdge(int fd);

// An fd (or two sharing one file) was just made: a new sync object, so the
// number's earlier file and its clock are forgotten.
void FdCreated(int fd, FdOrigin origin);
void FdPairCreated(int fd0, int fd1);
// close: the fd is about to be closed; it releases (a peer reading EOF is
// ordered after it) and forgets its sync object.
void FdClosing(int fd);
// close_range, closefrom: every fd in [first, last] was closed; they forget
// their sync objects (no release: nobody waits for a mass close).
void FdRangeClosed(unsigned first, unsigned last);
// dup, dup2, dup3, fcntl(F_DUPFD): newfd now names oldfd's file.
void FdDuplicated(int oldfd, int newfd);
// epoll_ctl(EPOLL_CTL_ADD): sends to fd's file (through any of its fds)
// release to epfd as well, so an epoll_wait that reports fd is ordered
// after them.
void FdWatched(int epfd, int fd);
// fork(2): the table of sync objects' users, locked around it by
// race_pthread_fork.cpp.
void LockFdSyncUsersForFork();
void UnlockFdSyncUsersAfterFork();

// The slow paths of the interceptors whose edge is on one fd. `real` is
// &REAL(func), read only after SyncTracked() has resolved it. kAccesses
// (result, args...) records the bytes the call touched in the program's
// memory (RecordLibcRead/Write, race_libc_memory.cpp), where TSan's
// interceptors record them: a send's after its release and the real call, a
// receive's between the real call and its acquire. None (nullptr) for a call
// that is only an edge (eventfd_read, eventfd_write).
template <auto kAccesses = nullptr, typename Result, typename... Args>
NOINLINE Result ReleaseFdThenCall(Result (**real)(Args...), int fd,
                                  Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  FdReleaseEdge(fd);
  Result result = (*real)(args...);
  if constexpr (kAccesses != nullptr)
    kAccesses(result, args...);
  return result;
}

// Where a receive's stores are recorded against its acquire, as TSan
// records them: read, recv and the vectored reads before it, the message
// receives (recvmsg, recvmmsg) after it, so a sender's earlier accesses of
// the receive buffer are ordered before what the kernel stores there.
enum class RecordStores { kBeforeAcquire, kAfterAcquire };

// Acquires when the call succeeds (a result >= 0: bytes, 0 for EOF, or a
// count of messages).
template <auto kAccesses = nullptr,
          RecordStores kWhen = RecordStores::kBeforeAcquire, typename Result,
          typename... Args>
NOINLINE Result CallThenAcquireFd(Result (**real)(Args...), int fd,
                                  Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  Result result = (*real)(args...);
  if constexpr (kAccesses != nullptr && kWhen == RecordStores::kBeforeAcquire)
    kAccesses(result, args...);
  if (result >= 0)
    FdAcquireEdge(fd);
  if constexpr (kAccesses != nullptr && kWhen == RecordStores::kAfterAcquire)
    kAccesses(result, args...);
  return result;
}

// Calls that make one fd (the result, >= 0 on success).
template <FdOrigin kOrigin, typename... Args>
NOINLINE int CallThenCreateFd(int (**real)(Args...), Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  int fd = (*real)(args...);
  if (fd >= 0)
    FdCreated(fd, kOrigin);
  return fd;
}

}  // namespace __cgosan

#endif  // CGOSAN_INTERCEPTORS_PTHREAD_RACE_FD_H
