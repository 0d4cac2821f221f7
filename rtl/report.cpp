// report.cpp — rendering and emitting reports (see report.h).
//
// A report's stack is captured in full, across every stack switch, and
// trimmed here, at rendering: frames of the runtime's own internals
// (__cgosan::..., the assembly switch) are dropped; the public entry points
// (cgosan_cgocall, cgosan_cgocallback, cgosan_run) are kept where they stand
// between user frames, because they show where the stack crossed the
// boundary, and dropped at the top, so frame #0 is the user's code.
#include "report.h"

#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_report_decorator.h"
#include "sanitizer_common/sanitizer_stacktrace.h"
#include "sanitizer_common/sanitizer_stacktrace_printer.h"
#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

static atomic_uintptr_t report_count;

uptr ReportCount() { return atomic_load(&report_count, memory_order_relaxed); }

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
// and its internals, whose demangled names may start with a return type
// ("void __cgosan::F<...>(...)"). A user's "cgosan_test::f" is not one.
static bool IsRuntimeFrame(const char *function) {
  if (!function)
    return false;
  return (HasPrefix(function, "cgosan_") && !internal_strstr(function, "::")) ||
         internal_strstr(function, "__cgosan::");
}

static bool IsBoundaryFrame(const char *function) {
  return function && (!internal_strcmp(function, "cgosan_run") ||
                      !internal_strcmp(function, "cgosan_cgocall") ||
                      !internal_strcmp(function, "cgosan_cgocallback"));
}

// Renders the stack; fills `summary` with "file:line:col in function" of the
// first frame shown.
static void RenderStack(const ReportStack &stack, InternalScopedString *out,
                        InternalScopedString *summary) {
  StackTracePrinter *printer = StackTracePrinter::GetOrInit();
  const char *format = common_flags()->stack_trace_format;
  bool symbolize = common_flags()->symbolize;
  uptr frame_no = 0;
  bool at_top = true;
  for (uptr i = 0; i < stack.size; i++) {
    if (i == ReportStack::kTopFrames && stack.elided) {
      out->AppendF("    ... %zu frames elided ...\n", (usize)stack.elided);
      frame_no += stack.elided;
    }
    // Return addresses point after the call; symbolize the call itself.
    uptr pc = i == 0 ? stack.pcs[0]
                     : StackTrace::GetPreviousInstructionPc(stack.pcs[i]);
    SymbolizedStackHolder holder(symbolize ? Symbolizer::GetOrInit()->SymbolizePC(pc)
                                           : SymbolizedStack::New(pc));
    for (const SymbolizedStack *cur = holder.get(); cur; cur = cur->next) {
      const char *function = cur->info.function;
      if (IsRuntimeFrame(function) && (at_top || !IsBoundaryFrame(function)))
        continue;
      at_top = false;
      if (frame_no == 0)
        printer->RenderFrame(summary, "%L %F", 0, cur->info.address,
                             &cur->info, common_flags()->symbolize_vs_style,
                             common_flags()->strip_path_prefix);
      printer->RenderFrame(out, format, frame_no++, cur->info.address,
                           symbolize ? &cur->info : nullptr,
                           common_flags()->symbolize_vs_style,
                           common_flags()->strip_path_prefix);
      out->Append("\n");
    }
  }
  if (frame_no == 0)
    out->Append("    <empty stack>\n");
}

void RenderReport(const ReportDesc &r, InternalScopedString *out) {
  SanitizerCommonDecorator d;
  const char *kind = ReportKindName(r.kind);
  out->AppendF("%s==%d==ERROR: %s: %s%s\n", d.Warning(), (int)internal_getpid(),
               SanitizerToolName, kind, d.Default());
  out->AppendF("%s\n", r.message);
  InternalScopedString summary;
  RenderStack(r.stack, out, &summary);
  out->Append(r.notes);
  if (common_flags()->print_summary)
    out->AppendF("SUMMARY: %s: %s %s\n", SanitizerToolName, kind,
                 summary.data());
}

void EmitReport(const ReportDesc &r) {
  {
    ScopedErrorReportLock lock;
    InternalScopedString text;
    RenderReport(r, &text);
    Printf("%s", text.data());
    atomic_fetch_add(&report_count, 1, memory_order_relaxed);
  }
  if (flags()->halt_on_error)
    Die();
}

void EmitFatalReport(const ReportDesc &r) {
  EmitReport(r);
  Die();
}

}  // namespace __cgosan
