// helper.cpp — a small program the unit tests run as a child process, to test
// what depends on CGOSAN_OPTIONS (read once, when the runtime loads) and what
// happens at process exit.
//
//   cgosan_unit_helper stack-size   prints "usable=<bytes> guard=<bytes>" of a G
//   cgosan_unit_helper noop         does nothing (help=1, bad flags)
//   cgosan_unit_helper run-null     cgosan_run(NULL), prints "ret=<r> errno=<e>",
//                                   then "after"
//   cgosan_unit_helper misuse       every misuse and escaping exception, with
//                                   halt_on_error=0: each is reported, refused
//                                   or stopped, and the program goes on in a
//                                   consistent state. Prints "CHECK <what> ok"
//                                   or "CHECK <what> FAILED", then
//                                   "done failures=<n>".
//   cgosan_unit_helper released     256 objects of 2000 bytes become
//                                   garbage; after 6 collections prints
//                                   "released=all" (or none) when all (none)
//                                   of their spans went back to the OS
//   cgosan_unit_helper alloc-sites  two call sites of cgosan_new allocating
//                                   in turn, reached at two depths on two Gs;
//                                   prints per site how many distinct stacks
//                                   its objects got, the most frames one held,
//                                   and whether frame 0 is in the site's own
//                                   function, then how many objects
//                                   FindObject did not find ("lost=<n>")
//   cgosan_unit_helper scrub        a 6 MiB object with one page written
//                                   dies; prints how many of its pages are
//                                   resident, read poison and read zero
//                                   ("pages=<n> resident=<n> poison=<n>
//                                   zero=<n>")
//   cgosan_unit_helper memmove-below-arena
//                                   the process's first object (at the
//                                   arena's start) holds an unpinned pointer;
//                                   a copy starting 8 bytes below the arena
//                                   takes it (run with cgocheck=2); prints
//                                   "first object at the arena's start" first
//   cgosan_unit_helper deep-report  a G recurses until under 6 KiB of its
//                                   stack are left, then passes an unpinned
//                                   pointer (an unpinned-pointer-in-argument
//                                   report); prints "left=<bytes>" first and
//                                   "after" when the report returned
//   cgosan_unit_helper scrub-madvise-refused
//                                   the same, with madvise(2) refused by a
//                                   seccomp filter before the object dies
//   cgosan_unit_helper gc-at-return a foreign call keeps a 64-byte managed
//                                   object ('a's) in a static, on a thread
//                                   that then exits; on another, two foreign
//                                   calls: an empty one, then one reading the
//                                   kept byte. Prints "kept=0x<byte>
//                                   collections=<n>" (n: collections during
//                                   those two calls)
//   cgosan_unit_helper nocallback-blocks
//                                   a nocallback call (callee
//                                   "slow_nocallback") sleeps 1.3 s once
//                                   another thread's collection has stopped
//                                   the world; prints "done" when both end
//   cgosan_unit_helper retained-unpinned
//                                   passes an unpinned managed object to
//                                   cgosan_check_retained, then prints "after"
// Output goes to stderr, unbuffered, so it interleaves with reports in order.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "heap/gc.h"
#include "heap/heap_internal.h"
#include "rtl.h"
#include "sanitizer_common/sanitizer_stackdepot.h"
#include "span_bytes.h"

namespace {

constexpr int kSentinel = 4242;
int failures = 0;

void Check(const char *what, bool ok) {
  dprintf(2, "CHECK %s %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    failures++;
}

bool ran = false;
void MarkRan(void *) { ran = true; }

struct State {
  int ret = -1;
  int errno_after = -1;
  int in_managed_after = -1;
  __cgosan::G *g_before = nullptr, *g_after = nullptr;
};

__cgosan::G *CurG() {
  __cgosan::M *m = __cgosan::CurrentM();
  return m ? m->curg : nullptr;
}

// Recurses until fewer than 6 KiB of the G's stack are left, then reports
// (dprintf is bound before: the dynamic linker's lazy binding takes kilobytes).
__attribute__((noinline)) void ReportNearTheGuardPage(void **cell) {
  volatile char frame[256];
  frame[0] = 0;
  uintptr_t left = reinterpret_cast<uintptr_t>(&frame[0]) - CurG()->stack_lo;
  if (left > 6144) {
    ReportNearTheGuardPage(cell);
  } else {
    dprintf(2, "left=%zu\n", static_cast<size_t>(left));
    cgosan_check_arg(cell, nullptr, "deep_fn", 0);
    dprintf(2, "after\n");
  }
  frame[1] = frame[0];
}

// 4: cgosan_run from managed code.
void ManagedRunsRun(void *arg) {
  auto *s = static_cast<State *>(arg);
  s->g_before = CurG();
  errno = kSentinel;
  s->ret = cgosan_run(MarkRan, nullptr);
  s->errno_after = errno;
  s->in_managed_after = cgosan_in_managed();
  s->g_after = CurG();
}

// 5: cgosan_run from foreign code inside a cgocall.
void ForeignRunsRun(void *arg) {
  auto *s = static_cast<State *>(arg);
  errno = kSentinel;
  s->ret = cgosan_run(MarkRan, nullptr);
  s->errno_after = errno;
  s->in_managed_after = cgosan_in_managed();
}
void ManagedCallsForeignRunsRun(void *arg) {
  auto *s = static_cast<State *>(arg);
  s->g_before = CurG();
  cgosan_cgocall(ForeignRunsRun, s);
  s->g_after = cgosan_in_managed() ? CurG() : nullptr;
}

// 6: cgosan_cgocallback from managed code not in a cgocall.
void ManagedCallsBack(void *arg) {
  auto *s = static_cast<State *>(arg);
  s->g_before = CurG();
  errno = kSentinel;
  cgosan_cgocallback(MarkRan, nullptr);
  s->errno_after = errno;
  s->in_managed_after = cgosan_in_managed();
  s->g_after = CurG();
}

// 7-9: exceptions escaping each boundary.
void Throw(void *) { throw std::runtime_error("escapes"); }

void ManagedCallsThrower(void *arg) {
  auto *s = static_cast<State *>(arg);
  s->g_before = CurG();
  s->ret = cgosan_cgocall(Throw, nullptr);
  s->in_managed_after = cgosan_in_managed();
  s->g_after = CurG();
}

void ForeignCallsBackThrower(void *arg) {
  auto *s = static_cast<State *>(arg);
  cgosan_cgocallback(Throw, nullptr);
  s->in_managed_after = cgosan_in_managed();  // back in foreign code: 0
}
void ManagedCallsForeignCallsBackThrower(void *arg) {
  auto *s = static_cast<State *>(arg);
  s->g_before = CurG();
  s->ret = cgosan_cgocall(ForeignCallsBackThrower, s);
  s->g_after = cgosan_in_managed() ? CurG() : nullptr;
}

// After each scenario the runtime must still work: a full round trip.
bool RoundTripWorks() {
  struct R {
    int in_managed_run = -1, in_managed_foreign = -1, in_managed_callback = -1;
  } r;
  int ret = cgosan_run(
      [](void *arg) {
        auto *r = static_cast<R *>(arg);
        r->in_managed_run = cgosan_in_managed();
        cgosan_cgocall(
            [](void *arg) {
              auto *r = static_cast<R *>(arg);
              r->in_managed_foreign = cgosan_in_managed();
              cgosan_cgocallback(
                  [](void *arg) {
                    static_cast<R *>(arg)->in_managed_callback =
                        cgosan_in_managed();
                  },
                  r);
            },
            r);
      },
      &r);
  return ret == 0 && r.in_managed_run == 1 && r.in_managed_foreign == 0 &&
         r.in_managed_callback == 1 && cgosan_in_managed() == 0 &&
         CurG() == nullptr;
}

int Misuse() {
  int64_t calls0 = cgosan_num_cgocall();
  {  // 1
    errno = kSentinel;
    int ret = cgosan_run(nullptr, nullptr);
    Check("run-null-returns-EINVAL", ret == EINVAL);
    Check("run-null-keeps-errno", errno == kSentinel);
    Check("run-null-round-trip", RoundTripWorks());
  }
  {  // 2
    errno = kSentinel;
    int ret = cgosan_cgocall(nullptr, nullptr);
    Check("cgocall-null-returns-EINVAL", ret == EINVAL);
    Check("cgocall-null-keeps-errno", errno == kSentinel);
    Check("cgocall-null-round-trip", RoundTripWorks());
  }
  {  // 3
    errno = kSentinel;
    cgosan_cgocallback(nullptr, nullptr);
    Check("callback-null-keeps-errno", errno == kSentinel);
    Check("callback-null-round-trip", RoundTripWorks());
  }
  {  // 4
    State s;
    ran = false;
    cgosan_run(ManagedRunsRun, &s);
    Check("run-from-managed-returns-EINVAL", s.ret == EINVAL);
    Check("run-from-managed-not-run", !ran);
    Check("run-from-managed-keeps-errno", s.errno_after == kSentinel);
    Check("run-from-managed-still-managed",
          s.in_managed_after == 1 && s.g_after == s.g_before && s.g_before);
    Check("run-from-managed-round-trip", RoundTripWorks());
  }
  {  // 5
    State s;
    ran = false;
    cgosan_run(ManagedCallsForeignRunsRun, &s);
    Check("run-in-cgocall-returns-EINVAL", s.ret == EINVAL);
    Check("run-in-cgocall-not-run", !ran);
    Check("run-in-cgocall-keeps-errno", s.errno_after == kSentinel);
    Check("run-in-cgocall-still-foreign", s.in_managed_after == 0);
    Check("run-in-cgocall-back-on-G", s.g_after == s.g_before && s.g_before);
    Check("run-in-cgocall-round-trip", RoundTripWorks());
  }
  {  // 6
    State s;
    ran = false;
    cgosan_run(ManagedCallsBack, &s);
    Check("callback-from-managed-not-run", !ran);
    Check("callback-from-managed-keeps-errno", s.errno_after == kSentinel);
    Check("callback-from-managed-still-managed",
          s.in_managed_after == 1 && s.g_after == s.g_before && s.g_before);
    Check("callback-from-managed-round-trip", RoundTripWorks());
  }
  {  // 7
    int ret = cgosan_run(Throw, nullptr);
    Check("throw-from-run-returns", ret == 0);
    Check("throw-from-run-foreign-again",
          cgosan_in_managed() == 0 && CurG() == nullptr);
    Check("throw-from-run-round-trip", RoundTripWorks());
  }
  {  // 8
    State s;
    cgosan_run(ManagedCallsThrower, &s);
    Check("throw-from-cgocall-back-in-managed",
          s.in_managed_after == 1 && s.g_after == s.g_before && s.g_before);
    Check("throw-from-cgocall-round-trip", RoundTripWorks());
  }
  {  // 9
    State s;
    cgosan_run(ManagedCallsForeignCallsBackThrower, &s);
    Check("throw-from-callback-back-in-foreign", s.in_managed_after == 0);
    Check("throw-from-callback-back-on-G", s.g_after == s.g_before && s.g_before);
    Check("throw-from-callback-round-trip", RoundTripWorks());
  }
  // One cgocall per round trip (one per scenario: 9), plus the cgocalls of
  // scenarios 5, 8 and 9; the refused cgocall(NULL) is not counted.
  int64_t calls = cgosan_num_cgocall() - calls0;
  Check("cgocall-count-exact", calls == 9 + 3);
  dprintf(2, "done failures=%d\n", failures);
  return 0;
}

// The objects are made by a G on a thread that then exits, so its M's cache
// gives every span back. They die at the first collection, their spans are
// empty from the second (the quarantine ends), and stay empty through the
// last five. Prints whether all, none or some of their spans' bytes went
// back to the OS.
int Released() {
  constexpr int kObjects = 256;
  static uintptr_t objects[kObjects];  // not a root
  std::thread([] {
    cgosan_run(
        [](void *) {
          static const cgosan_type kBytes2000 = {"char[2000]", 2000, 0, nullptr, 0};
          for (uintptr_t &p : objects)
            p = reinterpret_cast<uintptr_t>(cgosan_new(&kBytes2000));
        },
        nullptr);
  }).join();
  size_t span_bytes = BytesOfSpansHolding(objects, kObjects);
  for (int i = 0; i < 6; i++) cgosan_gc();
  size_t released = __cgosan::ReleasedHeapBytes();
  if (released == span_bytes)
    dprintf(2, "released=all\n");
  else if (released == 0)
    dprintf(2, "released=none\n");
  else
    dprintf(2, "released=%zu of %zu\n", released, span_bytes);
  return 0;
}

// A call site of cgosan_new of its own; the function is a few instructions,
// so the call's return address is within kSiteBytes of its start.
constexpr uintptr_t kSiteBytes = 64;
const cgosan_type kWord = {"long", 8, 0, nullptr, 0};
template <int kSite>
__attribute__((noinline, disable_tail_calls)) void *AllocAtSite() {
  return cgosan_new(&kWord);
}
constexpr int kSites = 2;
void *(*const kAllocSites[kSites])() = {AllocAtSite<0>, AllocAtSite<1>};
__attribute__((noinline, disable_tail_calls)) void *CallThrough(void *(*site)()) {
  return site();
}

int AllocSites() {
  constexpr int kRounds = 4, kMaxIds = 2 * 2 * kRounds;
  struct Seen {
    uint32_t ids[kMaxIds];
    int nids = 0;
    uintptr_t most_frames = 0;
    bool frame0_in_site = true;
  } seen[kSites];
  static int lost = 0;  // objects FindObject did not know
  for (int gs = 0; gs < 2; gs++) {  // each cgosan_run is a G of its own
    cgosan_run(
        [](void *arg) {
          Seen *seen = static_cast<Seen *>(arg);
          for (int round = 0; round < kRounds; round++) {
            for (int site = 0; site < kSites; site++) {
              void *(*at)() = kAllocSites[site];
              void *p = round % 2 ? CallThrough(at) : at();
              __cgosan::ObjectInfo info;
              if (!__cgosan::FindObject(reinterpret_cast<uintptr_t>(p), &info)) {
                lost++;
                continue;
              }
              Seen &s = seen[site];
              bool known = false;
              for (int i = 0; i < s.nids; i++) known |= s.ids[i] == info.alloc_stack;
              if (!known)
                s.ids[s.nids++] = info.alloc_stack;
              __sanitizer::StackTrace st = __sanitizer::StackDepotGet(info.alloc_stack);
              s.most_frames = st.size > s.most_frames ? st.size : s.most_frames;
              uintptr_t start = reinterpret_cast<uintptr_t>(at);
              s.frame0_in_site &= st.size > 0 && st.trace[0] - start < kSiteBytes;
            }
          }
        },
        seen);
  }
  for (int site = 0; site < kSites; site++)
    dprintf(2, "site %d: stacks=%d most_frames=%zu frame0_in_site=%s\n", site,
            seen[site].nids, static_cast<size_t>(seen[site].most_frames),
            seen[site].frame0_in_site ? "yes" : "no");
  dprintf(2, "lost=%d\n", lost);
  return 0;
}

// madvise(2) fails with EPERM from now on, in every thread, as some
// sandboxes make it; false when seccomp cannot be had here.
bool RefuseMadvise() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_madvise, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program = {sizeof(filter) / sizeof(filter[0]), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                 &program) == 0;
}

// The object is made by a G on a thread that then exits (nothing keeps it),
// on pages the process never touched, and dies at the first collection.
// Residency is counted before any page is read: a read maps the zero page.
int Scrub(bool deny_madvise) {
  constexpr size_t kSize = 6 << 20;
  static unsigned char *object;  // not a root
  std::thread([] {
    cgosan_run(
        [](void *) {
          static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
          object = static_cast<unsigned char *>(cgosan_new_array(&kByte, kSize));
          madvise(object, kSize, MADV_NOHUGEPAGE);  // 4 KiB pages, THP or not
          object[0] = 1;
        },
        nullptr);
  }).join();
  if (deny_madvise && !RefuseMadvise()) {
    dprintf(2, "seccomp: unavailable (%s)\n", strerror(errno));
    return 2;
  }
  cgosan_gc();
  size_t page = sysconf(_SC_PAGESIZE), pages = kSize / page;
  static unsigned char vec[kSize / 4096];
  size_t resident = 0, poison = 0, zero = 0;
  if (mincore(object, kSize, vec) != 0)
    return 2;
  for (size_t i = 0; i < pages; i++) resident += vec[i] & 1;
  for (size_t i = 0; i < pages; i++) {
    poison += object[i * page] == 0xca;
    zero += object[i * page] == 0;
  }
  dprintf(2, "pages=%zu resident=%zu poison=%zu zero=%zu\n", pages, resident,
          poison, zero);
  return 0;
}

// A managed pointer cell holding a managed int: a report's object and the
// target it holds.
void **NewCellHoldingAnInt() {
  static const uint8_t kWord0[1] = {1};
  static const cgosan_type kPtr = {"void *", 8, 8, kWord0, 0};
  static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
  auto **cell = static_cast<void **>(cgosan_new(&kPtr));
  *cell = cgosan_new(&kInt);
  return cell;
}

// Foreign code's static, not a root: what it keeps, nothing keeps alive.
unsigned char *kept_by_foreign_code;
unsigned char kept_byte;

__attribute__((noinline)) void LendToForeignCode() {
  static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
  auto *object = static_cast<unsigned char *>(cgosan_new_array(&kByte, 64));
  memset(object, 'a', 64);
  cgosan_cgocall(
      [](void *p) { kept_by_foreign_code = static_cast<unsigned char *>(p); },
      object);
}

// The G stacks are scanned conservatively, and a G's stack is reused by
// the next G: no stale copy of the pointer may stay in the dead part of it.
__attribute__((noinline)) void ScrubStack() {
  volatile char junk[8192];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = 0;
}

int GcAtReturn() {
  std::thread([] {
    cgosan_run(
        [](void *) {
          LendToForeignCode();
          ScrubStack();
        },
        nullptr);
  }).join();
  __sanitizer::u64 before = __cgosan::NumGc();
  cgosan_run(
      [](void *) {
        cgosan_cgocall([](void *) {}, nullptr);
        cgosan_cgocall([](void *) { kept_byte = kept_by_foreign_code[0]; },
                       nullptr);
      },
      nullptr);
  dprintf(2, "kept=0x%02x collections=%llu\n", kept_byte,
          static_cast<unsigned long long>(__cgosan::NumGc() - before));
  return 0;
}

}  // namespace

// A nocallback function that breaks its promise not to block: it sleeps
// while a collection waits for it.
std::atomic<bool> slow_in_call{false};
void SlowNoCallback(void *) {
  slow_in_call = true;
  for (int i = 0; i < 10000000; i++) {
    if (__cgosan::atomic_load(&__cgosan::world_stopped, __cgosan::memory_order_acquire))
      break;
    sched_yield();
  }
  struct timespec nap = {1, 300 * 1000 * 1000};
  while (nanosleep(&nap, &nap) != 0 && errno == EINTR) {
  }
}

int NoCallbackBlocks() {
  std::thread collector([] {
    while (!slow_in_call) sched_yield();
    cgosan_gc();
  });
  cgosan_run([](void *) { cgosan_cgocall_nocallback(SlowNoCallback, nullptr, "slow_nocallback"); },
             nullptr);
  collector.join();
  dprintf(2, "done\n");
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "noop"))
    return 0;
  if (!strcmp(mode, "stack-size")) {
    struct Sizes {
      size_t usable = 0, guard = 0;
    } sizes;
    cgosan_run(
        [](void *arg) {
          auto *s = static_cast<Sizes *>(arg);
          __cgosan::G *g = CurG();
          s->usable = g->stack_hi - g->stack_lo;
          s->guard = g->stack_lo - g->guard_lo;
        },
        &sizes);
    dprintf(2, "usable=%zu guard=%zu\n", sizes.usable, sizes.guard);
    return 0;
  }
  if (!strcmp(mode, "run-null")) {
    errno = kSentinel;
    int ret = cgosan_run(nullptr, nullptr);
    int e = errno;
    dprintf(2, "ret=%d errno=%d\n", ret, e);
    dprintf(2, "after\n");
    return 0;
  }
  if (!strcmp(mode, "misuse"))
    return Misuse();
  if (!strcmp(mode, "deep-report")) {
    cgosan_run(
        [](void *) {
          void **cell = NewCellHoldingAnInt();
          dprintf(2, "deep-report\n");
          ReportNearTheGuardPage(cell);
        },
        nullptr);
    return 0;
  }
  if (!strcmp(mode, "memmove-below-arena")) {
    cgosan_run(
        [](void *) {
          void **cell = NewCellHoldingAnInt();
          if (reinterpret_cast<uintptr_t>(cell) == __cgosan::arena_start)
            dprintf(2, "first object at the arena's start\n");
          void *dst = malloc(16);
          // Only the copy's managed part is read: the 8 bytes below the
          // arena are not (they need not be mapped).
          cgosan_check_memmove(dst, reinterpret_cast<char *>(cell) - 8, 16);
          free(dst);
        },
        nullptr);
    return 0;
  }
  if (!strcmp(mode, "heap-exhausted")) {  // the arena's size, with a span in use
    static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
    void *volatile first = cgosan_new(&kByte);
    (void)first;
    void *p = cgosan_new_array(&kByte, size_t{64} << 30);
    dprintf(2, "after p=%p\n", p);
    return 0;
  }
  if (!strcmp(mode, "nocallback-blocks"))
    return NoCallbackBlocks();
  if (!strcmp(mode, "gc-at-return"))
    return GcAtReturn();
  if (!strcmp(mode, "retained-unpinned")) {
    cgosan_run(
        [](void *) {
          static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
          cgosan_check_retained(cgosan_new_array(&kByte, 16), "lib_keep", 1,
                                "lib_release");
          dprintf(2, "after\n");
        },
        nullptr);
    return 0;
  }
  if (!strcmp(mode, "released"))
    return Released();
  if (!strcmp(mode, "alloc-sites"))
    return AllocSites();
  if (!strcmp(mode, "scrub"))
    return Scrub(false);
  if (!strcmp(mode, "scrub-madvise-refused"))
    return Scrub(true);
  dprintf(2, "unknown mode '%s'\n", mode);
  return 2;
}
