// retention.h — the watching side of rule 2 (retention=full): the argument
// checks note what a call lends (retention_lend.cpp), the lent objects are
// watched by page protection once the call returns (retention_watch.cpp),
// and a foreign access to one is reported (retention_report.cpp).
#ifndef CGOSAN_CHECKERS_RETENTION_H
#define CGOSAN_CHECKERS_RETENTION_H

#include "heap/gc.h"
#include "heap/heap.h"
#include "report.h"

namespace __cgosan {

}  // namespace __cgosan
// retention=guard or full: set once at load, before the program runs. Exported: the
// interposers read it inline to skip cgosan_lend in the other modes.
extern "C" __sanitizer::u8 __cgosan_lending;
namespace __cgosan {

// The argument p of callee (argno) is a managed pointer the checks passed:
// the object it points into is lent to the call about to run. `noescape`:
// the callee promised to keep none of its pointers (a second note of the
// same object for the same call adds the promise to the first).
void NoteLent(uptr p, const char *callee, int argno, bool noescape = false);
ALWAYS_INLINE void NoteIfLent(uptr p, const char *callee, int argno) {
  if (UNLIKELY(__cgosan_lending))
    NoteLent(p, callee, argno);
}

// --- The watch table (retention_watch.cpp) ---------------------------------
// obj is lent to a call that starts: not watched while any call has it, and
// its pages are open for that call.
void BeginLend(const ObjectInfo &obj);
// The call that borrowed the object at base returned (rec says how it was
// lent): with no call holding it any more it is watched.
void EndLend(const LendRecord &rec);
// The pages listed open (watched since, or opened by a fault, a lend or
// the heap) are protected, but those a running call holds.
void ProtectOpenPages();
// The same, unless nothing but managed code can run before the next foreign
// entry, which then protects them (retention_watch.cpp: WatchStartsNow).
void ProtectOpenPagesUnlessTheyMayWait();
// A thread is about to be created (the pthread_create and thrd_create
// interceptors): what waits for the next foreign entry is protected first,
// since the new thread may run foreign code at once.
ALWAYS_INLINE void ProtectBeforeAThreadStarts() {
  if (UNLIKELY(__cgosan_lending))
    ProtectOpenPages();
}
void WatchPinChanged(const ObjectInfo &obj, bool pinned);
// The object at base is no longer watched (its pages open), unless a
// running call holds it.
void StopWatching(uptr base);

// --- retention=guard (retention_guard.cpp) ---------------------------------
// Whether a lend of obj is recorded and watched after it: objects of the
// guarded pool only, at lends 1, 2, 4, 8... of each.
bool GuardWatchesLend(const ObjectInfo &obj);
// The internal event a heap sends (hooks.object_freed): a watched object that
// dies stays watched, as freed by `collection`, while its slot stays
// quarantined: past the next collection too, up to retention_quarantine_kb.
void RetentionOnObjectFreed(uptr base, uptr size, u64 collection);
// hooks.keeps_freed_slot: the sweep is about to release the quarantined
// slot at base; true keeps it, the dead object there still watched. False
// forgets it.
bool KeepsFreedSlot(uptr base);
// This thread takes or holds the table's lock: a signal handler that
// interrupted it must not take it (retention_libc.cpp).
bool WatchLockedHere();
// The SIGSEGV handler's question: true when addr is on a page this table
// protects (then it reported or opened it, and the access can run again).
bool RetentionFault(uptr addr, void *ucontext);
// Faults that were not a foreign access to a watched object (and pages a
// system call made for managed code opened).
u64 RetentionReopenedPages();
// Page protections made (each page each time).
u64 RetentionPageProtections();
void InitializeWatchTable();
// A foreign call starts (hooks.foreign_call_starts): counted, for "the
// lender returned N foreign calls ago", then the open pages are protected.
void RetentionForeignCallStarts();

// What a report says of the watched object a foreign access hit: copied out
// of the table under its lock, so the report is made with no lock held.
struct RetainedAccess {
  uptr addr;
  bool write;
  uptr access_size;  // bytes the faulting instruction touches; 0: unknown
  u64 calls_since_return;  // foreign calls started since the lender returned
  u64 ms_since_return;
  uptr base, size;
  const cgosan_type *type;
  u32 alloc_stack;
  LendRecord lender;
  u64 freed_by;  // the collection that freed it; 0 while it lives
  // A libc call's access (retention_libc.cpp): its name ("write(2)") and the
  // size of the buffer it was handed. Null for a fault.
  const char *libc_call;
  uptr libc_size;
};
// From the fault handler (ucontext: the faulting stack) or from a libc
// interceptor (ucontext null: the calling stack).
void ReportRetainedAccess(const RetainedAccess &a, void *ucontext);

// Who makes an access, read at the access: foreign code (no G runs here),
// not managed code, the collector, nor the heap filling memory.
ALWAYS_INLINE bool ForeignCodeRunsHere() {
  return !InManaged() && !collecting_here && !heap_fills_memory;
}

// A libc call is handed [start, start + size), arena bytes, for the code
// this thread runs (foreign: ForeignCodeRunsHere): the pages are held open
// until ReleaseLibcRange, whoever watches or faults meanwhile, so the kernel
// never meets a protected page. A watched object there touched by foreign
// code is *hit (its access fields for the caller to fill), then forgotten.
bool HoldLibcRange(uptr start, uptr size, bool foreign, RetainedAccess *hit);
void ReleaseLibcRange(uptr start, uptr size);

// --- OS side (retention_linux.cpp) ------------------------------------------
void ProtectPages(uptr start, uptr size, bool no_access);
// A mapping's pages that differ from their neighbours in nothing but their
// protection merge with them when it matches, and split off again when it
// changes: the kernel's bookkeeping of that costs twice what the protection
// itself does. Pages given a flag that differs from their neighbours'
// (kApartEven/kApartOdd: read-ahead and reclaim hints, which change
// nothing a page holds nor who may touch it) stay mappings of their own;
// kNotApart gives the default back. False when the kernel refused (too many mappings).
enum PagesApart { kNotApart, kApartEven, kApartOdd };
bool SetPagesApart(uptr start, uptr size, PagesApart how);
// No thread was ever created in the process: this one is its only thread.
bool NeverMadeAThread();
bool FaultIsWrite(void *ucontext);
// The bytes the faulting instruction of ucontext accesses in memory; 0 when
// it is not one the decoder knows (retention_access_size.cpp).
uptr FaultAccessSize(void *ucontext);

// --- The x86-64 decoder (retention_access_size.cpp) --------------------------
// The memory operand's size of the instruction at code (at most 15 bytes
// read), for the common loads and stores compilers and libc emit: mov and
// its zero/sign-extending forms, ALU and compare ops, SSE/AVX moves and
// compares of 16, 32 or 64 bytes. 0 for anything else (string
// instructions, masked AVX-512 forms, x87...): the report then says the size
// is unknown.
uptr DecodeAccessSize(const u8 *code);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_RETENTION_H
