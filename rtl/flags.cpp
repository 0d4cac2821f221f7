// flags.cpp — CGOSAN_OPTIONS, parsed with sanitizer_common's FlagParser.
#include "heap/heap.h"
#include "report.h"
#include "rtl.h"
#include "suppressions.h"

#include "sanitizer_common/sanitizer_flag_parser.h"
#include "sanitizer_common/sanitizer_flags.h"

#ifndef CGOSAN_DEFAULT_SYMBOLIZER
#define CGOSAN_DEFAULT_SYMBOLIZER ""
#endif

namespace __cgosan {

Flags cgosan_flags_dont_use;

static constexpr uptr kMinStackSize = 16 << 10;
static constexpr uptr kMaxStackSize = 1ull << 30;
static constexpr int kMaxGcPercent = 1000000;
static constexpr int kMaxReleaseAfter = 1000;
static constexpr int kBadOptionsExitCode = 1;
static constexpr int kMaxGcAtReturn = 1000000;
static constexpr int kMaxRetentionSampleRate = 1 << 30;
static constexpr int kMaxRetentionQuarantineKb = 16 << 20;  // 16 GiB

static void SetDefaults(Flags *f) {
#define CGOSAN_FLAG(Type, Name, DefaultValue, Description) f->Name = DefaultValue;
#include "flags.inc"
#undef CGOSAN_FLAG
}

static void RegisterFlags(FlagParser *parser, Flags *f) {
#define CGOSAN_FLAG(Type, Name, DefaultValue, Description) \
  RegisterFlag(parser, #Name, Description, &f->Name);
#include "flags.inc"
#undef CGOSAN_FLAG
}

// sanitizer_common only warns about a flag it does not know, and only with
// verbosity. A misspelt flag silently leaves a check at its default, so cgosan
// treats it as the error it is. And a value FlagParser cannot read gets two
// lines from it, neither naming the flag; cgosan checks values first, by the
// flag's type, with FlagParser's own rules, to say it in one line.
enum FlagValueKind { kAnyText, kBoolean, kInteger, kSignalMode };
static constexpr FlagValueKind KindOf(const char **) { return kAnyText; }
static constexpr FlagValueKind KindOf(bool *) { return kBoolean; }
static constexpr FlagValueKind KindOf(int *) { return kInteger; }
static constexpr FlagValueKind KindOf(uptr *) { return kInteger; }
static constexpr FlagValueKind KindOf(HandleSignalMode *) { return kSignalMode; }
static const char *const kValueKindNames[] = {
    "text", "a boolean (0, 1, no, yes, false, true)", "an integer",
    "one of 0, 1, 2, no, yes, false, true, exclusive"};

struct KnownFlag {
  const char *name;
  FlagValueKind kind;
};

// The known flags: both flag lists.
static const KnownFlag *FindFlag(const char *name, uptr len) {
  static const KnownFlag kFlags[] = {
#define COMMON_FLAG(Type, Name, DefaultValue, Description) \
  {#Name, KindOf(static_cast<Type *>(nullptr))},
#include "sanitizer_common/sanitizer_flags.inc"
#undef COMMON_FLAG
#define CGOSAN_FLAG(Type, Name, DefaultValue, Description) \
  {#Name, KindOf(static_cast<Type *>(nullptr))},
#include "flags.inc"
#undef CGOSAN_FLAG
      // FlagParser's own: more options from a file (help=1 lists them).
      {"include", kAnyText},
      {"include_if_exists", kAnyText},
  };
  for (const KnownFlag &known : kFlags)
    if (internal_strlen(known.name) == len &&
        !internal_strncmp(known.name, name, len))
      return &known;
  return nullptr;
}

// True when FlagParser reads value as a value of the kind (its FlagHandler
// rules). A value longer than any boolean or integer is neither.
static bool ValueFits(FlagValueKind kind, const char *value, uptr len) {
  if (kind == kAnyText)
    return true;
  char text[32];
  if (len >= sizeof(text))
    return false;
  internal_memcpy(text, value, len);
  text[len] = 0;
  bool b;
  const char *end;
  switch (kind) {
    case kBoolean:
      return ParseBool(text, &b);
    case kSignalMode:
      return ParseBool(text, &b) || !internal_strcmp(text, "2") ||
             !internal_strcmp(text, "exclusive");
    default:
      internal_simple_strtoll(text, &end, 10);
      return *end == 0;
  }
}

static bool IsSeparator(char c) {
  return c == ':' || c == ',' || c == ' ' || c == '\t' || c == '\n' ||
         c == '\r';
}

// Walks "a=1:b='x y'" the way FlagParser does and dies on the first unknown
// name or unreadable value.
static void CheckFlags(const char *env_name, const char *s) {
  if (!s)
    return;
  while (*s) {
    while (IsSeparator(*s)) s++;
    if (!*s)
      break;
    const char *name = s;
    while (*s && *s != '=' && !IsSeparator(*s)) s++;
    uptr len = s - name;
    const KnownFlag *flag = FindFlag(name, len);
    if (!flag) {
      Printf("ERROR: CgoSanitizer: %s: unknown flag '%s' (help=1 lists "
             "the flags)\n",
             env_name, ShownText(name, len).c_str());
      Die();
    }
    if (*s != '=')
      continue;  // FlagParser reports the missing value itself
    s++;
    char quote = *s == '\'' || *s == '"' ? *s++ : 0;
    const char *value = s;
    while (*s && (quote ? *s != quote : !IsSeparator(*s))) s++;
    if (quote && !*s)
      continue;  // FlagParser reports the unterminated string itself
    if (!ValueFits(flag->kind, value, s - value)) {
      Printf("ERROR: CgoSanitizer: %s: %s=%s is not %s\n", env_name,
             flag->name, ShownText(value, s - value).c_str(),
             kValueKindNames[flag->kind]);
      Die();
    }
    if (quote)
      s++;
  }
}

// A flag value the runtime cannot work with ends the process with a message,
// before any user code runs under it.
static void CheckRange(const char *name, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: %s=%d is out of range [%d, %d]\n",
           name, value, lo, hi);
    Die();
  }
}

// name=value must be one of choices (null-terminated), which the message lists.
static void CheckOneOf(const char *name, const char *value,
                       const char *const *choices) {
  value = value ? value : "";
  for (const char *const *c = choices; *c; c++)
    if (!internal_strcmp(value, *c))
      return;
  Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: %s=%s is not one of", name,
         ShownText(value).c_str());
  for (const char *const *c = choices; *c; c++)
    Printf("%s %s", c == choices ? "" : ",", *c);
  Printf("\n");
  Die();
}

RetentionMode retention_mode;

// retention=: one of the modes, kept as an enum (RetentionMode's order).
static void ParseRetentionMode(const char *mode) {
  static const char *const kModes[] = {"off", "annotations", "guard", "full",
                                       nullptr};
  CheckOneOf("retention", mode, kModes);
  for (u8 i = 0; kModes[i]; i++)
    if (!internal_strcmp(mode, kModes[i]))
      retention_mode = static_cast<RetentionMode>(i);
}

static void ValidateFlags(Flags *f, int exitcode) {
  if (f->stack_size < kMinStackSize || f->stack_size > kMaxStackSize) {
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: stack_size=%zu is out of "
           "range [%zu, %zu]\n",
           (usize)f->stack_size, (usize)kMinStackSize, (usize)kMaxStackSize);
    Die();
  }
  f->stack_size = RoundUpTo(f->stack_size, GetPageSizeCached());
  CheckRange("gc_percent", f->gc_percent, 0, kMaxGcPercent);
  CheckRange("cgocheck", f->cgocheck, 0, 2);
  CheckRange("gc_release_after", f->gc_release_after, 0, kMaxReleaseAfter);
  CheckRange("exitcode", exitcode, 0, 255);
  static const char *const kRaceModes[] = {"off", "go", "precise", nullptr};
  CheckOneOf("race", f->race, kRaceModes);
  static const char *const kLogFormats[] = {"text", "sarif", nullptr};
  CheckOneOf("log_format", f->log_format, kLogFormats);
  CheckRange("gc_at_return", f->gc_at_return, 0, kMaxGcAtReturn);
  ParseRetentionMode(f->retention);
  CheckRange("retention_sample_rate", f->retention_sample_rate, 1,
             kMaxRetentionSampleRate);
  CheckRange("retention_quarantine_kb", f->retention_quarantine_kb, 0,
             kMaxRetentionQuarantineKb);
  // The suppressions file is part of the options: read it now, so a missing
  // file or a bad line ends the process before user code runs.
  InitializeSuppressions();
}

void InitializeFlags() {
  InitializeFlagsFrom(GetEnv("CGOSAN_OPTIONS"));
}

// The common flags are parsed into a copy: FlagParser reads a
// malloc_context_size under 1 as 1 in the global set, and only the copy
// still shows a negative one, an error here (0 is read as 1, as in every
// sanitizer).
void InitializeFlagsFrom(const char *options) {
  SetCommonFlagsDefaults();
  CommonFlags cf;
  cf.CopyFrom(*common_flags());
  cf.exitcode = 66;
  cf.malloc_context_size = kMaxAllocFrames;
  cf.external_symbolizer_path = CGOSAN_DEFAULT_SYMBOLIZER;
  Flags *f = &cgosan_flags_dont_use;
  SetDefaults(f);

  FlagParser parser;
  RegisterCommonFlags(&parser, &cf);
  RegisterFlags(&parser, f);
  CheckFlags("CGOSAN_OPTIONS", options);
  parser.ParseString(options, "CGOSAN_OPTIONS");
  CheckRange("malloc_context_size", cf.malloc_context_size, 0, __INT_MAX__);
  cf.malloc_context_size = Max(cf.malloc_context_size, 1);
  // Until the options are known good, dying means "bad options" (status 1,
  // as for an unknown flag), not "a report" (exitcode, 66 by default).
  int exitcode = cf.exitcode;
  cf.exitcode = kBadOptionsExitCode;
  OverrideCommonFlags(cf);
  InitializeCommonFlags();
  cf.exitcode = exitcode;  // what help=1 shows, and what the run uses
  if (common_flags()->help) {
    parser.PrintFlagDescriptions();
  }
  ValidateFlags(f, exitcode);
  OverrideCommonFlags(cf);
}

}  // namespace __cgosan
