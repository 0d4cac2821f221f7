// rtl.h — the hub of the cgosan runtime. Every rtl/ file includes it.
//
// Ground rules (they keep the runtime safe to run inside anyone's process):
//  1. No static constructors or destructors. Global state is zero-initialised
//     or built by Initialize(); the one load-time hook is the
//     __attribute__((constructor)) in init.cpp that calls it.
//  2. No exceptions, no RTTI. The one exception is boundary_guard.cpp, which
//     catches C++ exceptions at the three boundaries (run, cgocall, callback).
//  3. No malloc and no intercepted libc on the report path: memory comes from
//     mmap (sanitizer_common's internal allocator), output goes through
//     sanitizer_common's Printf, which writes with raw syscalls.
//  4. The user's errno is never changed by the runtime. Entry points save it
//     and put it back (ErrnoSaver); cgosan_cgocall's contract is the only way
//     errno moves, and it moves to what the foreign function left.
//  5. OS-specific code lives only in *_linux.cpp files; asm/ holds the switch.
//  6. CHECK is always on and prints both operands; DCHECK only in debug builds
//     (still type-checked in release).
//  7. rtl/ never includes checkers/ or interceptors/.
//
// Vocabulary (Go's): a G is a goroutine (a managed context with its own stack
// the runtime allocated); an M is an OS thread, and its g0 is the thread's own
// system stack where foreign code runs. See cgocall.cpp for the stack switch.
#ifndef CGOSAN_RTL_RTL_H
#define CGOSAN_RTL_RTL_H

#include <cgosan/cgosan.h>
#include <errno.h>

#include "sanitizer_common/sanitizer_atomic.h"
#include "sanitizer_common/sanitizer_common.h"
#include "sanitizer_common/sanitizer_internal_defs.h"
#include "sanitizer_common/sanitizer_mutex.h"

namespace __cgosan {

using namespace __sanitizer;

// --- Flags (flags.inc is the one list) ------------------------------------
struct Flags {
#define CGOSAN_FLAG(Type, Name, DefaultValue, Description) Type Name;
#include "flags.inc"
#undef CGOSAN_FLAG
};
extern Flags cgosan_flags_dont_use;
inline const Flags *flags() { return &cgosan_flags_dont_use; }
// retention=, parsed once with the flags (flags.cpp); kRetentionOff before.
enum RetentionMode : u8 {
  kRetentionOff,
  kRetentionAnnotations,
  kRetentionGuard,  // sampled objects watched (rtl/heap/guarded_pool.h)
  kRetentionFull,   // every lent object watched
};
extern RetentionMode retention_mode;
void InitializeFlags();  // from the CGOSAN_OPTIONS environment variable
// The same from options, CGOSAN_OPTIONS' value (null: none); bad options end
// the process with a one-line message and status 1.
void InitializeFlagsFrom(const char *options);

// --- Initialisation --------------------------------------------------------
extern atomic_uint8_t initialized;
void InitializeSlow();
ALWAYS_INLINE void EnsureInitialized() {
  if (UNLIKELY(!atomic_load(&initialized, memory_order_acquire)))
    InitializeSlow();
}

// --- errno -------------------------------------------------------------------
// Restores the caller's errno when the runtime's own work is done.
class ErrnoSaver {
 public:
  ErrnoSaver();
  ~ErrnoSaver();
  int saved() const { return saved_; }

 private:
  int saved_;
};
ALWAYS_INLINE int GetErrno() { return errno; }
ALWAYS_INLINE void SetErrno(int value) { errno = value; }

// --- G and M -----------------------------------------------------------------
enum GStatus : u32 {
  kGIdle = 0,     // in a pool, no function
  kGRunning = 1,  // runs managed code on its stack
  kGSyscall = 2,  // parked in cgosan_cgocall; its stack is [saved_sp, stack_hi)
  // In cgosan_cgocall_nocallback: foreign code runs on g0, but the G is not
  // parked. The collector waits for it as for a running G (it returns soon,
  // by promise); a callback from it breaks that promise (bad-callback).
  kGNoCallback = 3,
};

struct M;

// What a program built with ASan or TSan must be told of one stack while
// another runs on its thread (fiber_switch.h); zero when neither is linked.
struct FiberStack {
  void *fake_stack;  // ASan: its fake stack, saved when the thread left it
  void *tsan_fiber;  // TSan: its fiber (a G's: one per life)
  uptr bottom;       // ASan: its bounds (g0's: learnt each time it is left)
  uptr size;
};

// An object lent to foreign code by a cgocall that is about to run or runs:
// a pointer into it was checked as an argument (checkers/retention_lend.cpp).
struct LendRecord {
  uptr base;           // the object's first byte
  uptr size;           // its bytes
  const char *callee;  // as the check named it
  int argno;
  u32 stack;           // depot id of the lending call's stack
  bool noescape;       // the callee promised to keep none of its pointers
};

struct G {
  u64 id;
  uptr guard_lo;  // start of the mapping: one guard page, PROT_NONE
  uptr stack_lo;  // lowest usable address (= guard_lo + page)
  uptr stack_hi;  // one past the highest usable address
  // While parked in a cgocall: the stack pointer the switch to g0 left, below
  // the spilled callee-saved registers. Everything live is in [saved_sp, hi).
  uptr saved_sp;
  // Where the innermost cgosan_run or callback on this G began its frames:
  // those below it end when that function returns (a callback's result must
  // not point there; checkers/check_result.cpp).
  uptr entry_sp;
  atomic_uint32_t status;  // GStatus
  M *m;                    // the M running it, while it runs
  G *next_free;
  FiberStack fiber;        // for the program's ASan or TSan
  // What the cgocalls of this G lend (retention=full only; lent stays null
  // otherwise): [lent_floor, nlent) are the records of the innermost call,
  // made by its argument checks; a callback on the G raises the floor so
  // the records of the call it runs in stay below it.
  LendRecord *lent;
  u32 nlent, lent_floor;
};

struct M {
  u32 id;
  bool extra;  // attached by a callback on a thread foreign code created
  G *curg;     // the G this M runs or holds parked in a cgocall; null on g0
  // The stack pointer the last g0 -> G switch left on the system stack. A
  // cgocall runs its foreign function below it; a callback moves it down.
  uptr g0_sp;
  atomic_uint64_t ncgocall;  // managed -> foreign calls made on this M
  // The fn of the innermost cgocall in flight on this M (null when none), so
  // a report about foreign code can name the call it runs in.
  cgosan_fn foreign_call;
  // The callee named to the innermost cgosan_cgocall_nocallback in flight on
  // this M, for its reports and for a collection waiting for it (may be
  // null: then foreign_call names it).
  const char *nocallback_callee;
  G *gcache;                 // one idle G kept for the next cgosan_run
  struct HeapCache *heap_cache;  // spans this M allocates from (heap_alloc.cpp)
  // The remembered allocation site (in heap_cache) the last allocation used;
  // the inline path checks the site that followed it last time, its `next`
  // (heap_internal.h).
  struct AllocSiteMemo *alloc_site;
  // Objects foreign code on this thread allocated and may hold only in its
  // registers or its own memory (heap_alloc.cpp, "local references"): roots
  // until the cgocall they were made in returns, or, made with no managed
  // code below, until the thread's next allocation. Appended under the
  // heap's foreign-allocation lock, which the collector holds while it marks.
  uptr *locals;
  u32 nlocals, locals_cap;
  uptr altstack;             // signal stack memory of this M (kept across reuse)
  bool altstack_installed;   // installed by the runtime on the current thread
  M *next_all;   // every M ever made (thread.cpp), never changed once set
  M *next_free;  // pool of Ms whose thread has exited
  bool pooled;   // in that pool: no thread (guarded by thread.cpp's lock)
  FiberStack g0_fiber;  // the system stack, for the program's ASan or TSan
  // errno of the thread the M is bound to (set by AcquireM): the assembly
  // crossing clears and reads it without a call to __errno_location.
  int *errno_location;
};

// The M of the calling thread, or null before its first contact. Named for
// the assembly crossings (crossing_layout.h), which read it too.
extern THREADLOCAL M *cur_m __asm__("cgosan_cur_m");
}  // namespace __cgosan
// The status word of the G the calling thread runs (or holds parked in a
// cgocall), or of no G (kGIdle) when it runs none: &m->curg->status, kept by
// whoever changes m->curg (RunNewG, ReleaseM), so that "in managed code?" is
// that one word, read without the chain M -> G. There is no second copy of
// the status: the crossings store g->status and nothing else says the thread
// is managed or foreign (cgocall.cpp, "The one status word"). Never null.
// Exported: the generated interposers read it inline (initial-exec), since
// every interposed call, including the library's calls to itself, asks it.
extern "C" THREADLOCAL const __sanitizer::atomic_uint32_t *__cgosan_g_status;
namespace __cgosan {
// The status of no G: where __cgosan_g_status points on a thread with none.
extern const atomic_uint32_t no_g_status;
// g (or no G: null) is now the calling thread's m->curg.
ALWAYS_INLINE void SetCurrentGStatusWord(const G *g) {
  __cgosan_g_status = g ? &g->status : &no_g_status;
}
// The calling thread runs managed code: IsRunningG(CurrentG()), the
// pointer and the word, no chain through M.
ALWAYS_INLINE bool InManaged() {
  return atomic_load(__cgosan_g_status, memory_order_relaxed) == kGRunning;
}
ALWAYS_INLINE M *CurrentM() { return cur_m; }
// g runs managed code: not null, and not parked in a cgocall.
ALWAYS_INLINE bool IsRunningG(const G *g) {
  return g && atomic_load(&g->status, memory_order_relaxed) == kGRunning;
}
// The G the calling thread runs (or holds parked in a cgocall); null if none.
ALWAYS_INLINE G *CurrentG() {
  M *m = CurrentM();
  return m ? m->curg : nullptr;
}
M *AcquireM(bool extra);   // binds a pooled or new M to this thread
void ReleaseM(M *m);       // at thread exit: back to the pool
G *AcquireG(M *m);
void ReleaseG(M *m, G *g);
u64 TotalCgocalls();
// True once any G has run in the process (cgosan_run, a callback).
bool AnyGEverRan();
// Calls fn for every M ever made (pooled ones too), taking no lock (see
// thread.cpp); an M made during the walk may be missed.
void ForEachM(void (*fn)(M *m, void *arg), void *arg);

struct MStats {
  uptr ms_created;  // Ms ever made (pooled Ms are reused, so this stays small)
  uptr ms_free;     // Ms in the pool now
  uptr gs_mapped;   // G stacks mapped now (in use or pooled)
};
MStats GetMStats();

// OS side of G and M (thread_linux.cpp).
// The stack of the slot [base, base + size) (gstack.cpp), the guard page at
// base left without access; false when out of memory. Unmap gives its pages
// back and leaves the whole slot without access.
bool MapGStack(uptr base, uptr size);
void UnmapGStack(uptr base, uptr size);
void BindMToThread(M *m);        // arranges ReleaseM at thread exit
void InstallAltStack(M *m);      // sigaltstack for stack-overflow reports
void RemoveAltStack(M *m);
void InitializeThreadExitHook();

// --- The world (world.cpp) ----------------------------------------------------
// entersyscall / exitsyscall: a G in a cgocall is "stopped" for the collector
// without being waited for; exitsyscall blocks while the world is stopped.
ALWAYS_INLINE void EnterSyscall(G *g) {
  atomic_store(&g->status, kGSyscall, memory_order_release);
}
// futex word: 1 while stopped. Both named for the assembly crossings too.
extern atomic_uint32_t world_stopped __asm__("cgosan_world_stopped");
// True when StopTheWorld issues membarrier(2), so exitsyscall's side of the
// handshake needs only a compiler barrier (see world.cpp).
extern bool world_uses_membarrier __asm__("cgosan_world_uses_membarrier");
void ExitSyscallSlow(G *g);
ALWAYS_INLINE void ExitSyscall(G *g) {
  atomic_store(&g->status, kGRunning, memory_order_relaxed);
  if (LIKELY(world_uses_membarrier))
    atomic_signal_fence(memory_order_seq_cst);
  else
    atomic_thread_fence(memory_order_seq_cst);
  if (UNLIKELY(atomic_load(&world_stopped, memory_order_acquire)))
    ExitSyscallSlow(g);
}
void InitializeWorld();
bool RegisterProcessBarrier();  // membarrier(2) registration (world_linux.cpp)
void ProcessWideBarrier();      // a full barrier on every running thread
void StopTheWorld();   // returns with every G in a cgocall held there
void StartTheWorld();  // lets held Gs continue

// --- The boundaries (cgocall.cpp, boundary_guard.cpp) -------------------------
enum Boundary : u32 {
  kBoundaryRun,       // fn given to cgosan_run
  kBoundaryCgocall,   // foreign fn given to cgosan_cgocall
  kBoundaryCallback,  // managed fn given to cgosan_cgocallback
};
struct GuardedCall {
  cgosan_fn fn;
  void *arg;
  Boundary boundary;
};
// A cgosan_fn taking a GuardedCall*: calls fn(arg), stopping any C++ exception
// that leaves it (reported as unwind-across-boundary; swallowed if the report
// returns). The stack switch always runs user code through it.
void CallGuarded(void *guarded_call);

// Runs fn(arg) on the thread's system stack when called on a running G's
// stack, else where it is (cgocall.cpp). For the runtime's own deep work on
// a G (a report's unwinding, symbolizing and printing): a G's stack is small
// (stack_size, 16 KiB at least), and work done at its deep end would run
// into the guard page, as Go does such work on the system stack. The G stays
// running, so no collection starts meanwhile; fn must not reach a safepoint.
void CallOnSystemStack(cgosan_fn fn, void *arg);

// The name of the function m's cgosan_cgocall_nocallback runs (its callee
// argument, else what the symbolizer calls its fn) into buf; for reports
// and for a collection that waits for it (gc.cpp).
void NoCallbackCalleeName(const M *m, char *buf, uptr size);

// --- Signals (signal_linux.cpp) -------------------------------------------------
void InstallDeadlySignalHandlers();

// --- Address space (address_space_linux.cpp) ----------------------------------
// size bytes, readable and writable, committed on touch (MAP_NORESERVE);
// when the address-space limit refuses them, a one-line message naming
// `what` and the process ends. kReservedAtStart: about what the runtime
// reserves so in all (the managed range and its page map).
constexpr uptr kReservedAtStart = (1ull << 37) + (1ull << 26);
void *ReserveAddressSpaceOrDie(uptr size, const char *what);

// --- Memory the user names (readable_linux.cpp) --------------------------------
// True when this process can read [addr, addr+size), size <= 64: a system
// call, for checking an address at the API before the runtime reads it later.
bool IsReadable(uptr addr, uptr size);
// Copies [addr, addr+size) to `to` when this process can read it all: true;
// false (to partly written) where the kernel would say EFAULT.
bool CopyIfReadable(uptr addr, void *to, uptr size);

}  // namespace __cgosan

// The stack switch (asm/switch_amd64.S).
// park: null, or a G's status, set to park_value once *saved_sp is stored
// (the cgocall's entersyscall; see the .S file).
extern "C" void cgosan_asm_call_on_stack(void *arg, cgosan_fn fn,
                                         void *stack_top, void **saved_sp,
                                         __sanitizer::atomic_uint32_t *park = nullptr,
                                         __sanitizer::u32 park_value = 0);
extern "C" NORETURN void cgosan_bad_stack_switch(void *arg, cgosan_fn fn,
                                                 void *stack_top);

#endif  // CGOSAN_RTL_RTL_H
