// limits_helper.cpp — the child program of limits_test.cpp: the runtime at
// its limits, each case in a process of its own (CGOSAN_OPTIONS is read once,
// and some cases lower the process's rlimits). Every case prints its counts
// and ends with "done" on stderr.
//
//   cgosan_limits_helper report-flood N
//       N api-misuse reports from one call site (cgosan_run(NULL)), then one
//       from another; prints "rss_growth_kib=<k>": how much the peak RSS grew
//       between the 1000th report of the site (or the first, for fewer) and
//       the last
//   cgosan_limits_helper threads TOTAL ALIVE
//       TOTAL threads, started ALIVE at a time and all alive together, each
//       making a foreign call that calls back (every other one a foreign
//       thread's callback on an extra M), and writing a managed word under
//       one mutex (recorded for race=precise); prints
//       "threads=<n> calls=<n> callbacks=<n>"
//   cgosan_limits_helper relay ALIVE
//       ALIVE threads alive at once pass a token down a chain of semaphores
//       in the order 0, ALIVE-1, 1, ALIVE-2, ... (so past 256 threads, every
//       other hop is a thread race=precise does not track); each writes the
//       same managed word when it holds the token: ordered, no race
//   cgosan_limits_helper handles N
//       N live handles of N managed objects, through a collection; prints
//       "live=<n> intact=<n>" and after deleting them all "deleted"
//   cgosan_limits_helper fds-exhausted
//       opens fds until EMFILE, then makes and deletes a handle, runs,
//       calls and reports (halt_on_error=0) with none left; prints
//       "exhausted at <n>" first
//   cgosan_limits_helper handles-out-of-memory
//       lowers RLIMIT_AS to what is mapped now plus 64 MiB, then makes
//       handles until the runtime cannot map room for more
//   cgosan_limits_helper address-space-limit
//       sets RLIMIT_AS to 1 GiB and runs itself again ("handles 1"): the
//       runtime cannot reserve its ranges at start
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include <cgosan/cgosan.h>

namespace {

const cgosan_type kWord = {"uint64_t", 8, 0, nullptr, 0};

long PeakRssKib() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// ---- report-flood -------------------------------------------------------------

__attribute__((noinline)) void MisuseAtOneSite() { cgosan_run(nullptr, nullptr); }
__attribute__((noinline)) void MisuseAtAnotherSite() {
  cgosan_run(nullptr, nullptr);
}

int ReportFlood(long n) {
  long rss_at_1000 = 0;
  for (long i = 0; i < n; i++) {
    MisuseAtOneSite();
    if (i == 0 || i == 999)
      rss_at_1000 = PeakRssKib();
  }
  MisuseAtAnotherSite();
  dprintf(2, "rss_growth_kib=%ld\n", PeakRssKib() - rss_at_1000);
  dprintf(2, "done\n");
  return 0;
}

// ---- threads ----------------------------------------------------------------------

std::atomic<long> calls, callbacks;
pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
uint64_t *shared_word;  // managed, a root: written under shared_mu

void WriteSharedWord() {
  pthread_mutex_lock(&shared_mu);
  cgosan_race_write_range(shared_word, sizeof(*shared_word), nullptr);
  ++*shared_word;
  pthread_mutex_unlock(&shared_mu);
}

void Callback(void *) { callbacks.fetch_add(1, std::memory_order_relaxed); }

void Foreign(void *) {
  calls.fetch_add(1, std::memory_order_relaxed);
  cgosan_cgocallback(Callback, nullptr);
}

void Managed(void *) { cgosan_cgocall(Foreign, nullptr); }

struct Batch {
  pthread_barrier_t all_alive;
};

void *CrossingThread(void *arg) {
  auto *batch = static_cast<Batch *>(arg);
  pthread_barrier_wait(&batch->all_alive);
  WriteSharedWord();
  static std::atomic<unsigned> turn;
  if (turn.fetch_add(1, std::memory_order_relaxed) % 2)
    cgosan_run(Managed, nullptr);  // this thread's own G
  else
    cgosan_cgocallback(Callback, nullptr);  // a foreign thread: an extra M
  return nullptr;
}

int Threads(long total, long alive) {
  shared_word = static_cast<uint64_t *>(cgosan_new(&kWord));
  cgosan_add_root(reinterpret_cast<void **>(&shared_word));
  std::vector<pthread_t> tids(static_cast<size_t>(alive));
  long started = 0;
  while (started < total) {
    long n = total - started < alive ? total - started : alive;
    Batch batch;
    pthread_barrier_init(&batch.all_alive, nullptr, static_cast<unsigned>(n));
    for (long i = 0; i < n; i++) {
      if (pthread_create(&tids[i], nullptr, CrossingThread, &batch) != 0) {
        dprintf(2, "pthread_create failed at thread %ld\n", started + i);
        return 1;
      }
    }
    for (long i = 0; i < n; i++)
      pthread_join(tids[i], nullptr);
    pthread_barrier_destroy(&batch.all_alive);
    started += n;
  }
  dprintf(2, "threads=%ld calls=%ld callbacks=%ld word=%llu\n", started,
          calls.load(), callbacks.load(),
          static_cast<unsigned long long>(*shared_word));
  dprintf(2, "done\n");
  return 0;
}

// ---- relay ---------------------------------------------------------------------

std::vector<sem_t> relay_turn;
std::vector<long> relay_next;  // relay_next[i]: the thread after i, or -1

void *RelayThread(void *arg) {
  long i = reinterpret_cast<long>(arg);
  while (sem_wait(&relay_turn[i]) != 0) {
  }
  cgosan_race_write_range(shared_word, sizeof(*shared_word), nullptr);
  ++*shared_word;
  long next = relay_next[i];
  sem_post(&relay_turn[next < 0 ? relay_turn.size() - 1 : next]);
  return nullptr;
}

int Relay(long alive) {
  shared_word = static_cast<uint64_t *>(cgosan_new(&kWord));
  cgosan_add_root(reinterpret_cast<void **>(&shared_word));
  // One semaphore per thread, and the last for the main thread.
  relay_turn.resize(static_cast<size_t>(alive) + 1);
  for (sem_t &s : relay_turn)
    sem_init(&s, 0, 0);
  std::vector<long> order;
  for (long lo = 0, hi = alive - 1; lo <= hi; lo++, hi--) {
    order.push_back(lo);
    if (hi != lo)
      order.push_back(hi);
  }
  relay_next.assign(static_cast<size_t>(alive), -1);
  for (size_t k = 0; k + 1 < order.size(); k++)
    relay_next[static_cast<size_t>(order[k])] = order[k + 1];
  std::vector<pthread_t> tids(static_cast<size_t>(alive));
  for (long i = 0; i < alive; i++)
    if (pthread_create(&tids[i], nullptr, RelayThread,
                       reinterpret_cast<void *>(i)) != 0) {
      dprintf(2, "pthread_create failed at thread %ld\n", i);
      return 1;
    }
  sem_post(&relay_turn[static_cast<size_t>(order[0])]);
  while (sem_wait(&relay_turn.back()) != 0) {
  }
  for (pthread_t t : tids)
    pthread_join(t, nullptr);
  dprintf(2, "hops=%llu\n", static_cast<unsigned long long>(*shared_word));
  dprintf(2, "done\n");
  return 0;
}

// ---- handles ----------------------------------------------------------------------

struct Handles {
  long n;
  int failures;
};

void ManyHandles(void *arg) {
  auto *h = static_cast<Handles *>(arg);
  std::vector<uintptr_t> handles(static_cast<size_t>(h->n));
  for (long i = 0; i < h->n; i++) {
    auto *p = static_cast<uint64_t *>(cgosan_new(&kWord));
    *p = static_cast<uint64_t>(i);
    handles[static_cast<size_t>(i)] = cgosan_handle_new(p);
  }
  cgosan_gc();  // the handles keep every object
  long intact = 0;
  for (long i = 0; i < h->n; i++) {
    auto *p = static_cast<uint64_t *>(cgosan_handle_value(handles[static_cast<size_t>(i)]));
    intact += p && *p == static_cast<uint64_t>(i);
  }
  dprintf(2, "live=%ld intact=%ld\n", h->n, intact);
  for (uintptr_t handle : handles)
    cgosan_handle_delete(handle);
  dprintf(2, "deleted\n");
}

int ManyHandlesCase(long n) {
  Handles h = {n, 0};
  cgosan_run(ManyHandles, &h);
  dprintf(2, "done\n");
  return 0;
}

// ---- fds ------------------------------------------------------------------------

void Nothing(void *) {}
void CallNothing(void *) { cgosan_cgocall(Nothing, nullptr); }

int FdsExhausted() {
  struct rlimit lim = {64, 64};
  setrlimit(RLIMIT_NOFILE, &lim);
  int n = 0;
  while (open("/dev/null", O_RDONLY) >= 0)
    n++;
  dprintf(2, "exhausted at %d (errno %s)\n", n, errno == EMFILE ? "EMFILE" : "?");
  // A handle's deletion records its stack by frame pointers, from the main
  // thread's system stack (its bounds come from /proc/self/maps).
  static uint64_t value;
  cgosan_handle_delete(cgosan_handle_new(&value));
  int ran = cgosan_run(CallNothing, nullptr);  // a G, a call, on a new M
  dprintf(2, "run=%d\n", ran);
  MisuseAtOneSite();  // a report to symbolize, with no fd for the symbolizer
  dprintf(2, "done\n");
  return 0;
}

// ---- memory --------------------------------------------------------------------

// The mapped size of this process, from /proc/self/statm (pages).
long MappedBytes() {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0;
  if (f) {
    if (fscanf(f, "%ld", &pages) != 1)
      pages = 0;
    fclose(f);
  }
  return pages * sysconf(_SC_PAGESIZE);
}

void HandlesUntilOutOfMemory(void *) {
  static uint64_t value;
  struct rlimit lim;
  lim.rlim_cur = lim.rlim_max =
      static_cast<rlim_t>(MappedBytes()) + (rlim_t{64} << 20);
  setrlimit(RLIMIT_AS, &lim);
  dprintf(2, "limited\n");
  for (long i = 0; i < (long{1} << 28); i++)
    cgosan_handle_new(&value);
  dprintf(2, "never ran out\n");
}

int HandlesOutOfMemory() {
  cgosan_run(HandlesUntilOutOfMemory, nullptr);
  dprintf(2, "done\n");
  return 0;
}

int UnderAddressSpaceLimit(char *self) {
  struct rlimit lim = {rlim_t{1} << 30, rlim_t{1} << 30};
  setrlimit(RLIMIT_AS, &lim);
  char handles[] = "handles", one[] = "1";
  char *args[] = {self, handles, one, nullptr};
  execv(self, args);
  dprintf(2, "execv failed: %s\n", strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  long a = argc > 2 ? atol(argv[2]) : 0;
  long b = argc > 3 ? atol(argv[3]) : 0;
  if (!strcmp(mode, "report-flood") && a > 0)
    return ReportFlood(a);
  if (!strcmp(mode, "threads") && a > 0 && b > 0)
    return Threads(a, b);
  if (!strcmp(mode, "relay") && a > 1)
    return Relay(a);
  if (!strcmp(mode, "handles") && a > 0)
    return ManyHandlesCase(a);
  if (!strcmp(mode, "fds-exhausted"))
    return FdsExhausted();
  if (!strcmp(mode, "handles-out-of-memory"))
    return HandlesOutOfMemory();
  if (!strcmp(mode, "address-space-limit"))
    return UnderAddressSpaceLimit(argv[0]);
  dprintf(2, "usage: %s report-flood N | threads TOTAL ALIVE | relay ALIVE | "
             "handles N | fds-exhausted | handles-out-of-memory | "
             "address-space-limit\n", argv[0]);
  return 2;
}
