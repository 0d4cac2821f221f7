// race_pthread_thread.cpp — edges from a thread's life: pthread_create (and
// C11's thrd_create) orders the creator's past before everything the new
// thread does, and a successful pthread_join (tryjoin/timedjoin/clockjoin,
// thrd_join) orders everything the thread did before its end before the
// joiner's future. A thread ends however it ends: its start routine returns,
// it calls pthread_exit or thrd_exit, or pthread_cancel unwinds it.
// Both are clocks handed to exactly one thread (ReleaseTo / AcquireFrom),
// not sync objects keyed by an address: a pthread_t is reused as soon as its
// thread is joined, and a merge into a key named after it would let the next
// thread with that pthread_t hand its predecessor's clock to its joiner.
// - Start: the creator stores its clock into a record on its own stack and
//   waits (as TSan does) until the new thread has taken it and registered;
//   the real start routine then runs.
// - End: a joinable thread stores its final clock into its own join record
//   (internal allocator), registered under its pthread_t at start, so before
//   anyone can learn the pthread_t. The end is a thread-specific-data
//   destructor, armed at start for the last of glibc's destructor rounds:
//   it runs after the start routine returned or was unwound (pthread_exit,
//   cancellation), after its cleanup handlers, C++ thread_local destructors
//   and the program's own earlier TSD destructors, and before the thread
//   counts as ended for a join. A joiner takes the record out of the table
//   *before* the real join, and after it succeeds acquires and frees it: by
//   then the pthread_t may already name a new thread with a new record,
//   which the joiner never sees. A failed or busy join puts the record back.
// - pthread_detach (thrd_detach) adds no edge: nobody can join a detached
//   thread, so its end clock has no receiver. It only takes the record out;
//   whichever of detach and the thread's end comes second frees it. A thread
//   created detached has no record.
// glibc's thrd_* call its pthread functions internally, past these
// interceptors, so they have their own (thrd_t is a pthread_t there).
// Allowed on purpose: threads started before the race mode is known (or in
// race=off) and the main thread have no record, so joining them adds no
// edge. Cost, when tracking: pthread_create waits for the new thread to
// start; each joinable thread holds a ~1 KiB record until joined, and every
// thread one TSD slot.
#include <limits.h>
#include <pthread.h>
#include <threads.h>

#include "race_pthread.h"
#include "retention.h"

// Called by the slow paths below, defined by the interceptors further down.
DECLARE_REAL(int, pthread_create, pthread_t *thread, const pthread_attr_t *attr,
             void *(*routine)(void *), void *arg)
DECLARE_REAL(int, thrd_create, thrd_t *thread, thrd_start_t routine, void *arg)

namespace __cgosan {

namespace {
enum JoinRecordState : u32 { kThreadRunning, kThreadEnded, kThreadDetached };

// What a joinable thread leaves for its joiner.
struct JoinRecord {
  atomic_uint32_t state;  // JoinRecordState
  VectorClock end_clock;  // the thread's clock at its end, once ended
};

// The record of the thread that owns a pthread_t value now (null when taken).
struct JoinSlot {
  uptr key;  // the pthread_t
  JoinSlot *next;
  JoinRecord *record;
};

// From pthread_create (thrd_create) to the new thread, on the creator's
// stack.
struct ThreadStart {
  void *(*routine)(void *);  // pthread_create's
  thrd_start_t c11_routine;  // thrd_create's
  void *arg;
  bool joinable;
  VectorClock creator_clock;
  Semaphore started;  // posted once the new thread is done with this record
};
}  // namespace

static AddrTable<JoinSlot, 1021> join_slots;
static THREADLOCAL JoinRecord *own_join_record
    __attribute__((tls_model("initial-exec")));
// Its destructor ends the threads StartThread started; the value is the
// destructor rounds left before the end (glibc runs up to
// PTHREAD_DESTRUCTOR_ITERATIONS rounds, the last for values set in the
// rounds before).
static pthread_key_t thread_end_key;

static void PutJoinRecord(pthread_t thread, JoinRecord *record) {
  StaticSpinMutex *mu;
  JoinSlot **head = join_slots.Lock(static_cast<uptr>(thread), &mu);
  BucketLock l(mu);
  join_slots.FindOrCreate(head, static_cast<uptr>(thread))->record = record;
}

static JoinRecord *TakeJoinRecord(pthread_t thread) {
  StaticSpinMutex *mu;
  JoinSlot **head = join_slots.Lock(static_cast<uptr>(thread), &mu);
  BucketLock l(mu);
  JoinSlot *slot = join_slots.Find(*head, static_cast<uptr>(thread));
  if (!slot)
    return nullptr;
  JoinRecord *record = slot->record;
  slot->record = nullptr;
  return record;
}

// The record's last user frees it (a joiner frees it itself).
static void LeaveJoinRecord(JoinRecord *record, JoinRecordState leaving) {
  JoinRecordState other =
      leaving == kThreadEnded ? kThreadDetached : kThreadEnded;
  if (atomic_exchange(&record->state, leaving, memory_order_acq_rel) == other)
    InternalFree(record);
}

static void EndThread() {
  JoinRecord *record = own_join_record;
  if (record) {
    own_join_record = nullptr;
    {
      ScopedRaceEdge edge;
      ReleaseTo(edge.thread(), &record->end_clock);
    }
    LeaveJoinRecord(record, kThreadEnded);
  }
  RetireRaceThread();
}

// The thread-end destructor: re-armed until the last round, then the end.
static void OnThreadEnd(void *rounds_left) {
  uptr rounds = reinterpret_cast<uptr>(rounds_left);
  if (rounds > 1 &&
      pthread_setspecific(thread_end_key,
                          reinterpret_cast<void *>(rounds - 1)) == 0)
    return;
  EndThread();
}

// The new thread's side of the start: takes the creator's clock, registers
// its join record, arms its end, and releases the creator.
static void BeginThread(ThreadStart *start) {
  {
    ScopedRaceEdge edge;
    AcquireFrom(edge.thread(), start->creator_clock);
    if (start->joinable) {
      own_join_record =
          static_cast<JoinRecord *>(InternalAlloc(sizeof(JoinRecord)));
      internal_memset(own_join_record, 0, sizeof(JoinRecord));
      PutJoinRecord(pthread_self(), own_join_record);
    }
    CHECK_EQ(pthread_setspecific(
                 thread_end_key,
                 reinterpret_cast<void *>(PTHREAD_DESTRUCTOR_ITERATIONS)),
             0);
  }
  start->started.Post();  // `start` is gone from here on
}

// The new thread's first frames, which call its routine rather than jump to
// it: their frame holds the return address into libc's thread start
// (start_thread), and the frame-pointer walk of a race access's stack
// (frame_walk.h) reads that address from there; the routine, built without
// frame pointers (libuv's thread trampoline), keeps none. A tail call would
// end every such stack one frame short of the current access's full unwind.
__attribute__((disable_tail_calls)) static void *StartThread(void *arg) {
  ThreadStart *start = static_cast<ThreadStart *>(arg);
  void *(*routine)(void *) = start->routine;
  void *routine_arg = start->arg;
  BeginThread(start);
  return routine(routine_arg);
}

__attribute__((disable_tail_calls)) static int StartC11Thread(void *arg) {
  ThreadStart *start = static_cast<ThreadStart *>(arg);
  thrd_start_t routine = start->c11_routine;
  void *routine_arg = start->arg;
  BeginThread(start);
  return routine(routine_arg);
}

static bool CreatesJoinable(const pthread_attr_t *attr) {
  int detach_state = PTHREAD_CREATE_JOINABLE;
  if (attr)
    pthread_attr_getdetachstate(attr, &detach_state);
  return detach_state == PTHREAD_CREATE_JOINABLE;
}

// A join through `real` (pthread_join or a try/timed form): the record is
// taken before it.
template <typename... Args>
static NOINLINE int JoinTracked(int (**real)(pthread_t, Args...),
                                pthread_t thread, Args... args) {
  if (!SyncTracked())
    return (*real)(thread, args...);
  JoinRecord *record = TakeJoinRecord(thread);
  int result = (*real)(thread, args...);
  if (!record)
    return result;
  if (result != 0) {
    PutJoinRecord(thread, record);
    return result;
  }
  if (atomic_load(&record->state, memory_order_acquire) == kThreadEnded) {
    ScopedRaceEdge edge;
    AcquireFrom(edge.thread(), record->end_clock);
  }
  InternalFree(record);
  return result;
}

// A thread start through `create` (the real pthread_create or thrd_create,
// handed StartThread or StartC11Thread and `start`): the creator's clock
// goes with it.
template <typename Create>
static int CreateTracked(ThreadStart *start, Create create) {
  {
    ScopedRaceEdge edge;
    ReleaseTo(edge.thread(), &start->creator_clock);
  }
  int result = create(start);  // 0: pthread_create's and thrd_success
  if (result == 0)
    start->started.Wait();  // futex syscalls: errno is untouched
  return result;
}

static NOINLINE int PthreadCreateTracked(pthread_t *thread,
                                         const pthread_attr_t *attr,
                                         void *(*routine)(void *), void *arg) {
  if (!SyncTracked())
    return REAL(pthread_create)(thread, attr, routine, arg);
  ThreadStart start;
  start.routine = routine;
  start.arg = arg;
  start.joinable = CreatesJoinable(attr);
  return CreateTracked(&start, [&](ThreadStart *s) {
    return REAL(pthread_create)(thread, attr, StartThread, s);
  });
}

void LockJoinSlotsForFork() { join_slots.LockAllBuckets(); }
void UnlockJoinSlotsAfterFork() { join_slots.UnlockAllBuckets(); }

static NOINLINE int ThrdCreateTracked(thrd_t *thread, thrd_start_t routine,
                                      void *arg) {
  if (!SyncTracked())
    return REAL(thrd_create)(thread, routine, arg);
  ThreadStart start;
  start.c11_routine = routine;
  start.arg = arg;
  start.joinable = true;
  return CreateTracked(&start, [&](ThreadStart *s) {
    return REAL(thrd_create)(thread, StartC11Thread, s);
  });
}

// A detach through `real` (pthread_detach or thrd_detach; 0 is success for
// both).
static NOINLINE int DetachTracked(int (**real)(pthread_t), pthread_t thread) {
  if (!SyncTracked())
    return (*real)(thread);
  JoinRecord *record = TakeJoinRecord(thread);
  int result = (*real)(thread);
  if (record) {
    if (result == 0)
      LeaveJoinRecord(record, kThreadDetached);
    else
      PutJoinRecord(thread, record);
  }
  return result;
}

}  // namespace __cgosan

using namespace __cgosan;

INTERCEPTOR(int, pthread_create, pthread_t *thread, const pthread_attr_t *attr,
            void *(*routine)(void *), void *arg) {
  ProtectBeforeAThreadStarts();
  if (LIKELY(PassThrough()))
    return REAL(pthread_create)(thread, attr, routine, arg);
  return PthreadCreateTracked(thread, attr, routine, arg);
}

INTERCEPTOR(int, pthread_join, pthread_t thread, void **retval) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_join)(thread, retval);
  return JoinTracked(&REAL(pthread_join), thread, retval);
}

INTERCEPTOR(int, pthread_tryjoin_np, pthread_t thread, void **retval) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_tryjoin_np)(thread, retval);
  return JoinTracked(&REAL(pthread_tryjoin_np), thread, retval);
}

INTERCEPTOR(int, pthread_timedjoin_np, pthread_t thread, void **retval,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_timedjoin_np)(thread, retval, abstime);
  return JoinTracked(&REAL(pthread_timedjoin_np), thread, retval, abstime);
}

INTERCEPTOR(int, pthread_clockjoin_np, pthread_t thread, void **retval,
            clockid_t clock, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_clockjoin_np)(thread, retval, clock, abstime);
  return JoinTracked(&REAL(pthread_clockjoin_np), thread, retval, clock, abstime);
}

INTERCEPTOR(int, pthread_detach, pthread_t thread) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_detach)(thread);
  return DetachTracked(&REAL(pthread_detach), thread);
}

// --- C11 <threads.h> ---------------------------------------------------------
INTERCEPTOR(int, thrd_create, thrd_t *thread, thrd_start_t routine, void *arg) {
  ProtectBeforeAThreadStarts();
  if (LIKELY(PassThrough()))
    return REAL(thrd_create)(thread, routine, arg);
  return ThrdCreateTracked(thread, routine, arg);
}

INTERCEPTOR(int, thrd_join, thrd_t thread, int *result) {
  if (LIKELY(PassThrough()))
    return REAL(thrd_join)(thread, result);
  return JoinTracked(&REAL(thrd_join), thread, result);
}

INTERCEPTOR(int, thrd_detach, thrd_t thread) {
  if (LIKELY(PassThrough()))
    return REAL(thrd_detach)(thread);
  return DetachTracked(&REAL(thrd_detach), thread);
}

namespace __cgosan {

void InterceptThreadFunctions() {
  CGOSAN_INTERCEPT(pthread_create);
  CGOSAN_INTERCEPT(pthread_join);
  CGOSAN_INTERCEPT(pthread_tryjoin_np);
  CGOSAN_INTERCEPT(pthread_timedjoin_np);
  CGOSAN_INTERCEPT(pthread_clockjoin_np);
  CGOSAN_INTERCEPT(pthread_detach);
  CGOSAN_INTERCEPT(thrd_create);
  CGOSAN_INTERCEPT(thrd_join);
  CGOSAN_INTERCEPT(thrd_detach);
  CHECK_EQ(pthread_key_create(&thread_end_key, OnThreadEnd), 0);
}

}  // namespace __cgosan
