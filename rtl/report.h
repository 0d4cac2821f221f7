// report.h — reports are data: a ReportDesc is filled in by whoever found the
// problem, then rendered to text by RenderReport and emitted by EmitReport.
// Tests compare the rendered text.
//
// Nothing on this path calls malloc or intercepted libc: the ReportDesc lives on
// the stack, text goes into an InternalScopedString (mmap-backed), and output
// goes through sanitizer_common's Printf (raw write(2)).
#ifndef CGOSAN_RTL_REPORT_H
#define CGOSAN_RTL_REPORT_H

#include "entry_frames.h"
#include "rtl.h"
#include "sanitizer_common/sanitizer_libc.h"
#include "sanitizer_common/sanitizer_stacktrace.h"

namespace __cgosan {

// The kinds are fixed strings (design: "Report format"); out-of-memory is
// this runtime's addition (ASan's name), for a managed heap that is full.
#define CGOSAN_REPORT_KINDS(X)                                        \
  X(kUnpinnedPointerInArgument, "unpinned-pointer-in-argument")       \
  X(kUnpinnedPointerInResult, "unpinned-pointer-in-result")           \
  X(kUnpinnedPointerStore, "unpinned-pointer-store")                  \
  X(kRetainedPointer, "retained-pointer")                             \
  X(kDataRace, "data-race")                                           \
  X(kInvalidHandle, "invalid-handle")                                 \
  X(kPinnerLeak, "pinner-leak")                                       \
  X(kBadCallback, "bad-callback")                                     \
  X(kUnwindAcrossBoundary, "unwind-across-boundary")                  \
  X(kStackOverflow, "stack-overflow")                                 \
  X(kApiMisuse, "api-misuse")                                         \
  X(kOutOfMemory, "out-of-memory")

enum ReportKind : u32 {
#define CGOSAN_KIND_ENUM(Enum, String) Enum,
  CGOSAN_REPORT_KINDS(CGOSAN_KIND_ENUM)
#undef CGOSAN_KIND_ENUM
};
const char *ReportKindName(ReportKind kind);

// A stack as program counters, innermost first. Frame 0 is an exact PC (the
// faulting instruction, or a PC inside the capturing function); the others
// are return addresses. A stack deeper than kMaxFrames keeps its innermost
// kTopFrames and outermost kMaxFrames - kTopFrames frames (where the recursion
// started, and the crossings below it) and counts the ones in between.
struct ReportStack {
  static constexpr uptr kMaxFrames = 64;
  static constexpr uptr kTopFrames = 48;
  uptr pcs[kMaxFrames];
  uptr size;
  uptr elided;  // frames dropped between pcs[kTopFrames - 1] and pcs[kTopFrames]
  bool return_addresses_only;  // pcs[0] is a return address too (from the depot)
};

// A further stack shown after the notes: a title line ("  pinned at:",
// "  allocated at:"), then its frames, indented like the main stack. The
// frames come from sanitizer_common's stack depot (StackDepotPut), so they can
// be recorded long before the report; depot_id 0 renders as "no stack".
struct ReportExtraStack {
  char title[192];
  u32 depot_id;
};

struct ReportDesc {
  static constexpr uptr kMaxExtraStacks = 4;
  ReportKind kind;
  char message[512];  // one line: what rule was broken, by which call
  char notes[1024];   // further lines after the stack, each "  ..." + '\n'
  ReportStack stack;
  ReportExtraStack extra_stacks[kMaxExtraStacks];
  uptr num_extra_stacks;
  // The foreign function (or managed callback) the report is about, when
  // there is one: suppressions match it as well as the stack's frames.
  const char *callee;
};

// Loads libunwind (init.cpp calls it once).
void InitializeStackCapture();
// Fills `stack` with the calling thread's stack, across every stack switch.
// Frames of the runtime itself are dropped when the stack is rendered.
void CaptureStack(ReportStack *stack);
// The same from a signal handler's ucontext: frame 0 is the faulting PC.
void CaptureStackFromSignal(ReportStack *stack, void *ucontext);
// The PC to symbolize for frame i of pcs: a return address points after its
// call, so the call itself (pcs[0] as is when it is an exact PC; a pseudo
// frame of entry_frames.h: its function's address).
inline uptr SymbolizablePc(const uptr *pcs, uptr i, bool first_pc_exact) {
  if (IsEntryFrame(pcs[i]))
    return EntryFunction(pcs[i]);
  return i == 0 && first_pc_exact ? pcs[0]
                                  : StackTrace::GetPreviousInstructionPc(pcs[i]);
}
// The frame of the calling thread's stacks that holds addr, a stack address
// in [lo, hi), as libunwind walks the thread from here across every switch:
// the frame with the highest stack pointer at or below addr, leaving out the
// runtime's own frames at the top (the check that is reporting). For
// reports: a full unwind, and the top frames symbolized.
struct StackFrameOf {
  uptr return_pc;  // the frame's return address (0: no frame holds addr)
  bool returned;   // addr lies below every live frame: in one that returned
};
StackFrameOf FrameHolding(uptr addr, uptr lo, uptr hi);
// Appends to r's notes the function that the return address `return_pc`
// returns into, symbolized now (on the system stack); with symbolize=0, or
// no symbol, "MODULE+0xOFFSET", as stacks show it.
void AppendFunctionName(ReportDesc *r, uptr return_pc);
// The depot's stack `depot_id` as a report's stack, for an event recorded
// before the report is made (a race found when a run of stores is flushed).
void StackFromDepot(u32 depot_id, ReportStack *stack);
// CaptureStack, stored in the stack depot: an id to keep for a later report's
// extra stack (a full unwind, tens of microseconds: for events that are not hot).
u32 CaptureStackId();
// The same for hot events: a frame-pointer walk (tens of nanoseconds) of
// the thread's own stacks, across the stack switch (frame_walk.h). On a
// stack of unknown bounds (the program's own sigaltstack, a coroutine),
// CaptureStackId.
u32 CaptureStackIdFast();

// A small map from a walked stack to its depot id, owned by one thread (or
// M), so a hot site pays the depot once (alloc_stack.cpp, the race checker's
// accesses). Direct-mapped by a hash of its frames; an entry keeps its
// whole stack and a hit compares every frame, so a lookup never returns
// another stack's id (a hash key could), and costs a compare per frame
// instead of hashing them.
struct StackIdCache {
  static constexpr uptr kSize = 64;
  static constexpr uptr kMaxFrames = 32;  // deeper stacks bypass the cache
  struct Entry {
    u32 n;  // 0: empty
    u32 id;
    uptr pcs[kMaxFrames];
  };
  Entry entries[kSize];
};
// The depot id of pcs[0, n), through cache.
u32 CachedStackId(const uptr *pcs, uptr n, StackIdCache *cache);
// CaptureStackIdFast through a cache.
u32 CaptureStackIdFast(StackIdCache *cache);
// The same walk from the frame whose frame pointer is fp (a live frame of
// the calling thread: an entry point's own), so the runtime's frames below
// it use none of the walk's depth.
u32 CaptureStackIdFastAt(uptr fp, StackIdCache *cache);

// Message helpers: printf into the fixed buffers, truncating safely.
// The formats are the callers' named constants; one without arguments is fine.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat-security"
template <typename... Args>
void SetMessage(ReportDesc *r, const char *format, Args... args) {
  internal_snprintf(r->message, sizeof(r->message), format, args...);
}
template <typename... Args>
void AddNote(ReportDesc *r, const char *format, Args... args) {
  uptr len = internal_strlen(r->notes);
  if (len + 1 < sizeof(r->notes))
    internal_snprintf(r->notes + len, sizeof(r->notes) - len, format, args...);
}
// Appends an extra stack (dropped when all kMaxExtraStacks are taken).
template <typename... Args>
void AddExtraStack(ReportDesc *r, u32 depot_id, const char *title_format,
                   Args... args) {
  if (r->num_extra_stacks >= ReportDesc::kMaxExtraStacks)
    return;
  ReportExtraStack *e = &r->extra_stacks[r->num_extra_stacks++];
  internal_snprintf(e->title, sizeof(e->title), title_format, args...);
  e->depot_id = depot_id;
}
#pragma clang diagnostic pop

// Text from the user (a flag's value, a file's name or line) as a one-line
// message shows it: control characters as '?', cut after kMaxBytes bytes
// with "...". No allocation.
class ShownText {
 public:
  static constexpr uptr kMaxBytes = 64;
  explicit ShownText(const char *s, uptr len = ~static_cast<uptr>(0));
  const char *c_str() const { return text_; }

 private:
  char text_[kMaxBytes + 4];
};

// True when a report does not show this frame: the runtime's own frames on
// top of the stack (at_top: no frame is shown yet), below them all but the
// boundaries (cgosan_run, cgosan_cgocall, cgosan_cgocallback), and libffi's
// closure trampolines.
bool IsHiddenFrame(const AddressInfo &info, bool at_top);
// True for the runtime's frames, the boundaries a report shows included.
bool IsRuntimeFrame(const AddressInfo &info);

// Renders the full text: header, message, stack, notes, extra stacks,
// SUMMARY line.
void RenderReport(const ReportDesc &r, InternalScopedString *out);

// Renders and prints under the report lock, then ends the process with
// exitcode unless halt_on_error=0. Returns when the run goes on. A report
// that a suppression (CGOSAN_OPTIONS=suppressions=FILE, rtl/suppressions.h)
// matches is counted as suppressed, not printed, and does not halt. One
// that repeats a report already emitted (same kind, stack, extra stacks and
// callee) is only counted (RepeatedReportCount), unless suppress_equal_pcs=0.
void EmitReport(const ReportDesc &r);
// EmitReport, then ends the process whatever halt_on_error says. A fatal
// report is never suppressed: the process cannot go on silently.
NORETURN void EmitFatalReport(const ReportDesc &r);

// The name of the function at pc into buf (size bytes); false, and buf
// empty, when the symbolizer knows none. For a note written before the
// report is printed, with no runtime lock held (fork.h, ScopedLibraryLocks).
bool FunctionNameAt(uptr pc, char *buf, uptr size);
// SARIF 2.1.0 output (CGOSAN_OPTIONS=log_format=sarif, report_sarif.cpp).
// Reads the flags and starts the process's log (with log_path, writes it with
// no results yet). Called once at start-up.
void InitializeSarifLog();
bool SarifEnabled();
// True when the SARIF log goes to a stream and the text reports must not.
bool SarifReplacesTextReports();
// Renders r as a SARIF result object (suppressed_by as below).
void RenderSarifResult(const ReportDesc &r, const char *suppressed_by,
                       InternalScopedString *out);
// Adds r to the log as a result (suppressed_by: the pattern of the
// suppression that matched it, or null) and, with log_path, rewrites the
// log file. Under the report lock.
void AddSarifResult(const ReportDesc &r, const char *suppressed_by);
// Without log_path, writes the log to stderr, once: at exit, or from Die.
void FinishSarifLog();

uptr ReportCount();            // reports printed
uptr SuppressedReportCount();  // reports a suppression silenced
uptr RepeatedReportCount();    // reports not printed: they repeated one made
// At exit: how many reports repeated one made, if any.
void PrintRepeatedReportCount();

// A report of `kind` with the message and the current stack, emitted.
template <typename... Args>
void ReportHere(ReportKind kind, const char *format, Args... args) {
  ReportDesc r = {};
  r.kind = kind;
  SetMessage(&r, format, args...);
  CaptureStack(&r.stack);
  EmitReport(r);
}


}  // namespace __cgosan

#endif  // CGOSAN_RTL_REPORT_H
