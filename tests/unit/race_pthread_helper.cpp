// race_pthread_helper.cpp — the child program of race_pthread_test.cpp:
// one managed object written by one thread and read by another, ordered in
// time by an atomic flag the race engine does not see, and ordered for the
// engine only through the pthread primitive a case names.
//   race_pthread_helper CASE ordered|unordered   one case (see kCases)
//   race_pthread_helper stress ordered|unordered  8 threads share the object
//   race_pthread_helper behaviour                 the primitives still work
// It prints "done" last (stderr). Built three ways: linked with libcgosan.a
// (CGOSAN_HELPER_STATIC: it also prints the interceptors' state, an internal
// of the runtime), with libcgosan.so, and (CGOSAN_HELPER_PRELOADED) with
// neither, finding the C API with dlsym, to run under
// LD_PRELOAD=libcgosan.so.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <cgosan/cgosan.h>

#ifdef CGOSAN_HELPER_STATIC
#include "race_pthread.h"
#endif

#ifndef NOINLINE
#define NOINLINE __attribute__((noinline))
#endif

namespace {

struct Api {
  void *(*new_object)(const cgosan_type *);
  void (*read_range)(const void *, size_t, const char *);
  void (*write_range)(const void *, size_t, const char *);
};

#ifdef CGOSAN_HELPER_PRELOADED
template <typename Fn>
void Resolve(Fn *fn, const char *name) {
  *fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
  if (!*fn) {
    fprintf(stderr, "%s not found: run with LD_PRELOAD=libcgosan.so\n", name);
    exit(2);
  }
}
Api LoadApi() {
  Api api;
  Resolve(&api.new_object, "cgosan_new");
  Resolve(&api.read_range, "cgosan_race_read_range");
  Resolve(&api.write_range, "cgosan_race_write_range");
  return api;
}
#else
Api LoadApi() {
  return {cgosan_new, cgosan_race_read_range, cgosan_race_write_range};
}
#endif

const cgosan_type kRow = {"struct row", 48, 0, nullptr, 0};
// The program's own accesses (no foreign call): race=go sees them too.
constexpr const char *kCall = nullptr;
Api api;
char *obj;
bool ordered;              // the case's edge is in place
std::atomic<int> written;  // the real order, unseen by the engine

// How WriteObj writes: the range API, a fortified libc call (what C
// built with _FORTIFY_SOURCE calls), or a printf %n, which the runtime
// records.
enum WriteWith { kRangeApi, kMemcpyChk, kSnprintfChk, kPrintfCount };
WriteWith write_with = kRangeApi;
const char kSixteen[] = "0123456789abcdef";
// Not a constant, or the compiler turns the call into plain stores, as it
// does fortified code's whose size it knows.
volatile size_t sixteen = 16;
extern "C" void *__memcpy_chk(void *dst, const void *src, size_t n,
                              size_t object);
extern "C" int __snprintf_chk(char *buf, size_t n, int flag, size_t object,
                              const char *format, ...);
// Not literals: the compiler checks no format, folds no call.
const char *volatile count_format = "%n";
const char *volatile star_precision_format = "%.*s";

NOINLINE void WriteObj() {
  switch (write_with) {
    case kRangeApi:
      api.write_range(obj + 16, 16, kCall);
      break;
    case kMemcpyChk:
      __memcpy_chk(obj + 16, kSixteen, sixteen, 32);
      break;
    case kSnprintfChk:  // 15 digits and the NUL
      __snprintf_chk(obj + 16, sixteen, 1, 32, "%015d", 7);
      break;
    case kPrintfCount: {  // %n stores an int (0) at obj + 16
      char printed[4];
      snprintf(printed, sizeof(printed), count_format, obj + 16);
      break;
    }
  }
}
// How ReadObj reads: the range API, or libc reading the bytes.
enum ReadWith { kReadRangeApi, kStrcmp, kMemchr, kPrintfString };
ReadWith read_with = kReadRangeApi;
volatile int found;
const char *volatile compared = "z";  // not a constant: a real strcmp call
NOINLINE void ReadObj() {
  switch (read_with) {
    case kReadRangeApi:
      api.read_range(obj + 16, 16, kCall);
      break;
    case kStrcmp:  // obj is zeroed: reads one byte
      found = strcmp(obj + 16, compared);
      break;
    case kMemchr:  // no 'x' there: reads all 16
      found = memchr(obj + 16, 'x', sixteen) != nullptr;
      break;
    case kPrintfString: {  // "%.*s", 16: obj is zeroed, reads the NUL
      char printed[4];
      found = snprintf(printed, sizeof(printed), star_precision_format,
                       static_cast<int>(sixteen), obj + 16);
      break;
    }
  }
}

void MarkWritten() { written.store(1, std::memory_order_release); }
void WaitWritten() {
  while (!written.load(std::memory_order_acquire))
    sched_yield();
}

// Writes inside the primitive's critical section or before its release when
// ordered, after it when not.
void WriteIfOrdered() {
  if (ordered)
    WriteObj();
}
void WriteIfUnordered() {
  if (!ordered)
    WriteObj();
}

pthread_t Start(void *(*fn)(void *)) {
  pthread_t t;
  if (pthread_create(&t, nullptr, fn, nullptr) != 0)
    abort();
  return t;
}
void JoinThread(pthread_t t) {
  if (pthread_join(t, nullptr) != 0)
    abort();
}
// Two threads: `writer` writes, `reader` reads.
void RunPair(void *(*writer)(void *), void *(*reader)(void *)) {
  pthread_t w = Start(writer), r = Start(reader);
  JoinThread(w);
  JoinThread(r);
}

// --- Locks: the writer writes inside (ordered) or after its critical
// section; the reader takes the lock once the write is done.
struct LockOps {
  void (*lock_to_write)();
  void (*lock_to_read)();
  void (*unlock)();
};
pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
pthread_spinlock_t spin;
const LockOps kMutexOps = {[] { pthread_mutex_lock(&mutex); },
                           [] { pthread_mutex_lock(&mutex); },
                           [] { pthread_mutex_unlock(&mutex); }};
const LockOps kRwlockOps = {[] { pthread_rwlock_wrlock(&rwlock); },
                            [] { pthread_rwlock_rdlock(&rwlock); },
                            [] { pthread_rwlock_unlock(&rwlock); }};
const LockOps kSpinOps = {[] { pthread_spin_lock(&spin); },
                          [] { pthread_spin_lock(&spin); },
                          [] { pthread_spin_unlock(&spin); }};
mtx_t c11_mutex;  // mtx_init in main
const LockOps kMtxOps = {[] { mtx_lock(&c11_mutex); },
                         [] { mtx_lock(&c11_mutex); },
                         [] { mtx_unlock(&c11_mutex); }};
const LockOps *lock_ops;

void *LockedWriter(void *) {
  lock_ops->lock_to_write();
  WriteIfOrdered();
  lock_ops->unlock();
  WriteIfUnordered();
  MarkWritten();
  return nullptr;
}
void *LockedReader(void *) {
  WaitWritten();
  lock_ops->lock_to_read();
  ReadObj();
  lock_ops->unlock();
  return nullptr;
}
void RunLocked(const LockOps &ops) {
  lock_ops = &ops;
  RunPair(LockedWriter, LockedReader);
}

// --- A destroyed mutex: the writer writes inside its critical section;
// unordered, it then destroys the mutex and initialises a new one at the
// same address, which the reader takes: the new mutex orders nothing of the
// old one's.
pthread_mutex_t reborn_mutex = PTHREAD_MUTEX_INITIALIZER;
void *RebornWriter(void *) {
  pthread_mutex_lock(&reborn_mutex);
  WriteObj();
  pthread_mutex_unlock(&reborn_mutex);
  if (!ordered &&
      (pthread_mutex_destroy(&reborn_mutex) != 0 ||
       pthread_mutex_init(&reborn_mutex, nullptr) != 0))
    abort();
  MarkWritten();
  return nullptr;
}
void *RebornReader(void *) {
  WaitWritten();
  pthread_mutex_lock(&reborn_mutex);
  ReadObj();
  pthread_mutex_unlock(&reborn_mutex);
  return nullptr;
}
void MutexDestroyed() { RunPair(RebornWriter, RebornReader); }

// --- Condition variable: the reader is inside the wait (it set `waiting`
// under the mutex, which the writer can then only take once the wait has
// given it up) when the writer sets `ready` and signals. pthread's or C11's.
struct CondOps {
  void (*lock)();
  void (*unlock)();
  void (*signal)();
  void (*wait)();
};
pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
cnd_t c11_cond;  // cnd_init in main
const CondOps kPthreadCondOps = {[] { pthread_mutex_lock(&mutex); },
                                 [] { pthread_mutex_unlock(&mutex); },
                                 [] { pthread_cond_signal(&cond); },
                                 [] { pthread_cond_wait(&cond, &mutex); }};
const CondOps kC11CondOps = {[] { mtx_lock(&c11_mutex); },
                             [] { mtx_unlock(&c11_mutex); },
                             [] { cnd_signal(&c11_cond); },
                             [] { cnd_wait(&c11_cond, &c11_mutex); }};
const CondOps *cond_ops;
bool ready;
std::atomic<int> waiting;
void *CondWriter(void *) {
  while (!waiting.load(std::memory_order_acquire))
    sched_yield();
  cond_ops->lock();
  WriteIfOrdered();
  ready = true;
  cond_ops->signal();
  cond_ops->unlock();
  WriteIfUnordered();
  MarkWritten();
  return nullptr;
}
void *CondReader(void *) {
  cond_ops->lock();
  waiting.store(1, std::memory_order_release);
  while (!ready)
    cond_ops->wait();
  cond_ops->unlock();
  WaitWritten();
  ReadObj();
  return nullptr;
}
void RunCond(const CondOps &ops) {
  cond_ops = &ops;
  RunPair(CondWriter, CondReader);
}

// --- Handoffs: the writer writes before (ordered) or after its release;
// the reader's acquire comes first, then it waits for the write.
struct HandoffOps {
  void (*release)();
  void (*acquire)();
};
sem_t sem;
pthread_barrier_t barrier;
void SemWait() {
  while (sem_wait(&sem) != 0) {
  }
}
const HandoffOps kSemOps = {[] { sem_post(&sem); }, SemWait};
// Polls the count until the post shows (TSan orders sem_getvalue after it).
const HandoffOps kSemGetvalueOps = {[] { sem_post(&sem); }, [] {
                                      int value = 0;
                                      while (sem_getvalue(&sem, &value) != 0 ||
                                             value == 0)
                                        sched_yield();
                                    }};
const HandoffOps kBarrierOps = {[] { pthread_barrier_wait(&barrier); },
                                [] { pthread_barrier_wait(&barrier); }};
const HandoffOps *handoff_ops;

void *HandoffWriter(void *) {
  WriteIfOrdered();
  handoff_ops->release();
  WriteIfUnordered();
  MarkWritten();
  return nullptr;
}
void *HandoffReader(void *) {
  handoff_ops->acquire();
  WaitWritten();
  ReadObj();
  return nullptr;
}
void RunHandoff(const HandoffOps &ops) {
  handoff_ops = &ops;
  RunPair(HandoffWriter, HandoffReader);
}

// --- Through the kernel: the handoff is an fd call (interceptors/pthread/
// race_fd*.cpp). The fds are made by main before the two threads start.
int fds[2];      // a pipe or socketpair
int other_fd;    // a duplicate, a socket, an eventfd
int epfd;        // an epoll instance
void MustSucceed(bool ok, const char *what) {
  if (!ok) {
    perror(what);
    abort();
  }
}
char token = 1;
void WriteToken(int fd) { MustSucceed(write(fd, &token, 1) == 1, "write"); }
void ReadToken(int fd) { MustSucceed(read(fd, &token, 1) == 1, "read"); }
void EpollWaitOne() {
  epoll_event ev;
  MustSucceed(epoll_wait(epfd, &ev, 1, -1) == 1, "epoll_wait");
}
void MakePipe() { MustSucceed(pipe(fds) == 0, "pipe"); }
void MakeEpoll() {
  epfd = epoll_create1(0);
  MustSucceed(epfd >= 0, "epoll_create1");
}
void Watch(int fd) {
  epoll_event ev = {};
  ev.events = EPOLLIN;
  MustSucceed(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
}

// Written through a dup of the write end, read from the read end.
const HandoffOps kDupOps = {[] { WriteToken(other_fd); },
                            [] { ReadToken(fds[0]); }};
void PipeDup() {
  MakePipe();
  other_fd = dup(fds[1]);
  RunHandoff(kDupOps);
}
// fcntl(F_DUPFD_CLOEXEC) to a number of its own, then the same.
void PipeFcntlDup() {
  MakePipe();
  other_fd = fcntl(fds[1], F_DUPFD_CLOEXEC, 40);
  MustSucceed(other_fd >= 40, "fcntl");
  RunHandoff(kDupOps);
}
// The writer closes the write end; the reader's read returns 0 (EOF).
const HandoffOps kEofOps = {
    [] { close(fds[1]); },
    [] { MustSucceed(read(fds[0], &token, 1) == 0, "read EOF"); }};
void PipeEof() {
  MakePipe();
  RunHandoff(kEofOps);
}
// sendmsg on one end of a socketpair, recvmsg on the other.
iovec token_iov = {&token, 1};
msghdr TokenMessage() {
  msghdr msg = {};
  msg.msg_iov = &token_iov;
  msg.msg_iovlen = 1;
  return msg;
}
void SendMsg(int fd) {
  msghdr msg = TokenMessage();
  MustSucceed(sendmsg(fd, &msg, 0) == 1, "sendmsg");
}
void RecvMsg(int fd) {
  msghdr msg = TokenMessage();
  MustSucceed(recvmsg(fd, &msg, 0) == 1, "recvmsg");
}
const HandoffOps kSocketpairOps = {[] { SendMsg(fds[1]); },
                                   [] { RecvMsg(fds[0]); }};
void SocketpairMsg() {
  MustSucceed(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "socketpair");
  RunHandoff(kSocketpairOps);
}
// connect on a new socket, accept on a listening one (abstract AF_UNIX).
sockaddr_un ListenAddress() {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "cgosan-race-%d",
           static_cast<int>(getpid()));
  return addr;
}
const HandoffOps kAcceptOps = {
    [] {
      sockaddr_un addr = ListenAddress();
      MustSucceed(connect(other_fd, reinterpret_cast<sockaddr *>(&addr),
                          sizeof addr) == 0,
                  "connect");
    },
    [] { MustSucceed(accept(fds[0], nullptr, nullptr) >= 0, "accept"); }};
void UnixAccept() {
  fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
  other_fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr = ListenAddress();
  MustSucceed(bind(fds[0], reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
                  listen(fds[0], 1) == 0,
              "bind+listen");
  RunHandoff(kAcceptOps);
}
// A write to a pipe an epoll instance watches; the reader only waits.
const HandoffOps kEpollWatchOps = {[] { WriteToken(fds[1]); }, EpollWaitOne};
void EpollWatch() {
  MakePipe();
  MakeEpoll();
  Watch(fds[0]);
  RunHandoff(kEpollWatchOps);
}
// epoll_ctl adds a ready eventfd; the reader's epoll_wait reports it.
const HandoffOps kEpollCtlOps = {[] { Watch(other_fd); }, EpollWaitOne};
void EpollCtl() {
  other_fd = eventfd(1, 0);
  MakeEpoll();
  RunHandoff(kEpollCtlOps);
}
// eventfd_write through a dup2 of the eventfd, eventfd_read on it.
const HandoffOps kEventfdDup2Ops = {
    [] { MustSucceed(eventfd_write(other_fd, 1) == 0, "eventfd_write"); },
    [] {
      eventfd_t count;
      MustSucceed(eventfd_read(fds[0], &count) == 0, "eventfd_read");
    }};
void EventfdDup2() {
  fds[0] = eventfd(0, 0);
  other_fd = dup2(fds[0], 50);
  MustSucceed(other_fd == 50, "dup2");
  RunHandoff(kEventfdDup2Ops);
}
// Two unrelated pipes: the writer writes to one, the reader reads from the
// other (filled by main beforehand). Ordered only in race=go, where every
// fd shares Go's one ioSync clock; `ordered` changes nothing here.
int second_pipe[2];
void *TwoPipesWriter(void *) {
  WriteObj();
  WriteToken(fds[1]);
  MarkWritten();
  return nullptr;
}
void *TwoPipesReader(void *) {
  WaitWritten();
  ReadToken(second_pipe[0]);
  ReadObj();
  return nullptr;
}
void TwoPipes() {
  MakePipe();
  MustSucceed(pipe(second_pipe) == 0, "pipe");
  WriteToken(second_pipe[1]);
  RunPair(TwoPipesWriter, TwoPipesReader);
}

// A pipe closed in a way other than close(), its numbers then reused by a
// pipe the interceptors do not see made (a raw syscall): the new pipe must
// not carry the old one's clock. The writer releases the old pipe after its
// write; the reader, once the write is done, closes the old pipe, makes the
// new one, passes a byte through it and reads the object: a race (in both
// shapes: `ordered` changes nothing here).
void (*close_old_pipe)();
void *ClosedPipeWriter(void *) {
  WriteObj();
  WriteToken(fds[1]);
  MarkWritten();
  return nullptr;
}
void *NewPipeReader(void *) {
  WaitWritten();
  int old_read = fds[0];
  close_old_pipe();
  MustSucceed(syscall(SYS_pipe2, fds, 0) == 0 && fds[0] == old_read, "reuse");
  WriteToken(fds[1]);
  ReadToken(fds[0]);
  ReadObj();
  return nullptr;
}
void CloseRangeReuse() {
  MakePipe();
  close_old_pipe = [] {
    MustSucceed(close_range(std::min(fds[0], fds[1]), std::max(fds[0], fds[1]), 0) == 0,
                "close_range");
  };
  RunPair(ClosedPipeWriter, NewPipeReader);
}
void FcloseReuse() {
  MakePipe();
  close_old_pipe = [] {
    MustSucceed(fclose(fdopen(fds[0], "r")) == 0 && fclose(fdopen(fds[1], "w")) == 0,
                "fclose");
  };
  RunPair(ClosedPipeWriter, NewPipeReader);
}

// pthread_once or call_once: the writer's once runs the init, which writes
// (ordered); the reader's once finds it done.
struct OnceOps {
  void (*run)(void (*init)());
};
pthread_once_t once = PTHREAD_ONCE_INIT;
once_flag c11_once = ONCE_FLAG_INIT;
const OnceOps kPthreadOnceOps = {[](void (*init)()) { pthread_once(&once, init); }};
const OnceOps kCallOnceOps = {[](void (*init)()) { call_once(&c11_once, init); }};
const OnceOps *once_ops;
void OnceInit() { WriteIfOrdered(); }
void OnceNothing() {}
void *OnceWriter(void *) {
  once_ops->run(OnceInit);
  WriteIfUnordered();
  MarkWritten();
  return nullptr;
}
void *OnceReader(void *) {
  WaitWritten();
  once_ops->run(OnceNothing);
  ReadObj();
  return nullptr;
}
void RunOnce(const OnceOps &ops) {
  once_ops = &ops;
  RunPair(OnceWriter, OnceReader);
}

// --- Thread life: main and one thread.
void *ReadAfterWritten(void *) {
  WaitWritten();
  ReadObj();
  return nullptr;
}
void Create() {
  WriteIfOrdered();
  pthread_t reader = Start(ReadAfterWritten);
  WriteIfUnordered();
  MarkWritten();
  JoinThread(reader);
}

void *WriteAndReturn(void *) {
  WriteObj();
  MarkWritten();
  return nullptr;
}
void *WriteAndExit(void *) {
  WriteObj();
  MarkWritten();
  pthread_exit(nullptr);
}
// Writes, then waits in a cancellation point until cancelled.
void *WriteAndAwaitCancel(void *) {
  WriteObj();
  MarkWritten();
  for (;;)
    pause();
}
// Main reads after joining (ordered) or before.
void ReadAroundJoin(void *(*writer)(void *), int (*join)(pthread_t)) {
  pthread_t t = Start(writer);
  if (!ordered) {
    WaitWritten();
    ReadObj();
  }
  if (join(t) != 0)
    abort();
  if (ordered)
    ReadObj();
}
int PlainJoin(pthread_t t) { return pthread_join(t, nullptr); }
int CancelThenJoin(pthread_t t) {
  if (pthread_cancel(t) != 0)
    abort();
  return pthread_join(t, nullptr);
}
int TryJoinUntilDone(pthread_t t) {  // EBUSY first: the record goes back
  int rc;
  while ((rc = pthread_tryjoin_np(t, nullptr)) == EBUSY)
    sched_yield();
  return rc;
}
// A minute from now on `clock`: the deadline of the timed joins.
timespec InAMinute(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  ts.tv_sec += 60;
  return ts;
}
int TimedJoin(pthread_t t) {
  timespec deadline = InAMinute(CLOCK_REALTIME);
  return pthread_timedjoin_np(t, nullptr, &deadline);
}
int ClockJoin(pthread_t t) {
  timespec deadline = InAMinute(CLOCK_MONOTONIC);
  return pthread_clockjoin_np(t, nullptr, CLOCK_MONOTONIC, &deadline);
}
void JoinCase() { ReadAroundJoin(WriteAndReturn, PlainJoin); }
void MemcpyChk() {
  write_with = kMemcpyChk;
  JoinCase();
}
void SnprintfChk() {
  write_with = kSnprintfChk;
  JoinCase();
}
void Strcmp() {
  read_with = kStrcmp;
  JoinCase();
}
void Memchr() {
  read_with = kMemchr;
  JoinCase();
}
void PrintfCount() {
  write_with = kPrintfCount;
  JoinCase();
}
void PrintfString() {
  read_with = kPrintfString;
  JoinCase();
}
void Exit() { ReadAroundJoin(WriteAndExit, PlainJoin); }
void TryJoin() { ReadAroundJoin(WriteAndReturn, TryJoinUntilDone); }
void TimedJoinCase() { ReadAroundJoin(WriteAndReturn, TimedJoin); }
void ClockJoinCase() { ReadAroundJoin(WriteAndReturn, ClockJoin); }
void Cancel() { ReadAroundJoin(WriteAndAwaitCancel, CancelThenJoin); }

// C11 threads: the same shapes through thrd_create / thrd_join / thrd_exit.
int C11WriteAndReturn(void *) {
  WriteObj();
  MarkWritten();
  return 0;
}
int C11WriteAndExit(void *) {
  WriteObj();
  MarkWritten();
  thrd_exit(0);
}
int C11ReadAfterWritten(void *) {
  WaitWritten();
  ReadObj();
  return 0;
}
thrd_t C11Start(thrd_start_t fn) {
  thrd_t t;
  if (thrd_create(&t, fn, nullptr) != thrd_success)
    abort();
  return t;
}
void C11Join(thrd_t t) {
  if (thrd_join(t, nullptr) != thrd_success)
    abort();
}
void ReadAroundThrdJoin(thrd_start_t writer) {
  thrd_t t = C11Start(writer);
  if (!ordered) {
    WaitWritten();
    ReadObj();
  }
  C11Join(t);
  if (ordered)
    ReadObj();
}
void ThrdCreate() {
  WriteIfOrdered();
  thrd_t reader = C11Start(C11ReadAfterWritten);
  WriteIfUnordered();
  MarkWritten();
  C11Join(reader);
}
void ThrdJoin() { ReadAroundThrdJoin(C11WriteAndReturn); }
void ThrdExit() { ReadAroundThrdJoin(C11WriteAndExit); }

// A pthread_t reused after a join: thread C creates and joins X2, which gets
// the pthread_t of X1 (joined by main); X1's write must not reach C through
// X2's join. C learns of the join through a semaphore (ordered) or a flag.
pthread_t first_thread;
std::atomic<int> first_joined;
void *Nothing(void *) { return nullptr; }
void *ReuseReader(void *) {
  if (ordered)
    SemWait();
  while (!first_joined.load(std::memory_order_acquire))
    sched_yield();
  pthread_t second = Start(Nothing);
  fprintf(stderr, "reused=%d\n", pthread_equal(second, first_thread) ? 1 : 0);
  JoinThread(second);
  ReadObj();
  return nullptr;
}
void PthreadReuse() {
  pthread_t reader = Start(ReuseReader);
  first_thread = Start(WriteAndReturn);
  JoinThread(first_thread);
  if (ordered)
    sem_post(&sem);
  first_joined.store(1, std::memory_order_release);
  JoinThread(reader);
}

void Mutex() { RunLocked(kMutexOps); }
void Rwlock() { RunLocked(kRwlockOps); }
void Spin() { RunLocked(kSpinOps); }
void Cond() { RunCond(kPthreadCondOps); }
void Sem() { RunHandoff(kSemOps); }
void SemGetvalue() { RunHandoff(kSemGetvalueOps); }
void Barrier() { RunHandoff(kBarrierOps); }
void Once() { RunOnce(kPthreadOnceOps); }
void Mtx() { RunLocked(kMtxOps); }
void Cnd() { RunCond(kC11CondOps); }
void CallOnce() { RunOnce(kCallOnceOps); }

struct Case {
  const char *name;
  void (*run)();
};
const Case kCases[] = {
    {"mutex", Mutex},   {"rwlock", Rwlock},   {"spin", Spin},
    {"cond", Cond},     {"sem", Sem},         {"barrier", Barrier},
    {"once", Once},     {"create", Create},   {"join", JoinCase},
    {"exit", Exit},     {"tryjoin", TryJoin}, {"pthread_t_reuse", PthreadReuse},
    {"timedjoin", TimedJoinCase}, {"clockjoin", ClockJoinCase},
    {"mutex_destroyed", MutexDestroyed},
    {"memcpy_chk", MemcpyChk},    {"snprintf_chk", SnprintfChk},
    {"strcmp", Strcmp},           {"memchr", Memchr},
    {"printf_count", PrintfCount}, {"printf_string", PrintfString},
    {"cancel", Cancel},           {"sem_getvalue", SemGetvalue},
    {"thrd_create", ThrdCreate},  {"thrd_join", ThrdJoin},
    {"thrd_exit", ThrdExit},      {"mtx", Mtx},
    {"cnd", Cnd},                 {"call_once", CallOnce},
    {"pipe_dup", PipeDup},      {"pipe_fcntl_dup", PipeFcntlDup},
    {"pipe_eof", PipeEof},      {"socketpair_msg", SocketpairMsg},
    {"unix_accept", UnixAccept}, {"epoll_watch", EpollWatch},
    {"epoll_ctl", EpollCtl},    {"eventfd_dup2", EventfdDup2},
    {"two_pipes", TwoPipes},    {"close_range_reuse", CloseRangeReuse},
    {"fclose_reuse", FcloseReuse},
};

// --- Stress: 8 threads share the object under one mutex (or none).
constexpr int kStressThreads = 8;
constexpr int kStressIterations = 20000;
void *StressBody(void *) {
  for (int i = 0; i < kStressIterations; i++) {
    if (ordered)
      pthread_mutex_lock(&mutex);
    WriteObj();
    ReadObj();
    if (ordered)
      pthread_mutex_unlock(&mutex);
  }
  return nullptr;
}
void Stress() {
  pthread_t threads[kStressThreads];
  for (pthread_t &t : threads)
    t = Start(StressBody);
  for (pthread_t t : threads)
    JoinThread(t);
}

// --- Behaviour: results and errno are the real functions'.
int failures;
void Expect(bool ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "behaviour: %s failed\n", what);
    failures++;
  }
}
timespec Past() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec -= 1;
  return ts;
}
constexpr int kMarker = 12345;  // an errno value no call here sets

void *HoldLocks(void *) {  // holds every lock until `written`
  pthread_mutex_lock(&mutex);
  pthread_rwlock_wrlock(&rwlock);
  pthread_spin_lock(&spin);
  MarkWritten();
  SemWait();
  pthread_spin_unlock(&spin);
  pthread_rwlock_unlock(&rwlock);
  pthread_mutex_unlock(&mutex);
  return reinterpret_cast<void *>(7);
}
void *WaitAtBarrier(void *) {
  return reinterpret_cast<void *>(
      static_cast<intptr_t>(pthread_barrier_wait(&barrier)));
}
int once_runs;
void CountOnce() { once_runs++; }
pthread_once_t inner_once = PTHREAD_ONCE_INIT;
void NestedOnce() { pthread_once(&inner_once, CountOnce); }

// Signals: the program sees its own handlers (not the trampoline that runs
// them when tracking), and they run with their arguments.
volatile sig_atomic_t plain_runs, info_runs;
void OnPlain(int sig) { plain_runs += sig == SIGUSR2; }
void OnInfo(int sig, siginfo_t *info, void *) {
  info_runs += sig == SIGUSR2 && info->si_signo == SIGUSR2;
}
void SignalBehaviour() {
  struct sigaction act = {}, old = {};
  act.sa_handler = OnPlain;
  Expect(sigaction(SIGUSR2, &act, nullptr) == 0 && sigaction(SIGUSR2, nullptr, &old) == 0 &&
             old.sa_handler == OnPlain && !(old.sa_flags & SA_SIGINFO),
         "sigaction reports the program's handler");
  Expect(raise(SIGUSR2) == 0 && plain_runs == 1, "a plain handler runs");
  act.sa_sigaction = OnInfo;
  act.sa_flags = SA_SIGINFO;
  Expect(sigaction(SIGUSR2, &act, &old) == 0 && old.sa_handler == OnPlain,
         "sigaction reports the previous handler");
  Expect(pthread_kill(pthread_self(), SIGUSR2) == 0 && info_runs == 1,
         "a siginfo handler runs with its siginfo");
  Expect(reinterpret_cast<uintptr_t>(signal(SIGUSR2, OnPlain)) ==
             reinterpret_cast<uintptr_t>(OnInfo),
         "signal returns the previous handler");
  Expect(signal(SIGUSR2, SIG_DFL) == OnPlain && kill(getpid(), 0) == 0,
         "signal puts the default back");
  errno = 0;
  Expect(sigaction(0, &act, nullptr) == -1 && errno == EINVAL, "sigaction EINVAL");
}

// Fds: results and errno are the real calls'.
void FdBehaviour() {
  errno = 0;
  Expect(read(-1, &token, 1) == -1 && errno == EBADF, "read EBADF");
  errno = 0;
  Expect(close(-1) == -1 && errno == EBADF, "close EBADF");
  int p[2];
  Expect(pipe(p) == 0, "pipe");
  errno = kMarker;
  char out = 'x', in = 0;
  Expect(write(p[1], &out, 1) == 1 && read(p[0], &in, 1) == 1 && in == 'x' &&
             close(p[1]) == 0 && read(p[0], &in, 1) == 0 && close(p[0]) == 0 &&
             errno == kMarker,
         "a pipe moves a byte, then EOF; errno kept");
}

void Behaviour() {
  SignalBehaviour();
  FdBehaviour();
  pthread_t holder = Start(HoldLocks);
  WaitWritten();
  timespec past = Past();
  Expect(pthread_mutex_trylock(&mutex) == EBUSY, "mutex_trylock EBUSY");
  Expect(pthread_mutex_timedlock(&mutex, &past) == ETIMEDOUT,
         "mutex_timedlock ETIMEDOUT");
  Expect(pthread_rwlock_tryrdlock(&rwlock) == EBUSY, "rwlock_tryrdlock EBUSY");
  Expect(pthread_rwlock_timedwrlock(&rwlock, &past) == ETIMEDOUT,
         "rwlock_timedwrlock ETIMEDOUT");
  Expect(pthread_spin_trylock(&spin) == EBUSY, "spin_trylock EBUSY");
  Expect(pthread_tryjoin_np(holder, nullptr) == EBUSY, "tryjoin EBUSY");
  errno = 0;
  Expect(sem_trywait(&sem) == -1 && errno == EAGAIN, "sem_trywait EAGAIN");
  errno = 0;
  Expect(sem_timedwait(&sem, &past) == -1 && errno == ETIMEDOUT,
         "sem_timedwait ETIMEDOUT");
  errno = kMarker;
  Expect(sem_post(&sem) == 0 && errno == kMarker, "sem_post keeps errno");
  void *result = nullptr;
  Expect(pthread_join(holder, &result) == 0 && result == reinterpret_cast<void *>(7),
         "join result");

  errno = kMarker;
  Expect(pthread_mutex_lock(&mutex) == 0, "mutex_lock");
  Expect(pthread_cond_timedwait(&cond, &mutex, &past) == ETIMEDOUT,
         "cond_timedwait ETIMEDOUT");
  Expect(pthread_mutex_unlock(&mutex) == 0, "mutex held after cond_timedwait");
  Expect(pthread_rwlock_rdlock(&rwlock) == 0 && pthread_rwlock_rdlock(&rwlock) == 0 &&
             pthread_rwlock_unlock(&rwlock) == 0 && pthread_rwlock_unlock(&rwlock) == 0,
         "rwlock shared by two readers");
  Expect(errno == kMarker, "locks keep errno");
  pthread_mutex_t scratch;
  Expect(pthread_mutex_init(&scratch, nullptr) == 0 && pthread_mutex_destroy(&scratch) == 0 &&
             errno == kMarker,
         "mutex_destroy");

  pthread_t other = Start(WaitAtBarrier);
  int mine = pthread_barrier_wait(&barrier);
  Expect(pthread_join(other, &result) == 0, "join barrier thread");
  int theirs = static_cast<int>(reinterpret_cast<intptr_t>(result));
  Expect((mine == PTHREAD_BARRIER_SERIAL_THREAD) != (theirs == PTHREAD_BARRIER_SERIAL_THREAD) &&
             (mine == 0 || theirs == 0),
         "one serial thread at the barrier");

  pthread_once(&once, NestedOnce);
  pthread_once(&once, CountOnce);
  Expect(once_runs == 1, "pthread_once runs its init once, nested once too");

  pthread_t detached = Start(Nothing);
  Expect(pthread_detach(detached) == 0, "detach");
  thrd_t c11_thread = C11Start(C11WriteAndReturn);
  int c11_result = -1;
  Expect(mtx_trylock(&c11_mutex) == thrd_success &&
             mtx_unlock(&c11_mutex) == thrd_success,
         "mtx_trylock");
  Expect(thrd_join(c11_thread, &c11_result) == thrd_success && c11_result == 0,
         "thrd_join result");
  int value = -1;
  Expect(sem_getvalue(&sem, &value) == 0 && value == 0, "sem_getvalue");

  // libc's memory calls, on managed memory too: the real results and errno.
  volatile size_t four = 4;
  errno = 0;
  Expect(read(-1, obj, 1) == -1 && errno == EBADF, "read EBADF");
  errno = kMarker;
  Expect(snprintf(obj, four, "%s", "hello") == 5 && !strcmp(obj, "hel"),
         "snprintf truncates");
  Expect(strlen(strncpy(obj, "ab", four)) == 2 &&
             memcmp(memset(obj + 8, 'x', four), "xxxx", four) == 0 &&
             errno == kMarker,
         "strncpy, memset, memcmp keep errno");
  fprintf(stderr, "behaviour %s\n", failures ? "FAILED" : "ok");
}

// --- The heap's own fills: a thread allocates an object of 256 bytes (zeroed
// with libc's memset) and publishes it with a relaxed store; another reads
// it. The zeroing is the runtime's, not an access of the program: silent.
const cgosan_type kBlock = {"block", 256, 0, nullptr, 0};
std::atomic<char *> published;
void *AllocateAndPublish(void *) {
  published.store(static_cast<char *>(api.new_object(&kBlock)),
                  std::memory_order_relaxed);
  return nullptr;
}
void *ReadPublished(void *) {
  char *block;
  while (!(block = published.load(std::memory_order_relaxed)))
    sched_yield();
  api.read_range(block, kBlock.size, kCall);
  return nullptr;
}
void HeapFill() { RunPair(AllocateAndPublish, ReadPublished); }

}  // namespace

int main(int argc, char **argv) {
  const char *c = argc > 1 ? argv[1] : "";
  ordered = argc > 2 && !strcmp(argv[2], "ordered");
  api = LoadApi();
  obj = static_cast<char *>(api.new_object(&kRow));
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  sem_init(&sem, 0, 0);
  pthread_barrier_init(&barrier, nullptr, 2);
  mtx_init(&c11_mutex, mtx_plain);
  cnd_init(&c11_cond);
  bool found = true;
  if (!strcmp(c, "stress")) {
    Stress();
  } else if (!strcmp(c, "behaviour")) {
    Behaviour();
  } else if (!strcmp(c, "heap_fill")) {
    HeapFill();
  } else {
    found = false;
    for (const Case &k : kCases)
      if (!strcmp(c, k.name)) {
        k.run();
        found = true;
      }
  }
  if (!found) {
    fprintf(stderr, "unknown case '%s'\n", c);
    return 2;
  }
#ifdef CGOSAN_HELPER_STATIC
  fprintf(stderr, "pthread interceptors: %s\n",
          __cgosan::PassThrough() ? "pass-through" : "tracking");
#endif
  fprintf(stderr, "done\n");
  return failures ? 1 : 0;
}
