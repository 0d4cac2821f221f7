// check_retention.cpp — rule 2: foreign code may not keep a managed pointer
// after the call that received it returns, unless the object is pinned (Go
// never checks this: cgocheck looks only at call time). Some libraries say
// they keep an argument: sqlite3_bind_text with SQLITE_STATIC keeps the
// text until the statement is reset, rebound or finalized. An annotation
// (`retains = PARAM until ... [when ...]`, docs/annotations.md) says so, and
// the interposer calls cgosan_check_retained for that argument when the
// `when` condition holds: an unpinned managed object there is a
// retained-pointer report at the call, long before the collector frees or
// moves what the library still reads.
// Allowed on purpose: a pinned object (the program promises to keep it
// alive), foreign memory and NULL (not ours), and anything when the `when`
// condition does not hold (the library copies). The pin is judged at the
// call only; a pin released before an `until` call is not seen yet.
// Cost (retention=annotations, the default): nothing for a call with no
// annotation; for an annotated one, a flag load, a range compare, and one
// FindObject when the pointer is managed.
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgRetainedUnpinned[] =
    "%s retains argument %d until %s, and it points into an unpinned managed "
    "object";
static constexpr char kMsgRetainedFix[] =
    "  fix: pin the object until %s is called (cgosan_pin), or pass a copy in "
    "C memory, or a handle\n";

// Only off and annotations get past InitializeFlags; NULL is "not parsed
// yet", when nothing can be managed anyway.
static bool RetentionChecked() {
  const char *mode = flags()->retention;
  return mode && internal_strcmp(mode, "off");
}

static NOINLINE void ReportRetainedUnpinned(const ObjectInfo &obj, uptr p,
                                            const char *callee, int argno,
                                            const char *until) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = callee;
  SetMessage(&r, kMsgRetainedUnpinned, CalleeName(callee), argno, until);
  AddNote(&r, "  0x%zx is ", (usize)p);
  AppendPointee(&r, p, obj);
  AddNote(&r, ", not pinned\n");
  AddNote(&r, kMsgRetainedFix, until);
  AddAllocationStack(&r, obj);
  CaptureStack(&r.stack);
  EmitReport(r);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_retained(
    const void *p, const char *callee, int argno, const char *until) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (!InArena(addr) || !RetentionChecked())
    return;  // nil or foreign memory, or the check is off
  ObjectInfo obj;
  if (!FindObject(addr, &obj) || obj.pinned)
    return;
  ReportRetainedUnpinned(obj, addr, callee, argno, until ? until : "?");
}
