// retention_report.cpp — the retained-pointer report of a foreign access to
// a watched object (retention=full): the access (read or write, address,
// thread, the faulting stack; for a libc call's, the call and its size), the
// object (type, size, offset, allocation stack), the call that lent it and
// that it returned, whether the collector freed it since, and the fix. Made
// from the fault handler or a libc interceptor, with no runtime lock held:
// it allocates nothing (report.h's path).
#include "retention.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgRetainedAccess[] =
    "foreign code %s managed memory at 0x%zx after the call it was lent to "
    "returned (argument %d of %s)";
static constexpr char kMsgRetainedLibcCall[] =
    "  the access is a %s of size %zu by foreign code in %s\n";
static constexpr char kMsgRetainedThread[] =
    "  the access is by foreign code on thread %d\n";
static constexpr char kMsgRetainedLender[] =
    "  lent as argument %d of %s, which has returned: foreign code may not "
    "keep a managed pointer after the call\n";
static constexpr char kMsgRetainedFreed[] =
    "  the object was freed by collection %llu; its memory is poisoned\n";
static constexpr char kMsgRetainedAccessFix[] =
    "  fix: pin the object for as long as the library keeps it "
    "(cgosan_pin), or pass a copy in C memory, or a handle\n";

void ReportRetainedAccess(const RetainedAccess &a, void *ucontext) {
  ErrnoSaver errno_saver;
  ObjectInfo obj = {};
  obj.base = a.base;
  obj.size = a.size;
  obj.type = a.type;
  obj.count = a.type && a.type->size ? a.size / a.type->size : 1;
  obj.alloc_stack = a.alloc_stack;
  const char *callee = CalleeName(a.lender.callee);
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  r.callee = a.lender.callee;
  SetMessage(&r, kMsgRetainedAccess, a.write ? "wrote" : "read",
             (usize)a.addr, a.lender.argno, callee);
  if (ucontext)
    CaptureStackFromSignal(&r.stack, ucontext);
  else
    CaptureStack(&r.stack);
  AddNote(&r, "  0x%zx is ", (usize)a.addr);
  AppendPointee(&r, a.addr, obj);
  AddNote(&r, "\n");
  if (a.libc_call)
    AddNote(&r, kMsgRetainedLibcCall, a.write ? "write" : "read",
            (usize)a.libc_size, a.libc_call);
  AddNote(&r, kMsgRetainedThread, (int)GetTid());
  AddNote(&r, kMsgRetainedLender, a.lender.argno, callee);
  if (a.freed_by)
    AddNote(&r, kMsgRetainedFreed, (unsigned long long)a.freed_by);
  AddNote(&r, kMsgRetainedAccessFix);
  AddAllocationStack(&r, obj);
  AddExtraStack(&r, a.lender.stack, "  lent to %s at:", callee);
  EmitReport(r);
}

}  // namespace __cgosan
