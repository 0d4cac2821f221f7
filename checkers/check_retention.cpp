// check_retention.cpp — rule 2: foreign code may not keep a managed pointer
// after the call that received it returns, unless the object is pinned (Go
// never checks this: cgocheck looks only at call time). Some libraries say
// they keep an argument: sqlite3_bind_text with SQLITE_STATIC keeps the
// text until the statement is reset, rebound or finalized. An annotation
// (`retains = PARAM until ... [by PARAM] [when ...]`, docs/annotations.md)
// says so, and the interposer (or the pass) checks that argument when the
// `when` condition holds: an unpinned managed object there is a
// retained-pointer report at the call, long before the collector frees or
// moves what the library still reads; so is an address on a G stack, which
// cannot be pinned and whose frame will be reused. A pinned object is
// recorded (retention_table.cpp) until an `until` call, so that releasing
// its pin before that is reported too. A `slot` clause names where the
// owner keeps it (sqlite3's parameter index): the next call on that slot
// ends the record, whatever it passes; an `if result == N` clause takes back
// the record of a call whose result says it kept nothing.
// libc's own keeping calls (POSIX aio, setvbuf) are judged the same way by
// their interceptors (CheckRetainedField: "aio_read retains argument 1's
// aio_buf until aio_return", interceptors/pthread/retention_kept_by_libc.cpp).
// An object of a registered foreign heap goes to check_foreign_retention.cpp
// (recorded, reported if its collector frees it before an `until` call).
// Allowed on purpose: a pinned object, foreign memory and NULL (not ours),
// the stack of a G that is not live (foreign, as everywhere), and anything
// when the `when` condition does not hold (the library copies).
// Cost (retention=annotations, the default): nothing for a call with no
// annotation; for an annotated one, a flag load, a range compare, and one
// FindObject when the pointer is managed; a pinned one adds a fast stack
// walk and a record under a spin lock.
#include "heap/heap_registry.h"
#include "retention_table.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgRetainedUnpinned[] =
    "%s retains argument %d until %s, and it points into an unpinned managed "
    "object";
static constexpr char kMsgRetainedStack[] =
    "%s retains argument %d until %s, and it points into a G stack, whose "
    "frame will be reused";
// The same of a pointer the callee keeps from a field of its argument
// (aio_read keeps its aiocb's aio_buf).
static constexpr char kMsgRetainedFieldUnpinned[] =
    "%s retains argument %d's %s until %s, and it points into an unpinned "
    "managed object";
static constexpr char kMsgRetainedFieldStack[] =
    "%s retains argument %d's %s until %s, and it points into a G stack, "
    "whose frame will be reused";
static constexpr char kNoteRetainedStack[] = "  0x%zx is ";
static constexpr char kMsgRetainedStackFix[] =
    "  fix: copy it into a managed object (cgosan_new) pinned until %s is "
    "called, or into C memory\n";
static constexpr char kMsgRetainedFix[] =
    "  fix: pin the object until %s is called (cgosan_pin), or pass a copy in "
    "C memory, or a handle\n";

// Every mode but off checks annotations; before the flags are parsed the
// mode reads off, when nothing can be managed anyway.
static bool RetentionChecked() { return retention_mode != kRetentionOff; }

// What the callee keeps: argument argno, or its field (null: the argument).
struct RetainedPlace {
  const char *callee;
  int argno;
  const char *field;
};

static void SetRetainedMessage(ReportDesc *r, const RetainedPlace &at,
                               const char *until, const char *message,
                               const char *field_message) {
  if (at.field)
    SetMessage(r, field_message, CalleeName(at.callee), at.argno, at.field,
               until);
  else
    SetMessage(r, message, CalleeName(at.callee), at.argno, until);
}

static NOINLINE void ReportRetainedUnpinned(const ObjectInfo &obj, uptr p,
                                            const RetainedPlace &at,
                                            const char *until) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = at.callee;
  SetRetainedMessage(&r, at, until, kMsgRetainedUnpinned,
                     kMsgRetainedFieldUnpinned);
  AddNote(&r, "  0x%zx is ", (usize)p);
  AppendPointee(&r, p, obj);
  AddNote(&r, ", not pinned\n");
  AddNote(&r, kMsgRetainedFix, until);
  AddAllocationStack(&r, obj);
  CaptureStack(&r.stack);
  EmitReport(r);
}

static NOINLINE void ReportRetainedStack(uptr p, const RetainedPlace &at,
                                         const char *until) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = at.callee;
  SetRetainedMessage(&r, at, until, kMsgRetainedStack, kMsgRetainedFieldStack);
  CaptureStack(&r.stack);
  AddNote(&r, kNoteRetainedStack, (usize)p);
  AppendUnpinnableStack(&r, p);
  AddNote(&r, kMsgRetainedStackFix, until);
  EmitReport(r);
}

// The check at the call. True, with obj, when p points into a pinned
// object: one the call may keep, for as long as it stays pinned.
static bool CheckRetainedArgument(uptr p, const RetainedPlace &at,
                                  const char *until, ObjectInfo *obj) {
  if (!InManagedRange(p) || !RetentionChecked())
    return false;  // nil or foreign memory, or the check is off
  if (UNLIKELY(!InArena(p))) {
    if (GStackOwner(p))
      ReportRetainedStack(p, at, until);
    return false;
  }
  if (!FindObject(p, obj))
    return false;
  if (!obj->pinned) {
    ReportRetainedUnpinned(*obj, p, at, until);
    return false;
  }
  return true;
}

// The check at the call, then the record of a pinned object, kept in
// `slot` of owner when has_slot. A foreign heap's object goes to its own
// check (check_foreign_retention.cpp).
static void CheckAndRecord(const void *p, const void *owner, bool has_slot,
                           s64 slot, const char *callee, int argno,
                           const char *until, const char *const *until_names,
                           const char *field = nullptr) {
  if (UNLIKELY(!InManagedRange(reinterpret_cast<uptr>(p))) && AnyForeignHeap())
    return CheckForeignRetained(p, owner, has_slot, slot, callee, argno, until,
                                until_names);
  ObjectInfo obj;
  if (!until)
    until = "?";
  if (!CheckRetainedArgument(reinterpret_cast<uptr>(p), {callee, argno, field},
                             until, &obj) ||
      !owner || !until_names)
    return;  // nothing to follow: no owner, no call ends it
  ErrnoSaver errno_saver;  // a stack walk off a known stack may touch it
  RetainedArgument arg = {{callee, argno, until, reinterpret_cast<uptr>(owner),
                           CaptureStackIdFast()},
                          until_names,
                          has_slot,
                          slot};
  RecordRetention(obj, arg);
}

void CheckRetainedField(const void *p, const void *owner, const char *callee,
                        int argno, const char *field, const char *until,
                        const char *const *until_names) {
  CheckAndRecord(p, owner, false, 0, callee, argno, until, until_names, field);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_retained(
    const void *p, const char *callee, int argno, const char *until) {
  ObjectInfo obj;
  CheckRetainedArgument(reinterpret_cast<uptr>(p), {callee, argno, nullptr},
                        until ? until : "?", &obj);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_retained_by(
    const void *p, const void *owner, const char *callee, int argno,
    const char *until, const char *const *until_names) {
  CheckAndRecord(p, owner, false, 0, callee, argno, until, until_names);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_retained_in_slot(
    const void *p, const void *owner, long long slot, const char *callee,
    int argno, const char *until, const char *const *until_names) {
  // Whatever p is (NULL when the `when` condition does not hold: the
  // library copies), the call replaces what the owner kept in the slot.
  if (owner)
    EndSlot(reinterpret_cast<uptr>(owner), slot);
  CheckAndRecord(p, owner, true, slot, callee, argno, until, until_names);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_retention_end_slot(
    const void *owner, long long slot) {
  if (owner)
    EndSlot(reinterpret_cast<uptr>(owner), slot);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_retention_failed(
    const void *p, const void *owner, const char *callee) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (!p || !owner || !callee)
    return;
  ErrnoSaver errno_saver;  // a foreign heap's query may touch it
  ObjectInfo obj;
  bool found = InArena(addr) ? FindObject(addr, &obj)
               : !InManagedRange(addr) && AnyForeignHeap() &&
                     FindForeignObject(addr, &obj);
  if (found)
    ForgetFailedRetention(obj.base, reinterpret_cast<uptr>(owner), callee);
}
