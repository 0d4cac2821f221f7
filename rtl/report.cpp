// report.cpp — rendering and emitting reports (see report.h).
//
// A report's stack is captured in full, across every stack switch, and
// trimmed here, at rendering: frames of the runtime's own internals
// (__cgosan::..., the assembly switch) are dropped; the public entry points
// (cgosan_cgocall, cgosan_cgocallback, cgosan_run) are kept where they stand
// between user frames, because they show where the stack crossed the
// boundary, and dropped at the top, so frame #0 is the user's code. A pseudo
// frame (entry_frames.h) is shown only where it names a function that has no
// frame of its own beside it.
#include "report.h"

#include "fork.h"
#include "frame_walk.h"
#include "report_frames.h"

#include "suppressions.h"

#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_report_decorator.h"
#include "sanitizer_common/sanitizer_stackdepot.h"
#include "sanitizer_common/sanitizer_stacktrace.h"
#include "sanitizer_common/sanitizer_stacktrace_printer.h"
#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

static atomic_uintptr_t report_count;
static atomic_uintptr_t suppressed_count;
static atomic_uintptr_t repeated_count;

uptr ReportCount() { return atomic_load(&report_count, memory_order_relaxed); }
uptr SuppressedReportCount() {
  return atomic_load(&suppressed_count, memory_order_relaxed);
}
uptr RepeatedReportCount() {
  return atomic_load(&repeated_count, memory_order_relaxed);
}

static constexpr char kMsgRepeatedReports[] =
    "%s: %zu more report(s) repeated one already made (same kind and "
    "stacks) and were not printed (suppress_equal_pcs=0 prints them)\n";

// ---- Repeated reports ---------------------------------------------------------
//
// With halt_on_error=0 a bad call in a loop would print (and log in SARIF)
// the same report on every pass, without bound. A report of the kind, stack
// and extra stacks of one already emitted is counted instead, as ASan's
// suppress_equal_pcs does (the flag turns it off). What identifies a report
// is a 64-bit hash of those, in a fixed lock-free table (fork- and
// signal-safe); when the table is full, reports are printed again rather
// than a new one missed.
static constexpr uptr kSeenReports = 4096;  // a power of two
static atomic_uint64_t seen_reports[kSeenReports];  // hash | 1; 0: empty

static u64 MixIn(u64 h, u64 word) {
  h = (h ^ word) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

static u64 ReportIdentity(const ReportDesc &r) {
  u64 h = MixIn(0, r.kind);
  h = MixIn(h, reinterpret_cast<uptr>(r.callee));
  for (uptr i = 0; i < r.stack.size && i < ReportStack::kMaxFrames; i++)
    h = MixIn(h, r.stack.pcs[i]);
  for (uptr i = 0; i < r.num_extra_stacks && i < ReportDesc::kMaxExtraStacks;
       i++)
    h = MixIn(h, r.extra_stacks[i].depot_id);
  return h | 1;
}

// True when a report like r was emitted before (and counts it).
static bool RepeatsAnEarlierReport(const ReportDesc &r) {
  if (!common_flags()->suppress_equal_pcs)
    return false;
  u64 key = ReportIdentity(r);
  for (uptr probe = 0; probe < kSeenReports; probe++) {
    atomic_uint64_t *slot = &seen_reports[(key + probe) & (kSeenReports - 1)];
    u64 seen = atomic_load(slot, memory_order_relaxed);
    if (seen == 0 &&
        atomic_compare_exchange_strong(slot, &seen, key, memory_order_relaxed))
      return false;
    if (seen == key) {
      atomic_fetch_add(&repeated_count, 1, memory_order_relaxed);
      return true;
    }
  }
  return false;
}

void PrintRepeatedReportCount() {
  uptr n = RepeatedReportCount();
  if (n && !SarifReplacesTextReports())
    Printf(kMsgRepeatedReports, SanitizerToolName, (usize)n);
}

const char *ReportKindName(ReportKind kind) {
  static const char *const kNames[] = {
#define CGOSAN_KIND_STRING(Enum, String) String,
      CGOSAN_REPORT_KINDS(CGOSAN_KIND_STRING)
#undef CGOSAN_KIND_STRING
  };
  CHECK_LT(kind, ARRAY_SIZE(kNames));
  return kNames[kind];
}

static bool HasPrefix(const char *s, const char *prefix) {
  return s && !internal_strncmp(s, prefix, internal_strlen(prefix));
}

// The runtime's frames: its exported C functions ("cgosan_run", no "::"),
// the pass's entry points ("__cgosan_race_write8"), and its internals, whose
// demangled names may start with a return type ("void __cgosan::F<...>(...)").
// A user's "cgosan_test::f" is not one.
// Every frame in the runtime's shared library is the runtime's, symbolized
// or not. Linked statically, the runtime's frames are the program's module:
// told by name, the interceptors by theirs ("___interceptor_snprintf": a
// variadic one keeps a frame; reports print it "snprintf"). A heap
// adapter cgosan ships (lib/cgosan/heap-NAME.so) is the runtime's too.
bool IsRuntimeFrame(const AddressInfo &info) {
  const char *function = info.function;
  if (info.module && (internal_strstr(info.module, "/libcgosan.so") ||
                      internal_strstr(info.module, "/cgosan/heap-")))
    return true;
  if (!function)
    return false;
  return ((HasPrefix(function, "cgosan_") || HasPrefix(function, "__cgosan_")) &&
          !internal_strstr(function, "::")) ||
         internal_strstr(function, "__cgosan::") ||
         HasPrefix(function, "___interceptor_") ||
         HasPrefix(function, "__interceptor_");
}

// libffi's closure trampolines run every callback an interposer wraps: they
// are part of the crossing, like the runtime's own frames, and have no symbol.
static bool IsClosureFrame(const AddressInfo &info) {
  return info.module && internal_strstr(info.module, "/libffi.so");
}

static bool IsBoundaryFrame(const char *function) {
  return function && (!internal_strcmp(function, "cgosan_run") ||
                      !internal_strcmp(function, "cgosan_cgocall") ||
                      !internal_strcmp(function, "cgosan_cgocallback"));
}

bool IsHiddenFrame(const AddressInfo &info, bool at_top) {
  // Below the top, the runtime's frames are dropped too, but for the
  // boundaries, which show where the stack crossed (unsymbolized, every
  // runtime frame below the top stays: it cannot be told from them).
  return (IsRuntimeFrame(info) &&
          (at_top || (info.function && !IsBoundaryFrame(info.function)))) ||
         IsClosureFrame(info);
}

// The function frame i of pcs is in (not a function inlined there), copied
// into name; false when the symbolizer cannot say.
static bool OuterFunctionName(const uptr *pcs, uptr i, bool first_pc_exact,
                              char (&name)[256]) {
  SymbolizedStackHolder holder(Symbolizer::GetOrInit()->SymbolizePC(
      SymbolizablePc(pcs, i, first_pc_exact)));
  const SymbolizedStack *outer = holder.get();
  for (; outer && outer->next; outer = outer->next) {
  }
  if (!outer || !outer->info.function)
    return false;
  internal_strlcpy(name, outer->info.function, sizeof(name));
  return true;
}

// Whether the pseudo frame i (entry_frames.h) says nothing new: its function
// has its own frame beside it (no tail call lost it), or cannot be named.
bool IsRedundantEntryFrame(const uptr *pcs, uptr size, uptr i,
                           bool first_pc_exact) {
  char fn[256], beside[256];
  if (!OuterFunctionName(pcs, i, first_pc_exact, fn))
    return true;
  const uptr neighbours[] = {i - 1, i + 1};  // i - 1 wraps for i == 0
  for (uptr j : neighbours) {
    if (j < size && !IsEntryFrame(pcs[j]) &&
        OuterFunctionName(pcs, j, first_pc_exact, beside) &&
        !internal_strcmp(fn, beside))
      return true;
  }
  return false;
}

// Renders a stack of `size` pcs; fills `summary` (when given) with
// "file:line:col in function" of the first frame shown. pcs[0] is an exact PC
// when first_pc_exact, a return address otherwise (depot stacks).
static void RenderStack(const uptr *pcs, uptr size, uptr elided,
                        bool first_pc_exact, InternalScopedString *out,
                        InternalScopedString *summary) {
  StackTracePrinter *printer = StackTracePrinter::GetOrInit();
  const char *format = common_flags()->stack_trace_format;
  uptr shown = ForEachShownFrame(
      pcs, size, elided, first_pc_exact,
      [&](uptr frame_no, const AddressInfo &info) {
        if (frame_no == 0 && summary)
          printer->RenderFrame(summary, info.function ? "%L %F" : "%L", 0,
                               info.address, &info,
                               common_flags()->symbolize_vs_style,
                               common_flags()->strip_path_prefix);
        printer->RenderFrame(out, format, frame_no, info.address, &info,
                             common_flags()->symbolize_vs_style,
                             common_flags()->strip_path_prefix);
        out->Append("\n");
      },
      [&](uptr n) { out->AppendF("    ... %zu frames elided ...\n", (usize)n); });
  if (shown == 0)
    out->Append("    <empty stack>\n");
}

static void RenderExtraStack(const ReportExtraStack &e,
                             InternalScopedString *out) {
  out->AppendF("%s\n", e.title);
  StackTrace trace = e.depot_id ? StackDepotGet(e.depot_id) : StackTrace();
  if (!trace.trace || !trace.size) {
    out->Append("    <no stack recorded>\n");
    return;
  }
  RenderStack(trace.trace, trace.size, 0, /*first_pc_exact=*/false, out,
              nullptr);
}

void StackFromDepot(u32 depot_id, ReportStack *stack) {
  StackTrace trace = depot_id ? StackDepotGet(depot_id) : StackTrace();
  uptr n = Min<uptr>(trace.trace ? trace.size : 0, ReportStack::kMaxFrames);
  internal_memcpy(stack->pcs, trace.trace, n * sizeof(uptr));
  stack->size = n;
  stack->elided = 0;
  stack->return_addresses_only = true;
}

u32 CaptureStackId() {
  ReportStack stack;
  CaptureStack(&stack);
  // pcs[0] is the exact PC inside the capture (a runtime frame): keep only
  // return addresses, as depot stacks are rendered.
  if (stack.size < 2)
    return 0;
  return StackDepotPut(
      StackTrace(stack.pcs + 1, static_cast<u32>(stack.size - 1)));
}

// Fixed for the thread's life; the lookup reads /proc for the main thread.
static THREADLOCAL uptr system_stack_lo, system_stack_hi;
StackBounds SystemStackOfThread() {
  if (UNLIKELY(!system_stack_hi)) {
    uptr top, bottom;
    GetThreadStackTopAndBottom(/*at_initialization=*/false, &top, &bottom);
    system_stack_lo = bottom;
    system_stack_hi = top;
  }
  return {system_stack_lo, system_stack_hi};
}

// Direct-mapped by every frame (Fibonacci hashing to 6 bits): the innermost
// frames of a capture are often the capturing runtime's own, the same for
// every site, so keying by them alone would send all sites to one slot.
static StackIdCache::Entry &CacheEntryOf(const uptr *pcs, uptr n,
                                         StackIdCache *cache) {
  static_assert(StackIdCache::kSize == 64, "the slot is 6 bits");
  u64 key = 0;
  for (uptr i = 0; i < n; i++) key = (key << 7 | key >> 57) ^ pcs[i];
  return cache->entries[(key * 0x9e3779b97f4a7c15ull) >> 58];
}

u32 CachedStackId(const uptr *pcs, uptr n, StackIdCache *cache) {
  if (UNLIKELY(n == 0 || n > StackIdCache::kMaxFrames))
    return StackDepotPut(StackTrace(pcs, static_cast<u32>(n)));
  StackIdCache::Entry &e = CacheEntryOf(pcs, n, cache);
  if (e.n == n) {
    bool same = true;
    for (uptr i = 0; i < n; i++) same &= e.pcs[i] == pcs[i];
    if (LIKELY(same))
      return e.id;
  }
  u32 id = StackDepotPut(StackTrace(pcs, static_cast<u32>(n)));
  internal_memcpy(e.pcs, pcs, n * sizeof(uptr));
  e.n = static_cast<u32>(n);
  e.id = id;
  return id;
}

// Frame pointers, across the thread's G and system stacks (frame_walk.h).
// ALWAYS_INLINE into the two entry points, so the walk starts at their frame.
static ALWAYS_INLINE u32 CaptureStackIdFastFrom(uptr fp, StackIdCache *cache) {
  constexpr uptr kMaxFastFrames = 32;
  uptr pcs[kMaxFastFrames];
  uptr fps[kMaxFastFrames + 1];
  uptr n = WalkOwnStacks(fp, pcs, kMaxFastFrames, fps);
  if (!n)
    return CaptureStackId();  // a stack of the program's own making
  AddEntryFrames(pcs, fps + 1, &n, kMaxFastFrames);  // pcs[i] runs with %rbp fps[i + 1]
  return cache ? CachedStackId(pcs, n, cache)
               : StackDepotPut(StackTrace(pcs, static_cast<u32>(n)));
}

NOINLINE u32 CaptureStackIdFast() {
  return CaptureStackIdFastFrom(
      reinterpret_cast<uptr>(__builtin_frame_address(0)), nullptr);
}

NOINLINE u32 CaptureStackIdFast(StackIdCache *cache) {
  return CaptureStackIdFastFrom(
      reinterpret_cast<uptr>(__builtin_frame_address(0)), cache);
}

NOINLINE u32 CaptureStackIdFastAt(uptr fp, StackIdCache *cache) {
  return CaptureStackIdFastFrom(fp, cache);
}

struct FunctionNameCall {
  ReportDesc *report;
  uptr pc;
};

static void AppendFunctionNameHere(void *arg) {
  auto *call = static_cast<FunctionNameCall *>(arg);
  SymbolizedStackHolder holder(Symbolizer::GetOrInit()->SymbolizePC(call->pc));
  const SymbolizedStack *frame = holder.get();
  const AddressInfo *info = frame ? &frame->info : nullptr;
  if (info && info->function)
    AddNote(call->report, "%s", info->function);
  else if (info && info->module)
    AddNote(call->report, "%s+0x%zx",
            StripModuleName(info->module), (usize)info->module_offset);
  else
    AddNote(call->report, "0x%zx", (usize)call->pc);
}

void AppendFunctionName(ReportDesc *r, uptr return_pc) {
  FunctionNameCall call = {r, StackTrace::GetPreviousInstructionPc(return_pc)};
  CallOnSystemStack(AppendFunctionNameHere, &call);
}

void RenderReport(const ReportDesc &r, InternalScopedString *out) {
  SanitizerCommonDecorator d;
  const char *kind = ReportKindName(r.kind);
  out->AppendF("%s==%d==ERROR: %s: %s%s\n", d.Warning(), (int)internal_getpid(),
               SanitizerToolName, kind, d.Default());
  out->AppendF("%s\n", r.message);
  InternalScopedString summary;
  RenderStack(r.stack.pcs, r.stack.size, r.stack.elided,
              /*first_pc_exact=*/!r.stack.return_addresses_only, out, &summary);
  out->Append(r.notes);
  for (uptr i = 0; i < r.num_extra_stacks && i < ReportDesc::kMaxExtraStacks;
       i++)
    RenderExtraStack(r.extra_stacks[i], out);
  if (common_flags()->print_summary)
    out->AppendF("SUMMARY: %s: %s %s\n", SanitizerToolName, kind,
                 summary.data());
}

ShownText::ShownText(const char *s, uptr len) {
  uptr n = 0;
  for (; n < len && s[n] && n < kMaxBytes; n++) {
    unsigned char c = s[n];
    text_[n] = c < ' ' || c == 0x7f ? '?' : c;
  }
  if (n < len && s[n]) {
    internal_memcpy(text_ + n, "...", 3);
    n += 3;
  }
  text_[n] = 0;
}

bool FunctionNameAt(uptr pc, char *buf, uptr size) {
  ScopedLibraryLocks symbolizer_lock;
  SymbolizedStackHolder holder(Symbolizer::GetOrInit()->SymbolizePC(pc));
  const char *name = holder.get() ? holder.get()->info.function : nullptr;
  internal_strlcpy(buf, name ? name : "", size);
  return name != nullptr;
}

struct PrintCall {
  const ReportDesc *report;
  bool may_suppress;
  bool printed;
};

static void PrintOnThisStack(void *arg) {
  auto *call = static_cast<PrintCall *>(arg);
  const ReportDesc &r = *call->report;
  const char *suppressed_by = nullptr;
  if (call->may_suppress && IsSuppressed(r, &suppressed_by)) {
    atomic_fetch_add(&suppressed_count, 1, memory_order_relaxed);
    if (SarifEnabled()) {
      ScopedErrorReportLock lock;
      AddSarifResult(r, suppressed_by);
    }
    return;
  }
  ScopedErrorReportLock lock;
  if (!SarifReplacesTextReports()) {
    InternalScopedString text;
    RenderReport(r, &text);
    Printf("%s", text.data());
  }
  AddSarifResult(r, nullptr);
  atomic_fetch_add(&report_count, 1, memory_order_relaxed);
  call->printed = true;
}

// Matching suppressions and rendering symbolize, which takes kilobytes of
// stack: on the system stack (CallOnSystemStack).
static bool PrintReport(const ReportDesc &r, bool may_suppress) {
  PrintCall call = {&r, may_suppress, false};
  CallOnSystemStack(PrintOnThisStack, &call);
  return call.printed;
}

void EmitReport(const ReportDesc &r) {
  if (RepeatsAnEarlierReport(r))
    return;
  if (PrintReport(r, /*may_suppress=*/true) && flags()->halt_on_error)
    Die();
}

void EmitFatalReport(const ReportDesc &r) {
  PrintReport(r, /*may_suppress=*/false);
  Die();
}

}  // namespace __cgosan
