// retention_table.cpp — rule 2 over time: an object an annotated call keeps
// (`retains = PARAM until ... [by PARAM]`, docs/annotations.md) must stay
// pinned until one of the `until` calls is made with the `by` argument (the
// owner: the sqlite3_stmt *). The check at the call (check_retention.cpp)
// records a pinned object here; the `until` calls (the interposer's wrappers
// and the pass, through cgosan_retention_end) end its records; the pinner
// asks, when an object loses its last pin, whether a record still holds it
// (hooks.find_retaining_call): then it is a retained-pointer report,
// "unpinned while still retained", with the unpin's stack and the call's.
// Allowed on purpose: unpinning after the `until` call; an object pinned by
// more than one pinner losing one of them (it is still pinned); an unpinned
// object at the call (reported there, not recorded).
// Cost: nothing while the table is empty (every `until` call and unpin load
// one counter); else a spin lock and a scan of the live records, which the
// `until` calls keep few (a statement's bindings). Bounded: kCapacity
// records (~200 KiB of bss, touched as used); beyond, a retention is not
// recorded, a missed report and never a false one.
#include "retention_table.h"

#include "fork.h"
#include "report.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgUnpinnedRetained[] =
    "unpinned while still retained: %s retains argument %d until %s";
static constexpr char kNoteUnpinned[] = ", its last pin released\n";
static constexpr char kNoteFreed[] = "  0x%zx (no longer found in the heap)\n";
static constexpr char kMsgUnpinnedFix[] =
    "  fix: unpin it only after %s, or pass a copy in C memory, or a handle\n";
static constexpr char kTitleRetainedAt[] =
    "  retained by %s (argument %d, owner 0x%zx) at:";
static constexpr char kMsgTableFull[] =
    "CgoSanitizer: the retention table is full (%zu records): a retention by "
    "%s is not followed\n";

static constexpr uptr kCapacity = 4096;

struct RetentionRecord {
  uptr base;  // of the object kept
  RetainedArgument arg;
};

// Dense: the live records are records[0, num_records), a removed one
// replaced by the last. Under table_mu; `live` mirrors num_records for the
// lock-free "nothing retained" test.
static StaticSpinMutex table_mu;
static RetentionRecord records[kCapacity];
static uptr num_records;
static atomic_uintptr_t live;

static void RemoveRecord(uptr i) {
  records[i] = records[--num_records];
  atomic_store(&live, num_records, memory_order_relaxed);
}

static bool SameSlot(const RetainedArgument &a, const RetainedArgument &b) {
  return a.has_slot == b.has_slot && (!a.has_slot || a.slot == b.slot);
}

void RecordRetention(const ObjectInfo &obj, const RetainedArgument &arg) {
  SpinMutexLock lock(&table_mu);
  for (uptr i = 0; i < num_records; i++) {
    RetentionRecord &r = records[i];
    if (r.base == obj.base && r.arg.call.owner == arg.call.owner &&
        r.arg.call.callee == arg.call.callee && SameSlot(r.arg, arg)) {
      r.arg = arg;  // the newest call's stack
      return;
    }
  }
  if (num_records == kCapacity) {
    VReport(1, kMsgTableFull, (usize)kCapacity, arg.call.callee);
    return;
  }
  records[num_records++] = {obj.base, arg};
  atomic_store(&live, num_records, memory_order_relaxed);
}

static bool Ends(const RetentionRecord &r, uptr owner, const char *fn) {
  if (r.arg.call.owner != owner)
    return false;
  for (const char *const *u = r.arg.until_names; *u; u++)
    if (!internal_strcmp(*u, fn))
      return true;
  return false;
}

void EndRetentions(uptr owner, const char *fn) {
  if (LIKELY(!atomic_load(&live, memory_order_relaxed)))
    return;
  SpinMutexLock lock(&table_mu);
  for (uptr i = num_records; i-- > 0;)
    if (Ends(records[i], owner, fn))
      RemoveRecord(i);
}

void EndSlot(uptr owner, s64 slot) {
  if (LIKELY(!atomic_load(&live, memory_order_relaxed)))
    return;
  SpinMutexLock lock(&table_mu);
  for (uptr i = num_records; i-- > 0;) {
    const RetainedArgument &a = records[i].arg;
    if (a.call.owner == owner && a.has_slot && a.slot == slot)
      RemoveRecord(i);
  }
}

void ForgetFailedRetention(uptr base, uptr owner, const char *callee) {
  if (LIKELY(!atomic_load(&live, memory_order_relaxed)))
    return;
  SpinMutexLock lock(&table_mu);
  for (uptr i = num_records; i-- > 0;) {
    const RetentionRecord &r = records[i];
    if (r.base == base && r.arg.call.owner == owner &&
        !internal_strcmp(r.arg.call.callee, callee))
      RemoveRecord(i);
  }
}

static bool FindRetainingCall(uptr base, uptr size, bool forget,
                              RetainingCall *call) {
  if (LIKELY(!atomic_load(&live, memory_order_relaxed)))
    return false;
  SpinMutexLock lock(&table_mu);
  for (uptr i = 0; i < num_records; i++) {
    if (records[i].base - base >= size)
      continue;
    *call = records[i].arg.call;
    if (forget)
      RemoveRecord(i);
    return true;
  }
  return false;
}

static void ReportUnpinnedRetained(uptr base, const RetainingCall &call) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = call.callee;
  SetMessage(&r, kMsgUnpinnedRetained, CalleeName(call.callee), call.argno,
             call.until);
  CaptureStack(&r.stack);
  ObjectInfo obj;
  bool found;
  {
    // Off a G a collection may run: what is found is copied out under the
    // heap's lock, and the report is made without it.
    ForeignHeapLock heap_lock(!IsRunningG(CurrentG()));
    found = FindObject(base, &obj);
  }
  if (found) {
    AddNote(&r, "  0x%zx is ", (usize)base);
    AppendPointee(&r, base, obj);
    AddNote(&r, kNoteUnpinned);
  } else {
    AddNote(&r, kNoteFreed, (usize)base);
  }
  AddNote(&r, kMsgUnpinnedFix, call.until);
  AddExtraStack(&r, call.stack, kTitleRetainedAt, CalleeName(call.callee),
                call.argno, (usize)call.owner);
  if (found)
    AddAllocationStack(&r, obj);
  EmitReport(r);
}

static void LockRetentionForFork() { table_mu.Lock(); }
static void UnlockRetentionAfterFork(bool child) {
  ReleaseAfterFork(&table_mu, child);
}

// Before user threads exist (a load-time constructor), as hooks.h asks.
static void InstallRetentionHooks() {
  EnsureInitialized();
  if (retention_mode == kRetentionOff)
    return;
  hooks.find_retaining_call = FindRetainingCall;
  hooks.report_unpinned_retained = ReportUnpinnedRetained;
  hooks.fork_locks[kForkLocksRetention] = {LockRetentionForFork,
                                           UnlockRetentionAfterFork};
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_retention_end(
    const void *owner, const char *fn) {
  if (!owner || !fn)
    return;
  EndRetentions(reinterpret_cast<uptr>(owner), fn);
}

__attribute__((constructor)) static void cgosan_retention_table_load_time_init() {
  InstallRetentionHooks();
}
