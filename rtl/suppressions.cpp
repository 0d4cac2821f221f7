// suppressions.cpp — sanitizer_common's SuppressionContext over cgosan's report
// kinds (see suppressions.h).
#include "suppressions.h"

#include "fork.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"
#include "sanitizer_common/sanitizer_file.h"
#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_placement_new.h"
#include "sanitizer_common/sanitizer_stacktrace.h"
#include "sanitizer_common/sanitizer_suppressions.h"
#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

// The suppression types are the report kinds, in ReportKind order.
static const char *kSuppressionTypes[] = {
#define CGOSAN_KIND_STRING(Enum, String) String,
    CGOSAN_REPORT_KINDS(CGOSAN_KIND_STRING)
#undef CGOSAN_KIND_STRING
};

// No static constructors (rtl.h): the context is built in place at start-up.
alignas(64) static char context_storage[sizeof(SuppressionContext)];
static SuppressionContext *context;

// Built afresh if called again (a test re-reading the flags, the fuzz
// target parsing input after input): the old context's patterns and table
// are given back first.
static void NewContext() {
  if (context) {
    for (uptr i = 0; i < context->SuppressionCount(); i++)
      InternalFree(context->SuppressionAt(i)->templ);
    context->~SuppressionContext();
  }
  context = new (context_storage)
      SuppressionContext(kSuppressionTypes, ARRAY_SIZE(kSuppressionTypes));
}

// The file as sanitizer_common's ParseFromFile finds it: the path as given,
// or, when nothing is there and it is relative, beside the executable.
static const char *FindSuppressionsFile(const char *path,
                                        InternalMmapVector<char> *beside) {
  if (FileExists(path) || IsAbsolutePath(path) ||
      !ReadBinaryDir(beside->data(), beside->size()))
    return path;
  internal_strlcat(beside->data(), path, beside->size());
  return beside->data();
}

void InitializeSuppressions() {
  const char *path = flags()->suppressions;
  if (!path || !*path) {
    NewContext();
    return;
  }
  InternalMmapVector<char> beside(kMaxPathLength);
  path = FindSuppressionsFile(path, &beside);
  char *text;
  uptr buffer_size, text_size;
  if (!ReadFileToBuffer(path, &text, &buffer_size, &text_size)) {
    Printf("ERROR: CgoSanitizer: cannot read the suppressions file '%s'\n",
           ShownText(path).c_str());
    Die();
  }
  InitializeSuppressionsFromText(text, path);
  UnmapOrDie(text, buffer_size);
}

// True when line starts with "kind:" for a report kind (the test of
// SuppressionContext::Parse).
static bool StartsWithKind(const char *line) {
  for (const char *kind : kSuppressionTypes) {
    uptr len = internal_strlen(kind);
    if (!internal_strncmp(line, kind, len) && line[len] == ':')
      return true;
  }
  return false;
}

// sanitizer_common's parser dies on a line of an unknown kind listing every
// kind, in fourteen lines, without naming the line: the lines are checked
// here first, as it reads them, to say which one in one line.
static void CheckKinds(const char *text, const char *file) {
  int number = 1;
  for (const char *line = text;; number++) {
    while (*line == ' ' || *line == '\t') line++;
    const char *end = internal_strchr(line, '\n');
    if (!end)
      end = line + internal_strlen(line);
    if (line != end && *line != '#' && !StartsWithKind(line)) {
      const char *colon = line;
      while (colon < end && *colon != ':') colon++;
      Printf("ERROR: CgoSanitizer: %s:%d: '%s' is not a report kind "
             "(kind:pattern, kind one of",
             ShownText(file).c_str(), number,
             ShownText(line, colon - line).c_str());
      for (const char *kind : kSuppressionTypes) Printf(" %s", kind);
      Printf(")\n");
      Die();
    }
    if (!*end)
      break;
    line = end + 1;
  }
}

void InitializeSuppressionsFromText(const char *text, const char *file) {
  CheckKinds(text, file);
  NewContext();
  context->Parse(text);
}

static bool MatchAndCount(const char *str, const char *type,
                          const char **pattern) {
  Suppression *s = nullptr;
  if (!str || !*str || !context->Match(str, type, &s))
    return false;
  atomic_fetch_add(&s->hit_count, 1, memory_order_relaxed);
  if (pattern)
    *pattern = s->templ;
  VPrintf(2, "%s: report matched suppression '%s:%s'\n", SanitizerToolName,
          type, s->templ);
  return true;
}

// sanitizer_common's template matching writes into the pattern while it
// matches (a NUL over a '*' or '$', put back after): one thread at a time,
// or another sees a cut pattern and matches wrongly.
static StaticSpinMutex match_mu;

bool IsSuppressed(const ReportDesc &r, const char **pattern) {
  if (!context || !context->SuppressionCount())
    return false;
  const char *type = ReportKindName(r.kind);
  if (!context->HasSuppressionType(type))
    return false;
  SpinMutexLock lock(&match_mu);
  if (MatchAndCount(r.callee, type, pattern))
    return true;
  // The frames the report shows, no others: a pattern must not match the
  // runtime's own frames, which users never see. The boundaries they do see
  // (cgosan_run, where the stack crossed) match by name, not by the runtime's
  // file or module, which every crossing stack has.
  Symbolizer *symbolizer = Symbolizer::GetOrInit();
  bool at_top = true;
  for (uptr i = 0; i < r.stack.size; i++) {
    uptr pc = SymbolizablePc(r.stack.pcs, i, !r.stack.return_addresses_only);
    SymbolizedStackHolder holder(symbolizer->SymbolizePC(pc));
    for (const SymbolizedStack *f = holder.get(); f; f = f->next) {
      if (IsHiddenFrame(f->info, at_top))
        continue;
      at_top = false;
      if (MatchAndCount(f->info.function, type, pattern))
        return true;
      if (!IsRuntimeFrame(f->info) && (MatchAndCount(f->info.file, type, pattern) ||
                                       MatchAndCount(f->info.module, type, pattern)))
        return true;
    }
  }
  return false;
}

void LockSuppressionsForFork() { match_mu.Lock(); }
void UnlockSuppressionsAfterFork(bool child) {
  ReleaseAfterFork(&match_mu, child);
}

void PrintMatchedSuppressions() {
  if (!context || !common_flags()->print_suppressions)
    return;
  InternalMmapVector<Suppression *> matched;
  context->GetMatched(&matched);
  if (matched.empty())
    return;
  Printf("%s: matched %zu suppression(s) (pid=%d):\n", SanitizerToolName,
         (usize)matched.size(), (int)internal_getpid());
  for (Suppression *s : matched)
    Printf("%zu %s:%s\n", (usize)atomic_load_relaxed(&s->hit_count), s->type,
           s->templ);
}

}  // namespace __cgosan
