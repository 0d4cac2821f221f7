// race_report.cpp — the data-race report: both accesses (thread, G, managed
// or foreign side, read or write, atomic or not (TSan's "Atomic write"), size, address, the foreign call a foreign
// access belongs to), the current access's stack as the report's stack (the
// stack now, or the one recorded with a run of stores found racing when the
// run ends), the previous access's stack as an extra stack, and the managed object the racy range
// lies in, with its allocation stack. Like TSan, one racy pair of stacks reports once however
// often it runs (a fixed table of reported pairs; when it fills up, reports
// are no longer deduplicated rather than lost). Suppressible as kind
// data-race by the foreign call of the current access (the report's callee)
// or by any frame of its stack.
#include "heap/heap_registry.h"
#include "race.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgAccess[] = "%s of size %zu at 0x%zx by thread T%u%s:";
static constexpr char kTitlePrevious[] =
    "  Previous %s of size %zu at 0x%zx by thread T%u%s:";
static constexpr char kOnManagedG[] = " on G %llu (managed code)";
static constexpr char kInForeignCallFromG[] =
    " (foreign code, in the call to %s from G %llu)";
static constexpr char kInForeignCall[] = " (foreign code, in the call to %s)";
static constexpr char kForeign[] = " (foreign code)";
static constexpr char kRead[] = "Read";
static constexpr char kWrite[] = "Write";
static constexpr char kAtomicRead[] = "Atomic read";
static constexpr char kAtomicWrite[] = "Atomic write";
static constexpr char kPreviousRead[] = "read";
static constexpr char kPreviousWrite[] = "write";
static constexpr char kPreviousAtomicRead[] = "atomic read";
static constexpr char kPreviousAtomicWrite[] = "atomic write";
// The pass's trampolines are named after the function they call.
static constexpr char kPassTrampolinePrefix[] = "__cgosan_tramp.";

static StaticSpinMutex reported_mu;
static constexpr uptr kReportedPairs = 4096;
static u64 reported_pairs[kReportedPairs];  // stack pair + 1; 0 is empty

// True the first time this pair of stacks is seen.
static bool FirstReportOfPair(u32 cur_stack, u32 prev_stack) {
  u64 key = ((static_cast<u64>(cur_stack) << 32) | prev_stack) + 1;
  SpinMutexLock l(&reported_mu);
  uptr i = static_cast<uptr>((key * 0x9E3779B97F4A7C15ull) >> 52) %
           kReportedPairs;
  for (uptr probe = 0; probe < kReportedPairs; probe++) {
    u64 *e = &reported_pairs[(i + probe) % kReportedPairs];
    if (*e == key)
      return false;
    if (*e == 0) {
      *e = key;
      return true;
    }
  }
  return true;  // full: report again rather than miss a new pair
}

void LockReportedForFork() { reported_mu.Lock(); }
void UnlockReportedAfterFork() { reported_mu.Unlock(); }

// The name of the foreign call an access belongs to, into buf ("" if none).
static void CallName(const RaceAccess &a, char *buf, uptr size) {
  buf[0] = 0;
  if (a.call) {
    internal_strlcpy(buf, a.call, size);
    return;
  }
  if (!a.call_fn)
    return;
  if (!FunctionNameAt(a.call_fn, buf, size)) {
    internal_snprintf(buf, size, "%p", reinterpret_cast<void *>(a.call_fn));
    return;
  }
  uptr prefix = internal_strlen(kPassTrampolinePrefix);
  if (!internal_strncmp(buf, kPassTrampolinePrefix, prefix))
    internal_memmove(buf, buf + prefix, internal_strlen(buf) - prefix + 1);
}

// " on G 3 (managed code)", " (foreign code, in the call to f from G 3)"...
// Nothing in a program that registered a foreign heap and never ran a G (an
// unmodified Boehm GC program): there the program's own code is the managed
// side of the heap's rules, and calling its threads "foreign code" would
// say the opposite; its user reads threads as TSan names them.
static void AccessorText(const RaceAccess &a, const char *call, char *buf,
                             uptr size) {
  unsigned long long goid = a.goid;
  if (a.side != kSideManaged && !*call && !goid && AnyForeignHeap() &&
      !AnyGEverRan())
    buf[0] = 0;
  else if (a.side == kSideManaged)
    internal_snprintf(buf, size, kOnManagedG, goid);
  else if (*call && goid)
    internal_snprintf(buf, size, kInForeignCallFromG, call, goid);
  else if (*call)
    internal_snprintf(buf, size, kInForeignCall, call);
  else
    internal_strlcpy(buf, kForeign, size);
}

// "Write", "Atomic read"...; `previous`: the lower-case form.
static const char *AccessName(const RaceAccess &a, bool previous) {
  if (a.is_atomic)
    return a.is_write ? (previous ? kPreviousAtomicWrite : kAtomicWrite)
                      : (previous ? kPreviousAtomicRead : kAtomicRead);
  return a.is_write ? (previous ? kPreviousWrite : kWrite)
                    : (previous ? kPreviousRead : kRead);
}

NOINLINE void ReportRace(const RaceAccess &cur, const RaceAccess &prev,
                         bool cur_is_now) {
  if (!FirstReportOfPair(cur.stack, prev.stack))
    return;
  ErrnoSaver errno_saver;
  constexpr uptr kNameSize = 128;
  char cur_call[kNameSize], prev_call[kNameSize];
  char cur_who[2 * kNameSize], prev_who[2 * kNameSize];
  CallName(cur, cur_call, sizeof(cur_call));
  CallName(prev, prev_call, sizeof(prev_call));
  AccessorText(cur, cur_call, cur_who, sizeof(cur_who));
  AccessorText(prev, prev_call, prev_who, sizeof(prev_who));
  ReportDesc r = {};
  r.kind = kDataRace;
  r.callee = *cur_call ? cur_call : nullptr;
  SetMessage(&r, kMsgAccess, AccessName(cur, false), (usize)cur.size,
             (usize)cur.addr, (unsigned)cur.thread, cur_who);
  AddExtraStack(&r, prev.stack, kTitlePrevious, AccessName(prev, true),
                (usize)prev.size,
                (usize)prev.addr, (unsigned)prev.thread, prev_who);
  ObjectInfo obj;
  if (FindAnyHeapObject(cur.addr, &obj)) {
    AddNote(&r, "  0x%zx is ", (usize)cur.addr);
    AppendPointee(&r, cur.addr, obj);
    AddNote(&r, "\n");
    AddAllocationStack(&r, obj);
  }
  if (cur_is_now)
    CaptureStack(&r.stack);
  else
    StackFromDepot(cur.stack, &r.stack);
  EmitReport(r);
}

}  // namespace __cgosan
