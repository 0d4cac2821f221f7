// race_report.cpp — the data-race report: both accesses (thread, read or
// write, size, address, the `where` label of the crossing they belong to),
// the current stack as the report's stack, the previous access's stack as an
// extra stack, and the managed object the racy range lies in, with its
// allocation stack. Like TSan, one racy pair of stacks reports once however
// often it runs (a fixed table of reported pairs; when it fills up, reports
// are no longer deduplicated rather than lost). Suppressible as kind
// data-race by the current access's `where` (the report's callee) or by any
// frame of its stack.
#include "race.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgAccess[] =
    "%s of size %zu at 0x%zx by thread T%u%s%s:";
static constexpr char kTitlePrevious[] =
    "  Previous %s of size %zu at 0x%zx by thread T%u%s%s:";
static constexpr char kWhereSep[] = " during ";

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

static const char *WhereSep(const char *where) {
  return where && *where ? kWhereSep : "";
}
static const char *Where(const char *where) {
  return where && *where ? where : "";
}

NOINLINE void ReportRace(const RaceAccess &cur, const RaceAccess &prev) {
  if (!FirstReportOfPair(cur.stack, prev.stack))
    return;
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kDataRace;
  r.callee = cur.where;
  SetMessage(&r, kMsgAccess, cur.is_write ? "Write" : "Read", (usize)cur.size,
             (usize)cur.addr, (unsigned)cur.tid, WhereSep(cur.where),
             Where(cur.where));
  AddExtraStack(&r, prev.stack, kTitlePrevious,
                prev.is_write ? "write" : "read", (usize)prev.size,
                (usize)prev.addr, (unsigned)prev.tid, WhereSep(prev.where),
                Where(prev.where));
  ObjectInfo obj;
  if (InArena(cur.addr) && FindObject(cur.addr, &obj)) {
    AddNote(&r, "  0x%zx is ", (usize)cur.addr);
    AppendPointee(&r, cur.addr, obj);
    AddNote(&r, "\n");
    AddExtraStack(&r, obj.alloc_stack, "  0x%zx was allocated at:",
                  (usize)obj.base);
  }
  CaptureStack(&r.stack);
  EmitReport(r);
}

}  // namespace __cgosan
