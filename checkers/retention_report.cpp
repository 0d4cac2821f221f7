// retention_report.cpp — the retained-pointer report of a foreign access to
// a watched object (retention=full or guard): the access (read or write, its
// size when the instruction is one the decoder knows, address, thread, the
// faulting stack; for a libc call's, the call and its size), the object
// (type, size, offset, allocation stack), the call that lent it and how long
// ago it returned (foreign calls started since, and milliseconds), the
// noescape promise it broke if it made one, whether the collector freed it
// since, and the fix. Made from the fault handler or a libc interceptor,
// with no runtime lock held: it allocates nothing (report.h's path).
#include "retention.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgRetainedAccess[] =
    "foreign code %s managed memory at 0x%zx after the call it was lent to "
    "returned (argument %d of %s)";
static constexpr char kMsgRetainedLibcCall[] =
    "  the access is a %s of size %zu by foreign code in %s on thread %d\n";
static constexpr char kMsgRetainedThread[] =
    "  the access is a %zu-byte %s by foreign code on thread %d\n";
static constexpr char kMsgRetainedThreadSizeUnknown[] =
    "  the access is a %s of unknown size by foreign code on thread %d\n";
static constexpr char kMsgRetainedLender[] =
    "  lent as argument %d of %s, which returned %llu foreign call%s and %llu "
    "ms before this access: foreign code may not keep a managed pointer "
    "after the call\n";
static constexpr char kMsgRetainedNoescape[] =
    "  %s promised noescape (it keeps none of the managed pointers it "
    "receives), but its argument %d was touched after it returned\n";
static constexpr char kMsgRetainedNoescapeFix[] =
    "  fix: %s keeps the pointer, so drop its noescape promise (noescape = "
    "yes, -cgosan-noescape), and pin the object for as long as the library "
    "keeps it (cgosan_pin), or pass a copy in C memory, or a handle\n";
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
  const char *kind = a.write ? "write" : "read";
  if (a.libc_call)
    AddNote(&r, kMsgRetainedLibcCall, kind, (usize)a.libc_size, a.libc_call,
            (int)GetTid());
  else if (a.access_size)
    AddNote(&r, kMsgRetainedThread, (usize)a.access_size, kind, (int)GetTid());
  else
    AddNote(&r, kMsgRetainedThreadSizeUnknown, kind, (int)GetTid());
  AddNote(&r, kMsgRetainedLender, a.lender.argno, callee,
          (unsigned long long)a.calls_since_return,
          a.calls_since_return == 1 ? "" : "s",
          (unsigned long long)a.ms_since_return);
  if (a.lender.noescape)
    AddNote(&r, kMsgRetainedNoescape, callee, a.lender.argno);
  if (a.freed_by)
    AddNote(&r, kMsgRetainedFreed, (unsigned long long)a.freed_by);
  if (a.lender.noescape)
    AddNote(&r, kMsgRetainedNoescapeFix, callee);
  else
    AddNote(&r, kMsgRetainedAccessFix);
  AddAllocationStack(&r, obj);
  AddExtraStack(&r, a.lender.stack, "  lent to %s at:", callee);
  EmitReport(r);
}

}  // namespace __cgosan
