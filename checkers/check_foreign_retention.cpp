// check_foreign_retention.cpp — rule 2 on a heap cgosan does not own
// (include/cgosan/heap.h; Boehm GC through heaps/bdwgc): an object of a
// foreign heap handed to a call an annotation says keeps it (`retains =
// PARAM until ...`: sqlite3_bind_text with SQLITE_STATIC) must stay alive
// until one of the `until` calls. Its collector cannot see the library's
// copy (the library keeps it in malloc'd state), so the object must stay
// reachable from memory the collector scans, or be one foreign code may
// hold (uncollectable). Whether it stays reachable is a property of the
// whole run, which a conservative collector alone answers, at a collection:
// so the call records the retention (retention_table.cpp) and asks the heap
// to report the object's death (`watch`); a free while the record lives is
// the retained-pointer report, made then, before the library reads freed
// memory, with the retaining call's stack.
// Which code is managed: in a program with no G (an unmodified bdwgc
// program), the program's own code is the managed side and the interposed
// library the foreign one; the interposer runs this check for calls from
// threads that are not running a G (cgosan_check_retained_foreign), and
// cgosan_check_retained_by sends a G's foreign-heap arguments here too.
// With no annotation, retention=full keeps the dead object and reports its
// first access instead (foreign_retention_watch.cpp; ReportKeptAccess here).
// Allowed on purpose: an object foreign code may hold, one kept reachable
// (a global, a GC object: the collector never frees it), a retention ended
// before the collection, and memory of no registered heap.
// Cost: one load in the interposer's foreign path of a retaining function
// (only once a foreign heap is registered; then its `when` condition); for
// a foreign object, a find_object, a stack walk, a record and a watch (bdwgc:
// a long link).
#include "foreign_retention_watch.h"
#include "heap/heap_registry.h"
#include "retention_table.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgFreedRetained[] =
    "object 0x%zx of heap '%s' %s while %s retains "
    "argument %d until %s";
static constexpr char kMsgFreedRetainedFix[] =
    "  fix: keep a reference where the collector scans (a global, a field of "
    "a collected object) until %s is called, or make the object one foreign "
    "code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the "
    "library owns\n";
static constexpr char kTitleRetainedBy[] =
    "  retained by %s (argument %d, owner 0x%zx) at:";
// retention=full, no annotation: the first access to a kept dead object
// (foreign_retention_watch.cpp).
static constexpr char kMsgKeptAccess[] =
    "foreign code %s object 0x%zx of heap '%s' freed by collection %llu "
    "(argument %d of %s kept it)";
static constexpr char kMsgKeptAccessFault[] =
    "  the access is a %zu-byte %s on thread %d, %llu ms after the "
    "collection\n";
static constexpr char kMsgKeptAccessFaultSizeUnknown[] =
    "  the access is a %s of unknown size on thread %d, %llu ms after the "
    "collection\n";
static constexpr char kMsgKeptAccessLibc[] =
    "  the access is a %s of size %zu in %s on thread %d, %llu ms after the "
    "collection\n";
static constexpr char kMsgKeptAccessWhy[] =
    "  nothing the collector scans pointed to it: %s kept the pointer where "
    "the collector does not look\n";
static constexpr char kMsgKeptAccessFix[] =
    "  fix: keep a reference where the collector scans (a global, a field of "
    "a collected object) for as long as %s may use the object, or make the "
    "object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or "
    "pass a copy the library owns\n";
static constexpr char kTitleKeptLender[] = "  handed to %s at:";

// Retention is checked (the table installs its hooks unless retention=off).
static bool RetentionOn() { return hooks.find_retaining_call != nullptr; }

// p, an argument `callee` keeps until one of until_names is called with
// owner (or, when has_slot, until the next call on that slot of owner):
// recorded and watched when it points into a foreign heap's object foreign
// code may not hold.
static void RecordForeignRetained(uptr p, uptr owner, bool has_slot, s64 slot,
                                  const char *callee, int argno,
                                  const char *until,
                                  const char *const *until_names) {
  ObjectInfo obj;
  if (!p || !RetentionOn() || InManagedRange(p) || !FindForeignObject(p, &obj) ||
      obj.pinned)
    return;  // not a foreign heap's object, or one foreign code may hold
  RetainedArgument arg = {{callee, argno, until, owner, CaptureStackIdFast()},
                          until_names,
                          has_slot,
                          slot};
  RecordRetention(obj, arg);
  WatchHeapObject(obj.heap, obj.base);
}

void CheckForeignRetained(const void *p, const void *owner, bool has_slot,
                          s64 slot, const char *callee, int argno,
                          const char *until, const char *const *until_names) {
  if (!owner || !until_names)
    return;  // nothing ends it: nothing to follow
  ErrnoSaver errno_saver;  // the heap's queries and a stack walk
  RecordForeignRetained(reinterpret_cast<uptr>(p), reinterpret_cast<uptr>(owner),
                        has_slot, slot, callee, argno, until ? until : "?",
                        until_names);
}

// The heap freed [base, base + size): a record still holding it is the
// report. On the thread that told cgosan (bdwgc: the one ending the
// collection, under its allocation lock, or the one calling GC_FREE), with
// no runtime lock held.
static NOINLINE void RetainedHeapObjectFreed(u32 heap, uptr base, uptr size) {
  RetainingCall call;
  if (!hooks.find_retaining_call ||
      !hooks.find_retaining_call(base, size, /*forget=*/true, &call))
    return;
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = call.callee;
  SetMessage(&r, kMsgFreedRetained, (usize)base, HeapName(heap),
             DescribeHeapFree(heap).text, CalleeName(call.callee),
             call.argno, call.until);
  CaptureStack(&r.stack);
  // Described from the event alone: a heap need not answer for an object
  // it is freeing.
  ObjectInfo obj = {};
  obj.base = base;
  obj.size = size;
  obj.type = &kConservativeWordType;
  obj.heap = heap;
  AddNote(&r, "  0x%zx is ", (usize)base);
  AppendPointee(&r, base, obj);
  AddNote(&r, "%s\n", NotHeldNote(obj));
  AddNote(&r, kMsgFreedRetainedFix, call.until);
  AddExtraStack(&r, call.stack, kTitleRetainedBy, CalleeName(call.callee),
                call.argno, (usize)call.owner);
  EmitReport(r);
}

void ReportKeptAccess(const KeptAccess &a, void *ucontext) {
  ErrnoSaver errno_saver;
  const char *callee = CalleeName(a.callee);
  const char *kind = a.write ? "write" : "read";
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = a.callee;
  SetMessage(&r, kMsgKeptAccess, a.write ? "wrote" : "read", (usize)a.base,
             HeapName(a.heap), (unsigned long long)a.freed_by, a.argno, callee);
  if (ucontext)
    CaptureStackFromSignal(&r.stack, ucontext);
  else
    CaptureStack(&r.stack);
  ObjectInfo obj = {};
  obj.base = a.base;
  obj.size = a.size;
  obj.type = &kConservativeWordType;
  obj.heap = a.heap;
  AddNote(&r, "  0x%zx is ", (usize)a.addr);
  AppendPointee(&r, a.addr, obj);
  AddNote(&r, "%s\n", NotHeldNote(obj));
  unsigned long long ms = a.ms_since_death;
  if (a.libc_call)
    AddNote(&r, kMsgKeptAccessLibc, kind, (usize)a.libc_size, a.libc_call,
            (int)GetTid(), ms);
  else if (a.access_size)
    AddNote(&r, kMsgKeptAccessFault, (usize)a.access_size, kind, (int)GetTid(),
            ms);
  else
    AddNote(&r, kMsgKeptAccessFaultSizeUnknown, kind, (int)GetTid(), ms);
  AddNote(&r, kMsgKeptAccessWhy, callee);
  AddNote(&r, kMsgKeptAccessFix, callee);
  AddExtraStack(&r, a.lend_stack, kTitleKeptLender, callee);
  EmitReport(r);
}

// The load-time hook (rtl.h's rule 1 allows this shape): filled before any
// heap registers.
__attribute__((constructor)) static void cgosan_foreign_retention_load_time_init() {
  EnsureInitialized();
  hooks.retained_heap_object_freed = RetainedHeapObjectFreed;
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_retained_foreign(
    const void *p, const void *owner, const char *callee, int argno,
    const char *until, const char *const *until_names) {
  CheckForeignRetained(p, owner, false, 0, callee, argno, until, until_names);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void
cgosan_check_retained_foreign_in_slot(const void *p, const void *owner,
                                      long long slot, const char *callee,
                                      int argno, const char *until,
                                      const char *const *until_names) {
  if (owner)
    EndSlot(reinterpret_cast<uptr>(owner), slot);
  CheckForeignRetained(p, owner, true, slot, callee, argno, until, until_names);
}
