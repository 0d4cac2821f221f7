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
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

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

// How WriteObj writes: the range API, or a fortified libc call (what C
// built with _FORTIFY_SOURCE calls), which the runtime records.
enum WriteWith { kRangeApi, kMemcpyChk, kSnprintfChk };
WriteWith write_with = kRangeApi;
const char kSixteen[] = "0123456789abcdef";
// Not a constant, or the compiler turns the call into plain stores, as it
// does fortified code's whose size it knows.
volatile size_t sixteen = 16;
extern "C" void *__memcpy_chk(void *dst, const void *src, size_t n,
                              size_t object);
extern "C" int __snprintf_chk(char *buf, size_t n, int flag, size_t object,
                              const char *format, ...);

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
  }
}
// How ReadObj reads: the range API, or libc reading the bytes.
enum ReadWith { kReadRangeApi, kStrcmp, kMemchr };
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
    {"cancel", Cancel},           {"sem_getvalue", SemGetvalue},
    {"thrd_create", ThrdCreate},  {"thrd_join", ThrdJoin},
    {"thrd_exit", ThrdExit},      {"mtx", Mtx},
    {"cnd", Cnd},                 {"call_once", CallOnce},
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

void Behaviour() {
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
