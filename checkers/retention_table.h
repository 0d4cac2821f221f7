// retention_table.h — the objects annotated calls keep (`retains`), from the
// call until one of its `until` calls ends the retention: what an unpin, or
// a foreign heap's free, asks about (retention_table.cpp says how and why).
#ifndef CGOSAN_CHECKERS_RETENTION_TABLE_H
#define CGOSAN_CHECKERS_RETENTION_TABLE_H

#include "heap/heap.h"
#include "hooks.h"

namespace __cgosan {

// One annotated call keeping one argument: the call, and `until_names`
// (NULL-terminated, static: the interposer's or the pass's constants), the
// functions that end the retention when called with `call.owner` first.
// With `has_slot`, the place of the owner it is kept in (`slot` clause:
// sqlite3's parameter index): a later call keeping something in the same
// slot of the same owner ends it.
struct RetainedArgument {
  RetainingCall call;
  const char *const *until_names;
  bool has_slot;
  s64 slot;
};

// Remembers that `arg` keeps the pinned object obj (at most one record per
// object, owner, callee and slot: the newest call's). A full table forgets
// the retention (verbosity=1 says so): a miss, never a false report.
void RecordRetention(const ObjectInfo &obj, const RetainedArgument &arg);

// The retention check of an argument that points into a foreign heap's
// object (check_foreign_retention.cpp): recorded, as RecordRetention, and
// watched by its heap, so that a free while the record lives is reported.
void CheckForeignRetained(const void *p, const void *owner, bool has_slot,
                          s64 slot, const char *callee, int argno,
                          const char *until, const char *const *until_names);

// The retention check of a call that keeps p from a field of its argument
// argno (aio_read keeps its aiocb's aio_buf until aio_return): reported
// as an annotated `retains` is (check_retention.cpp) when p points into an
// unpinned managed object or a G stack, recorded for owner when pinned.
// A null field is the argument itself.
void CheckRetainedField(const void *p, const void *owner, const char *callee,
                        int argno, const char *field, const char *until,
                        const char *const *until_names);

// A call put something else in `slot` of owner: what was kept there is not
// any more.
void EndSlot(uptr owner, s64 slot);

// The call `callee` that just recorded the object at base for owner failed
// (its result says it kept nothing): its records are forgotten.
void ForgetFailedRetention(uptr base, uptr owner, const char *callee);

// `fn` was called with `owner` as its first argument: the retentions of
// owner that fn ends are over. Any thread.
void EndRetentions(uptr owner, const char *fn);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_RETENTION_TABLE_H
