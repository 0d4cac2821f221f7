// report_sarif.cpp — reports as a SARIF 2.1.0 log (CGOSAN_OPTIONS=
// log_format=sarif), for CI systems that read SARIF rather than stderr.
//
// One log per process, one run in it: the tool (CgoSanitizer, its version,
// a rule per report kind) and one result per report, suppressed ones
// included (with a suppression entry). With log_path the log is the file
// PATH.<pid>.sarif, written at start-up with no results and rewritten whole
// after each report: a temporary file renamed over it, so a reader, or a
// process that dies of the report, never leaves half a log. Without
// log_path the log goes to stderr once, when the process ends (exit or Die),
// and replaces the text reports there; with log_path the text reports are
// still written to PATH.<pid>.
//
// Report path: no malloc. The results are kept as JSON text in an
// mmap-backed InternalScopedString, under the report lock.
#include "report.h"
#include "report_frames.h"

#include "sanitizer_common/sanitizer_file.h"
#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_placement_new.h"
#include "sanitizer_common/sanitizer_posix.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

#ifndef CGOSAN_VERSION
#define CGOSAN_VERSION "0"
#endif

namespace __cgosan {

static const char kSarifSchema[] =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json";
static const char kMainStackMessage[] = "stack of the report";
static const char kSuppressedByFile[] = "suppressions file: ";
static constexpr char kMsgCannotWriteLog[] =
    "ERROR: cannot write the SARIF log %s (errno %d)\n";

// A rule per report kind, in ReportKind order: what was found, the rule it
// breaks, and the fix.
struct RuleText {
  const char *kind;
  const char *short_description;
  const char *full_description;
  const char *help;
};
static const RuleText kRules[] = {
    {"unpinned-pointer-in-argument",
     "Managed memory passed to C holds a pointer to unpinned managed memory",
     "A foreign call received a pointer to managed memory that itself holds a "
     "pointer to managed memory that is not pinned (cgo rule 1): the collector "
     "may move or free what C reads through it.",
     "Pin the pointed-to object (cgosan_pin) for the call, pass a "
     "handle (cgosan_handle_new) instead of the pointer, or copy the data to "
     "C memory."},
    {"unpinned-pointer-in-result",
     "A callback returns a pointer to unpinned managed memory to C",
     "A managed callback returned to C a pointer to managed memory, or to "
     "memory holding one, that is not pinned (cgo rule 3).",
     "Return C memory, or a handle (cgosan_handle_new), or pin the object "
     "for as long as C keeps it."},
    {"unpinned-pointer-store",
     "A pointer to unpinned managed memory is stored into C memory",
     "A store or copy into memory the collector does not scan put a pointer "
     "to unpinned managed memory there (cgo rule 4, cgocheck=2).",
     "Pin the object while C memory holds its address, or store a handle "
     "(cgosan_handle_new) instead."},
    {"retained-pointer",
     "C kept a managed pointer after the call returned",
     "Foreign code kept a pointer to managed memory it received past the end "
     "of the call that lent it (cgo rule 2).",
     "Pin the object (cgosan_pin) until C is done with it, pass a "
     "handle, or copy the data to C memory; annotate a library that keeps "
     "pointers with `retains`."},
    {"data-race",
     "Unsynchronised accesses to memory shared across the boundary",
     "Two threads accessed memory that crossed the boundary, at least one "
     "writing, with no happens-before between the accesses (rule 5).",
     "Order the accesses: a mutex, an atomic, a join, or cgosan_release / "
     "cgosan_acquire around the hand-off."},
    {"invalid-handle",
     "A handle used after it was deleted, or never made",
     "cgosan_handle_value or cgosan_handle_delete got a handle that is not "
     "live: deleted, of an earlier generation, or never returned by "
     "cgosan_handle_new.",
     "Delete each handle exactly once, after its last use, and pass only "
     "handles cgosan_handle_new returned."},
    {"pinner-leak",
     "A pinner still holds pins when it is dropped",
     "A pinner was freed with objects still pinned: they stay pinned, and the "
     "collector can never move or free them.",
     "Call cgosan_unpin before cgosan_pinner_free (Go's Pinner.Unpin)."},
    {"bad-callback",
     "A callback entered from managed code",
     "cgosan_cgocallback was called from managed code, not from foreign code: "
     "a callback re-enters managed code from C, so the G must be parked in a "
     "cgocall.",
     "Call the managed function directly from managed code; use "
     "cgosan_cgocallback only in C called through cgosan_cgocall, or on a "
     "thread of C's own."},
    {"unwind-across-boundary",
     "An exception or longjmp crossed the managed/C boundary",
     "A C++ exception or a longjmp unwound through a cgocall or cgocallback "
     "frame, skipping the runtime's bookkeeping of the crossing.",
     "Catch the exception (or end the longjmp) on the side that threw it and "
     "return an error code across the boundary."},
    {"stack-overflow",
     "A G stack overflowed into its guard page",
     "Managed code ran past the end of its G stack (CGOSAN_OPTIONS="
     "stack_size) and hit the guard page below it.",
     "Bound the recursion, move large locals to the heap, or raise "
     "CGOSAN_OPTIONS=stack_size."},
    {"api-misuse",
     "The cgosan API was called with invalid arguments",
     "A cgosan_* function was called in a way its contract forbids (a NULL "
     "function, a call from the wrong side of the boundary, a bad type).",
     "Fix the call as the report's message says; include/cgosan/cgosan.h "
     "states each function's contract."},
    {"out-of-memory",
     "The managed heap is full",
     "An allocation of the managed heap could not be satisfied after a "
     "collection.",
     "Free references so the collector can reclaim objects, or lower the "
     "live heap; check for leaks of roots and handles."},
};
static_assert(ARRAY_SIZE(kRules) == kOutOfMemory + 1,
              "a SARIF rule for every report kind");

// The process's log. No static constructors (rtl.h): built at start-up.
alignas(InternalScopedString) static char results_storage[sizeof(
    InternalScopedString)];
static InternalScopedString *results;  // result objects, comma-separated
static uptr result_count;
static int results_pid;  // a forked child starts its own log
static bool sarif_enabled;
static bool stream_written;

bool SarifEnabled() { return sarif_enabled; }

// log_path unset (or "stderr"/"stdout", sanitizer_common's names for
// the streams): the log goes to a stream at the end.
static bool LogPathIsStream() {
  const char *path = common_flags()->log_path;
  return !path || !*path || !internal_strcmp(path, "stderr") ||
         !internal_strcmp(path, "stdout");
}

bool SarifReplacesTextReports() { return sarif_enabled && LogPathIsStream(); }

// --- JSON text --------------------------------------------------------------

// Bytes of the valid UTF-8 sequence at s, or 0 when s does not start one.
static uptr Utf8SequenceLength(const unsigned char *s) {
  unsigned char c = s[0];
  uptr n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (c >= 0xf8)
    return 0;
  for (uptr i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  return n;
}

// s as a JSON string: quotes, backslashes and control characters escaped,
// bytes that are not UTF-8 as U+FFFD.
static void AppendJsonString(InternalScopedString *out, const char *s) {
  out->Append("\"");
  const unsigned char *p = reinterpret_cast<const unsigned char *>(s ? s : "");
  while (*p) {
    const unsigned char *run = p;
    while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
    if (p > run)
      out->AppendF("%.*s", (int)(p - run), reinterpret_cast<const char *>(run));
    if (!*p)
      break;
    if (*p == '"' || *p == '\\') {
      out->AppendF("\\%c", *p++);
    } else if (*p == '\n') {
      out->Append("\\n");
      p++;
    } else if (*p < 0x20) {
      out->AppendF("\\u%04x", *p++);
    } else if (uptr n = Utf8SequenceLength(p)) {
      out->AppendF("%.*s", (int)n, reinterpret_cast<const char *>(p));
      p += n;
    } else {
      out->Append("\\ufffd");
      p++;
    }
  }
  out->Append("\"");
}

// A file name as a URI reference: relative names stay relative (to the
// source root, as strip_path_prefix made them), absolute ones become file://
// URIs; bytes outside RFC 3986's unreserved set and '/' are %-encoded.
static void AppendFileUri(InternalScopedString *out, const char *file) {
  out->Append(file[0] == '/' ? "\"file://" : "\"");
  for (const char *p = file; *p; p++) {
    char c = *p;
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                 c == '~' || c == '/';
    if (plain)
      out->AppendF("%c", c);
    else
      out->AppendF("%%%02X", (unsigned)(unsigned char)c);
  }
  out->Append("\"");
}

// --- results -----------------------------------------------------------------

// A location object: the frame's source position (file made relative by
// strip_path_prefix), or its address when it has none; its function.
static void AppendLocation(InternalScopedString *out, const AddressInfo &info,
                           const char *message) {
  out->Append("{");
  if (message) {
    out->Append("\"message\":{\"text\":");
    AppendJsonString(out, message);
    out->Append("},");
  }
  out->Append("\"physicalLocation\":{");
  if (info.file) {
    out->Append("\"artifactLocation\":{\"uri\":");
    AppendFileUri(out, StripPathPrefix(info.file,
                                       common_flags()->strip_path_prefix));
    out->Append("}");
    if (info.line > 0) {
      out->AppendF(",\"region\":{\"startLine\":%d", info.line);
      if (info.column > 0)
        out->AppendF(",\"startColumn\":%d", info.column);
      out->Append("}");
    }
  } else {
    out->AppendF("\"address\":{\"absoluteAddress\":%zu}", (usize)info.address);
  }
  out->Append("}");
  if (info.function) {
    out->Append(",\"logicalLocations\":[{\"fullyQualifiedName\":");
    AppendJsonString(out, info.function);
    out->Append(",\"kind\":\"function\"}]");
  }
  out->Append("}");
}

// A stack object with the frames the text shows; `top` (when given) gets a
// copy of the first frame shown, for the result's location.
static void AppendStack(InternalScopedString *out, const char *message,
                        const uptr *pcs, uptr size, uptr elided,
                        bool first_pc_exact, InternalScopedString *top) {
  out->Append("{\"message\":{\"text\":");
  AppendJsonString(out, message);
  out->Append("},\"frames\":[");
  ForEachShownFrame(
      pcs, size, elided, first_pc_exact,
      [&](uptr frame_no, const AddressInfo &info) {
        if (frame_no != 0)
          out->Append(",");
        out->Append("{\"location\":");
        AppendLocation(out, info, nullptr);
        if (info.module) {
          out->Append(",\"module\":");
          AppendJsonString(out, info.module);
        }
        out->Append("}");
        if (frame_no == 0 && top)
          AppendLocation(top, info, nullptr);
      },
      [&](uptr n) {});
  out->Append("]}");
}

// "  allocated at:" → "allocated at".
static void CopyTitle(const char *title, char *out, uptr size) {
  while (*title == ' ') title++;
  uptr n = internal_strlen(title);
  if (n && title[n - 1] == ':')
    n--;
  internal_strlcpy(out, title, Min(n + 1, size));
}

void RenderSarifResult(const ReportDesc &r, const char *suppressed_by,
                       InternalScopedString *out) {
  out->AppendF("{\"ruleId\":\"%s\",\"ruleIndex\":%u,\"level\":\"error\","
               "\"message\":{\"text\":",
               ReportKindName(r.kind), (unsigned)r.kind);
  InternalScopedString text;
  text.Append(r.message);
  if (r.notes[0]) {
    text.Append("\n");
    text.Append(r.notes);
    if (text.data()[text.length() - 1] == '\n')
      text.data()[text.length() - 1] = '\0';
  }
  AppendJsonString(out, text.data());
  out->Append("},");
  InternalScopedString stacks, top;
  AppendStack(&stacks, kMainStackMessage, r.stack.pcs, r.stack.size,
              r.stack.elided, !r.stack.return_addresses_only, &top);
  // Each further stack (allocated at, lent by the call, pinned at...) as a
  // stack and, by its first frame, a related location.
  InternalScopedString related;
  uptr related_count = 0;
  for (uptr i = 0; i < r.num_extra_stacks && i < ReportDesc::kMaxExtraStacks;
       i++) {
    const ReportExtraStack &e = r.extra_stacks[i];
    char title[sizeof(e.title)];
    CopyTitle(e.title, title, sizeof(title));
    StackTrace trace = e.depot_id ? StackDepotGet(e.depot_id) : StackTrace();
    InternalScopedString first;
    stacks.Append(",");
    AppendStack(&stacks, title, trace.trace, trace.trace ? trace.size : 0, 0,
                /*first_pc_exact=*/false, &first);
    if (!first.length())
      continue;
    // The related location: the first frame's, with an id and the title.
    if (related_count++)
      related.Append(",");
    related.AppendF("{\"id\":%zu,\"message\":{\"text\":",
                    (usize)related_count);
    AppendJsonString(&related, title);
    related.AppendF("},%s", first.data() + 1);
  }
  if (top.length())
    out->AppendF("\"locations\":[%s],", top.data());
  if (related_count)
    out->AppendF("\"relatedLocations\":[%s],", related.data());
  out->AppendF("\"stacks\":[%s]", stacks.data());
  if (suppressed_by) {
    out->Append(",\"suppressions\":[{\"kind\":\"external\",\"justification\":");
    InternalScopedString why;
    why.AppendF("%s%s:%s", kSuppressedByFile, ReportKindName(r.kind),
                suppressed_by);
    AppendJsonString(out, why.data());
    out->Append("}]");
  }
  out->Append("}");
}

// --- the log -----------------------------------------------------------------

static void AppendLog(InternalScopedString *out) {
  out->AppendF("{\"$schema\":\"%s\",\"version\":\"2.1.0\",\"runs\":[{"
               "\"tool\":{\"driver\":{\"name\":\"%s\",\"version\":\"%s\","
               "\"rules\":[",
               kSarifSchema, SanitizerToolName, CGOSAN_VERSION);
  for (uptr i = 0; i < ARRAY_SIZE(kRules); i++) {
    const RuleText &rule = kRules[i];
    out->AppendF("%s\n{\"id\":\"%s\",\"shortDescription\":{\"text\":",
                 i ? "," : "", rule.kind);
    AppendJsonString(out, rule.short_description);
    out->Append("},\"fullDescription\":{\"text\":");
    AppendJsonString(out, rule.full_description);
    out->Append("},\"help\":{\"text\":");
    AppendJsonString(out, rule.help);
    out->Append("},\"defaultConfiguration\":{\"level\":\"error\"}}");
  }
  out->AppendF("]}},\"invocations\":[{\"executionSuccessful\":true,"
               "\"processId\":%d}],\n\"results\":[%s]}]}\n",
               results_pid, results->data());
}

static void WriteLogFile() {
  InternalScopedString log;
  AppendLog(&log);
  InternalScopedString path, temporary;
  path.AppendF("%s.%d.sarif", common_flags()->log_path, results_pid);
  temporary.AppendF("%s.tmp", path.data());
  error_t err;
  fd_t fd = OpenFile(temporary.data(), WrOnly, &err);
  if (fd == kInvalidFd) {
    Report(kMsgCannotWriteLog, temporary.data(), err);
    return;
  }
  bool written = WriteToFile(fd, log.data(), log.length(), nullptr, &err);
  CloseFile(fd);
  if (!written || internal_iserror(internal_rename(temporary.data(),
                                                   path.data()), &err))
    Report(kMsgCannotWriteLog, path.data(), err);
}

// A process forked after a report starts its own log: the parent's results
// are the parent's.
static void StartLogOfThisProcess() {
  int pid = (int)internal_getpid();
  if (pid == results_pid)
    return;
  results->clear();
  result_count = 0;
  results_pid = pid;
}

void AddSarifResult(const ReportDesc &r, const char *suppressed_by) {
  if (!sarif_enabled)
    return;
  StartLogOfThisProcess();
  if (result_count++)
    results->Append(",\n");
  RenderSarifResult(r, suppressed_by, results);
  if (!LogPathIsStream())
    WriteLogFile();
}

void FinishSarifLog() {
  if (!sarif_enabled || !LogPathIsStream() || stream_written)
    return;
  stream_written = true;
  StartLogOfThisProcess();
  InternalScopedString log;
  AppendLog(&log);
  fd_t fd = internal_strcmp(common_flags()->log_path ? common_flags()->log_path
                                                     : "",
                            "stdout")
                ? kStderrFd
                : kStdoutFd;
  WriteToFile(fd, log.data(), log.length());
}

void InitializeSarifLog() {
  if (internal_strcmp(flags()->log_format, "sarif"))
    return;
  sarif_enabled = true;
  results = new (results_storage) InternalScopedString();
  results_pid = (int)internal_getpid();
  if (LogPathIsStream())
    AddDieCallback(FinishSarifLog);
  else
    WriteLogFile();
}

}  // namespace __cgosan
