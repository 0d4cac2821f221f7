// flags.cpp — CGOSAN_OPTIONS, parsed with sanitizer_common's FlagParser.
#include "heap.h"
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
// treats it as the error it is. The known names are both flag lists.
static bool IsKnownFlag(const char *name, uptr len) {
  static const char *const kNames[] = {
#define COMMON_FLAG(Type, Name, DefaultValue, Description) #Name,
#include "sanitizer_common/sanitizer_flags.inc"
#undef COMMON_FLAG
#define CGOSAN_FLAG(Type, Name, DefaultValue, Description) #Name,
#include "flags.inc"
#undef CGOSAN_FLAG
      // FlagParser's own: more options from a file (help=1 lists them).
      "include", "include_if_exists",
  };
  for (const char *known : kNames)
    if (internal_strlen(known) == len && !internal_strncmp(known, name, len))
      return true;
  return false;
}

static bool IsSeparator(char c) {
  return c == ':' || c == ',' || c == ' ' || c == '\t' || c == '\n' ||
         c == '\r';
}

// Walks "a=1:b='x y'" the way FlagParser does and dies on the first unknown name.
static void CheckFlagNames(const char *env_name, const char *s) {
  if (!s)
    return;
  while (*s) {
    while (IsSeparator(*s)) s++;
    if (!*s)
      break;
    const char *name = s;
    while (*s && *s != '=' && !IsSeparator(*s)) s++;
    uptr len = s - name;
    if (!IsKnownFlag(name, len)) {
      Printf("ERROR: CgoSanitizer: %s: unknown flag '%.*s' (help=1 lists "
             "the flags)\n",
             env_name, (int)len, name);
      Die();
    }
    if (*s != '=')
      continue;  // FlagParser reports the missing value itself
    s++;
    if (*s == '\'' || *s == '"') {
      char quote = *s++;
      while (*s && *s != quote) s++;
      if (*s)
        s++;
    } else {
      while (*s && !IsSeparator(*s)) s++;
    }
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

// retention=: the modes the runtime has. guard is the contract's name for
// what is still to come: refused by name, so a CI job that asks for it
// learns it gets nothing, instead of a silent pass.
static void CheckRetentionMode(const char *mode) {
  mode = mode ? mode : "";
  if (!internal_strcmp(mode, "off") || !internal_strcmp(mode, "annotations") ||
      !internal_strcmp(mode, "full"))
    return;
  if (!internal_strcmp(mode, "guard"))
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: retention=%s is not "
           "implemented yet (use off, annotations or full)\n",
           mode);
  else
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: retention=%s is not one of "
           "off, annotations, guard, full\n",
           mode);
  Die();
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
  const char *race = f->race ? f->race : "";
  if (internal_strcmp(race, "off") && internal_strcmp(race, "go") &&
      internal_strcmp(race, "precise")) {
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: race=%s is not one of off, "
           "go, precise\n",
           race);
    Die();
  }
  const char *log_format = f->log_format ? f->log_format : "";
  if (internal_strcmp(log_format, "text") && internal_strcmp(log_format, "sarif")) {
    Printf("ERROR: CgoSanitizer: CGOSAN_OPTIONS: log_format=%s is not one of "
           "text, sarif\n",
           log_format);
    Die();
  }
  CheckRange("gc_at_return", f->gc_at_return, 0, kMaxGcAtReturn);
  CheckRetentionMode(f->retention);
  // The suppressions file is part of the options: read it now, so a missing
  // file or a bad line ends the process before user code runs.
  InitializeSuppressions();
}

// The common flags are parsed into a copy: FlagParser reads a
// malloc_context_size under 1 as 1 in the global set, and only the copy
// still shows a negative one, an error here (0 is read as 1, as in every
// sanitizer).
void InitializeFlags() {
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
  CheckFlagNames("CGOSAN_OPTIONS", GetEnv("CGOSAN_OPTIONS"));
  parser.ParseStringFromEnv("CGOSAN_OPTIONS");
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
