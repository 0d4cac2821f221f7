// fork_helper.cpp — a program that forks while other threads use the
// runtime, run by fork_test.cpp (one scenario per run, so each starts from a
// fresh runtime and its own CGOSAN_OPTIONS).
//
//   cgosan_fork_helper threads N   N threads allocate, call back and collect
//                                  (from Gs and from foreign code, pinning
//                                  and using handles too) while the main
//                                  thread forks 100 times, in turn from
//                                  foreign code inside a cgocall, from an M
//                                  running no G, and from a thread with no M
//   cgosan_fork_helper callback    the same with 2 threads, forking from the
//                                  managed function of a callback: directly
//                                  (a running G forks) and through a cgocall
//   cgosan_fork_helper race        with race=precise: the child writes what
//                                  another thread wrote before the fork,
//                                  ordered by a mutex the forking thread took
//                                  (no report); the last child races with a
//                                  thread of its own (a report: exit 66)
//   cgosan_fork_helper collecting  a running G forks while another thread's
//                                  collection has stopped the world and
//                                  waits for a third thread's running G; a
//                                  fourth thread's G is parked in a cgocall
//                                  across the fork, holding the only
//                                  reference to an object: the child frees
//                                  it (that G is gone), the parent does not
//   cgosan_fork_helper unwinding   50 forks while 2 threads capture stacks
//                                  with libunwind; every child does too
//   cgosan_fork_helper spawn       posix_spawn, vfork + exec, system() and
//                                  popen() from cgocalls, 2 threads stressing
//
// Every child runs with an alarm: one that hangs dies of SIGALRM within
// seconds (and the parent kills a child that outlives its own deadline), so
// a hang fails the run instead of stopping it. A child allocates, collects,
// pins, uses a handle, starts a thread that calls back, and exits 0 when all
// of it worked. Prints "ok forks=<n>" at the end, or the first failure.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include <cgosan/cgosan.h>

#include "report.h"  // CaptureStackId
#include "rtl.h"     // world_stopped: the collection is under way

extern char **environ;

namespace {

constexpr int kForks = 100;
constexpr unsigned kChildAlarmSeconds = 5;
constexpr int kParentWaitMs = 10000;

const uint8_t kNodeMask[] = {0x1};  // word 0: next
const cgosan_type kNode = {"struct node", 16, 8, kNodeMask, 0};
const cgosan_type kBlob = {"char[3000]", 3000, 0, nullptr, 0};

struct Node {
  Node *next;
  long value;
};

std::atomic<bool> stop{false};

[[noreturn]] void Fail(const char *what) {
  dprintf(2, "FAILED: %s\n", what);
  _exit(1);
}

// ---- Work that takes every kind of runtime lock ------------------------------

// A list of n nodes (values 0..n-1), made on a G or in foreign code.
Node *MakeList(int n) {
  Node *head = nullptr;
  for (int i = 0; i < n; i++) {
    Node *node = static_cast<Node *>(cgosan_new(&kNode));
    node->value = n - 1 - i;
    node->next = head;
    head = node;
  }
  return head;
}

bool ListIntact(const Node *head, int n) {
  for (int i = 0; i < n; i++, head = head->next)
    if (!head || head->value != i)
      return false;
  return head == nullptr;
}

// Each thread's own: a lock of the program's that another thread holds at
// the fork stays held in the child, with or without cgosan.
thread_local pthread_mutex_t work_mu = PTHREAD_MUTEX_INITIALIZER;

// Allocates (small and span-sized objects), pins, uses a handle, collects;
// with race tracking, records a write and takes a mutex (sync objects).
void ManagedWork(void *arg) {
  bool collect = arg != nullptr;
  Node *list = MakeList(64);
  cgosan_race_write_range(list, sizeof(Node), "managed_work");
  pthread_mutex_lock(&work_mu);
  pthread_mutex_unlock(&work_mu);
  for (int i = 0; i < 4; i++) (void)cgosan_new(&kBlob);
  cgosan_pinner *pn = cgosan_pinner_new();
  cgosan_pin(pn, list);
  uintptr_t h = cgosan_handle_new(list->next);
  if (collect)
    cgosan_gc();
  if (cgosan_handle_value(h) != list->next || !ListIntact(list, 64))
    Fail("managed work: list or handle damaged");
  cgosan_handle_delete(h);
  cgosan_unpin(pn);
  cgosan_pinner_free(pn);
}

void CallBackFromForeign(void *arg) { cgosan_cgocallback(ManagedWork, arg); }

// A stress thread: managed work on its G, callbacks from its cgocalls, and
// allocations from foreign code (the shared cache), until `stop`.
void StressLoop(void *) {
  for (unsigned i = 0; !stop.load(std::memory_order_relaxed); i++) {
    ManagedWork(i % 8 == 0 ? &stop : nullptr);
    cgosan_cgocall(CallBackFromForeign, nullptr);
    cgosan_cgocall([](void *) { (void)MakeList(8); }, nullptr);
  }
}

void *StressThread(void *) {
  cgosan_run(StressLoop, nullptr);
  return nullptr;
}

// ---- The child ------------------------------------------------------------------

void *ChildThread(void *) {
  cgosan_cgocallback(ManagedWork, &stop);  // an extra M, made in the child
  return nullptr;
}

void StartAndJoinChildThread(void *) {
  pthread_t t;
  if (pthread_create(&t, nullptr, ChildThread, nullptr) != 0 ||
      pthread_join(t, nullptr) != 0)
    Fail("child thread");
}

// Everything a child does, from wherever fork returned: managed work (on
// the forking thread's G if it has one, else on a new one), a collection,
// and a thread of its own that calls back (waited for from a cgocall, as
// managed code must block: the thread's collections wait for running Gs).
void ChildWork() {
  if (cgosan_in_managed())
    ManagedWork(&stop);
  else
    cgosan_cgocallback(ManagedWork, &stop);
  cgosan_gc();
  cgosan_cgocall(StartAndJoinChildThread, nullptr);
}

// Waits for the child with a deadline; returns its wait status, or -1 when
// it had to be killed.
int WaitChild(pid_t pid) {
  for (int ms = 0; ms < kParentWaitMs; ms++) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return status;
    if (r < 0 && errno != EINTR)
      Fail("waitpid");
    struct timespec t = {0, 1000000};
    nanosleep(&t, nullptr);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

void ExpectExit(int status, int code, int fork_number) {
  if (status == -1) {
    dprintf(2, "FAILED: child %d hung (killed after %d ms)\n", fork_number,
            kParentWaitMs);
    _exit(1);
  }
  if (WIFSIGNALED(status)) {
    dprintf(2, "FAILED: child %d killed by signal %d%s\n", fork_number,
            WTERMSIG(status),
            WTERMSIG(status) == SIGALRM ? " (hung: its alarm fired)" : "");
    _exit(1);
  }
  if (WEXITSTATUS(status) != code) {
    dprintf(2, "FAILED: child %d exited %d, expected %d\n", fork_number,
            WEXITSTATUS(status), code);
    _exit(1);
  }
}

// Forks; the child runs `child` (then exits 0), the parent checks it exited
// `code`.
void ForkAndCheck(void (*child)(), int code, int fork_number) {
  pid_t pid = fork();
  if (pid < 0)
    Fail("fork");
  if (pid == 0) {
    alarm(kChildAlarmSeconds);
    child();
    _exit(0);
  }
  ExpectExit(WaitChild(pid), code, fork_number);
}

struct Stress {
  pthread_t threads[8];
  int n = 0;
  void Start(int count) {
    for (n = 0; n < count; n++)
      if (pthread_create(&threads[n], nullptr, StressThread, nullptr) != 0)
        Fail("pthread_create");
  }
  void Stop() {
    stop = true;
    for (int i = 0; i < n; i++) pthread_join(threads[i], nullptr);
  }
};

int fork_number;

void ForkFromForeign(void *) { ForkAndCheck(ChildWork, 0, fork_number); }

int Threads(int n) {
  Stress stress;
  stress.Start(n);
  for (fork_number = 0; fork_number < kForks; fork_number++) {
    if (fork_number % 3 == 0) {
      cgosan_run([](void *) { cgosan_cgocall(ForkFromForeign, nullptr); },
                 nullptr);
    } else if (fork_number % 3 == 1) {
      ForkAndCheck(ChildWork, 0, fork_number);  // an M with no G
    } else {
      pthread_t t;  // a thread that never met the runtime: no M
      pthread_create(&t, nullptr, [](void *) -> void * {
        ForkAndCheck(ChildWork, 0, fork_number);
        return nullptr;
      }, nullptr);
      pthread_join(t, nullptr);
    }
  }
  stress.Stop();
  return kForks;
}

// ---- fork from a callback ------------------------------------------------------

void ForkInCallback(void *) {
  if (fork_number % 2)
    ForkAndCheck(ChildWork, 0, fork_number);  // a running G forks
  else
    cgosan_cgocall(ForkFromForeign, nullptr);  // back in foreign code
  if (!cgosan_in_managed())
    Fail("callback: not in managed code after the fork");
}

void ForeignCallsBack(void *) { cgosan_cgocallback(ForkInCallback, nullptr); }

int Callback() {
  Stress stress;
  stress.Start(2);
  for (fork_number = 0; fork_number < kForks; fork_number++)
    cgosan_run([](void *) { cgosan_cgocall(ForeignCallsBack, nullptr); },
               nullptr);
  stress.Stop();
  return kForks;
}

// ---- race=precise --------------------------------------------------------------

pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
long *shared;  // a managed object (a root)

// Writes *shared under the mutex, as the race checker sees it.
void WriteShared() {
  cgosan_race_write_range(shared, sizeof(*shared), "write_shared");
  *shared += 1;
}

void *OrderedWriter(void *) {
  for (int i = 0; i < 1000 && !stop.load(std::memory_order_relaxed); i++) {
    pthread_mutex_lock(&shared_mu);
    WriteShared();
    pthread_mutex_unlock(&shared_mu);
  }
  return nullptr;
}

// The forking thread holds the mutex across the fork, so its clock covers
// every write of the writer: the child's write is ordered after them only
// if the child goes on with that clock.
void ChildWritesShared() {
  WriteShared();
  pthread_mutex_unlock(&shared_mu);
  ChildWork();
}

std::atomic<bool> racy_write_done{false};

void *RacyThread(void *) {
  WriteShared();
  racy_write_done = true;  // a flag the race checker does not see
  return nullptr;
}

// A child that races with a thread of its own is still reported.
void ChildRaces() {
  pthread_t t;
  pthread_create(&t, nullptr, RacyThread, nullptr);
  while (!racy_write_done) sched_yield();
  WriteShared();
  pthread_join(t, nullptr);
}

int Race() {
  static const cgosan_type kLong = {"long", 8, 0, nullptr, 0};
  shared = static_cast<long *>(cgosan_new(&kLong));
  cgosan_add_root(reinterpret_cast<void **>(&shared));
  Stress stress;
  stress.Start(2);
  pthread_t writer;
  pthread_create(&writer, nullptr, OrderedWriter, nullptr);
  for (fork_number = 0; fork_number < kForks; fork_number++) {
    pthread_mutex_lock(&shared_mu);  // acquires the writer's writes
    ForkAndCheck(ChildWritesShared, 0, fork_number);
    pthread_mutex_unlock(&shared_mu);
  }
  stress.Stop();
  pthread_join(writer, nullptr);
  ForkAndCheck(ChildRaces, 66, fork_number);
  return kForks + 1;
}

// ---- fork while a collection stops the world ---------------------------------

std::atomic<bool> busy_running, forker_running, release_busy, forking,
    release_parked;
std::atomic<uintptr_t> hidden;  // the parked G's object, disguised
constexpr uintptr_t kDisguise = 0x5a5a5a5a5a5a5a5aull;

bool WorldStopped() {
  return __cgosan::atomic_load(&__cgosan::world_stopped,
                               __cgosan::memory_order_acquire);
}

void *BusyThread(void *) {  // a running G with no safepoint until released
  cgosan_run([](void *) {
    busy_running = true;
    while (!release_busy) {
    }
  }, nullptr);
  return nullptr;
}

void *CollectorThread(void *) {
  while (!busy_running || !forker_running) sched_yield();
  cgosan_gc();  // stops the world, then waits for the busy G
  return nullptr;
}

void *ReleaserThread(void *) {  // lets the busy G go once the fork waits
  while (!forking) sched_yield();
  struct timespec t = {0, 20 * 1000 * 1000};
  nanosleep(&t, nullptr);
  release_busy = true;
  return nullptr;
}

void *ParkedThread(void *) {
  cgosan_run([](void *) {
    Node *volatile only_here = MakeList(1);
    hidden = reinterpret_cast<uintptr_t>(only_here) ^ kDisguise;
    cgosan_cgocall([](void *) {
      while (!release_parked) sched_yield();
    }, nullptr);
    if (!cgosan_is_managed(only_here) || only_here->value != 0)
      Fail("parent: the parked G's object was freed");
  }, nullptr);
  return nullptr;
}

// Not inlined: the object's address never stays in this thread's frames,
// which are roots.
__attribute__((noinline)) bool HiddenObjectIsManaged() {
  return cgosan_is_managed(reinterpret_cast<void *>(hidden ^ kDisguise));
}

void ChildOfACollection() {
  if (!HiddenObjectIsManaged())
    Fail("child: the parked G's object was already gone");
  cgosan_gc();
  if (HiddenObjectIsManaged())
    Fail("child: a lost thread's G stack is still a root");
  ChildWork();
}

int Collecting() {
  constexpr int kRounds = 3;
  for (fork_number = 0; fork_number < kRounds; fork_number++) {
    busy_running = forker_running = release_busy = forking = false;
    release_parked = false;
    hidden = 0;
    pthread_t parked, busy, collector, releaser;
    pthread_create(&parked, nullptr, ParkedThread, nullptr);
    while (!hidden) sched_yield();
    pthread_create(&busy, nullptr, BusyThread, nullptr);
    pthread_create(&collector, nullptr, CollectorThread, nullptr);
    pthread_create(&releaser, nullptr, ReleaserThread, nullptr);
    cgosan_run([](void *) {
      forker_running = true;
      while (!WorldStopped()) sched_yield();
      forking = true;
      ForkAndCheck(ChildOfACollection, 0, fork_number);  // a running G forks
    }, nullptr);
    release_parked = true;
    pthread_t all[] = {parked, busy, collector, releaser};
    for (pthread_t t : all)
      pthread_join(t, nullptr);
  }
  return kRounds;
}

// ---- fork while other threads walk stacks -------------------------------------

// A report's stack: a libunwind walk, behind libunwind's own cache lock
// (which it waits for with every signal blocked: a child stuck there
// outlives its alarm, and the parent's deadline kills it).
void CaptureAStack() {
  if (!__cgosan::CaptureStackId())
    Fail("no stack");
}

void *UnwindingThread(void *) {
  while (!stop.load(std::memory_order_relaxed)) CaptureAStack();
  return nullptr;
}

int Unwinding() {
  constexpr int kUnwindingForks = 50;
  pthread_t threads[2];
  for (pthread_t &t : threads)
    pthread_create(&t, nullptr, UnwindingThread, nullptr);
  for (fork_number = 0; fork_number < kUnwindingForks; fork_number++)
    ForkAndCheck([] {
      CaptureAStack();
      ChildWork();
    }, 0, fork_number);
  stop = true;
  for (pthread_t t : threads) pthread_join(t, nullptr);
  return kUnwindingForks;
}

// ---- posix_spawn, vfork, system, popen -----------------------------------------

int spawn_errors;

void SpawnAll(void *) {
  char *true_argv[] = {const_cast<char *>("/bin/true"), nullptr};
  pid_t pid;
  int status = 0;
  if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, true_argv, environ) != 0 ||
      waitpid(pid, &status, 0) != pid || status != 0)
    spawn_errors++;
  pid = vfork();
  if (pid == 0) {
    execve("/bin/true", true_argv, environ);
    _exit(127);
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
    spawn_errors++;
  status = system("exit 3");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 3)
    spawn_errors++;
  FILE *p = popen("echo popened", "r");
  char line[32] = "";
  if (!p || !fgets(line, sizeof(line), p) || strcmp(line, "popened\n") != 0)
    spawn_errors++;
  if (p && pclose(p) != 0)
    spawn_errors++;
}

int Spawn() {
  constexpr int kRounds = 40;
  Stress stress;
  stress.Start(2);
  for (int i = 0; i < kRounds; i++)
    cgosan_run([](void *) { cgosan_cgocall(SpawnAll, nullptr); }, nullptr);
  stress.Stop();
  if (spawn_errors)
    Fail("a spawned process did not run or exit as expected");
  return kRounds * 4;
}

}  // namespace

int main(int argc, char **argv) {
  alarm(20);  // the whole run, whatever happens
  if (argc < 2)
    Fail("usage: cgosan_fork_helper threads N | callback | race | collecting "
         "| unwinding | spawn");
  int done;
  if (!strcmp(argv[1], "threads") && argc == 3)
    done = Threads(atoi(argv[2]));
  else if (!strcmp(argv[1], "callback"))
    done = Callback();
  else if (!strcmp(argv[1], "race"))
    done = Race();
  else if (!strcmp(argv[1], "unwinding"))
    done = Unwinding();
  else if (!strcmp(argv[1], "collecting"))
    done = Collecting();
  else if (!strcmp(argv[1], "spawn"))
    done = Spawn();
  else
    Fail("unknown scenario");
  dprintf(2, "ok forks=%d\n", done);
  return 0;
}
