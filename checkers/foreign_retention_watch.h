// foreign_retention_watch.h — retention=full on a heap cgosan does not own
// (foreign_retention_watch.cpp): the objects handed to foreign calls, kept
// by their heap once it finds them unreachable, and watched until a first
// access, which check_foreign_retention.cpp reports.
#ifndef CGOSAN_CHECKERS_FOREIGN_RETENTION_WATCH_H
#define CGOSAN_CHECKERS_FOREIGN_RETENTION_WATCH_H

#include "rtl.h"

namespace __cgosan {

// The argument p of callee (argno) points outside cgosan's arena: if into a
// foreign heap's object foreign code may not hold, and one whose death can
// be watched, the object is noted as handed to callee (the last call wins).
void NoteForeignLent(uptr p, const char *callee, int argno);

// The SIGSEGV handler's question for an address outside the arena: true
// when addr is on a page of a kept dead object (then it reported the access
// or opened the page, and the access can run again).
bool ForeignRetentionFault(uptr addr, void *ucontext);

// A libc call is handed [p, p + n): a kept dead object there is opened for
// the kernel first, and, when foreign code hands it over, the report (the
// call being the access). Cheap while nothing is kept.
void HoldForeignKeptRange(const void *p, uptr n, bool stores, const char *call,
                          bool foreign);

// A first access to a kept dead object, as the report tells it.
struct KeptAccess {
  uptr addr;
  bool write;
  uptr access_size;  // bytes the faulting instruction touches; 0: unknown
  u32 heap;
  uptr base, size;
  u64 freed_by;      // the collection that found it unreachable
  u64 ms_since_death;
  const char *callee;  // the last call it was handed to
  int argno;
  u32 lend_stack;
  const char *libc_call;  // a libc call's access ("write(2)"); null: a fault
  uptr libc_size;
};
// From the fault handler (ucontext: the faulting stack) or a libc
// interceptor (null: the calling stack); no runtime lock held
// (check_foreign_retention.cpp).
void ReportKeptAccess(const KeptAccess &a, void *ucontext);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_FOREIGN_RETENTION_WATCH_H
