// options_fuzz.cpp — CGOSAN_OPTIONS: cgosan's name check, sanitizer_common's
// FlagParser and cgosan's validation, on any text.
//
// An input is the variable's value. The runtime either rejects it (Die()
// after its one-line message: fine) or takes it, and then every flag it took
// must be one the runtime can work with: the checks below are the promises
// of flags.cpp's ValidateFlags. Values naming files (include=,
// suppressions=) are skipped: they would read whatever file the fuzzer
// names, and the suppressions parser has a target of its own.
#include <string.h>

#include <string>

#include "fuzz_support.h"
#include "rtl.h"
#include "sanitizer_common/sanitizer_flags.h"

using namespace __cgosan;

static void Parse(void *options) {
  InitializeFlagsFrom(static_cast<const char *>(options));
}

static bool OneOf(const char *s, const char *a, const char *b,
                  const char *c = nullptr) {
  return s && (!strcmp(s, a) || !strcmp(s, b) || (c && !strcmp(s, c)));
}

static void CheckTaken() {
  const Flags *f = flags();
  CHECK_GE(f->stack_size, 16 << 10);
  CHECK_LE(f->stack_size, 1ull << 30);
  CHECK_EQ(f->stack_size % GetPageSizeCached(), 0);
  CHECK_GE(f->gc_percent, 0);
  CHECK_GE(f->cgocheck, 0);
  CHECK_LE(f->cgocheck, 2);
  CHECK_GE(f->gc_release_after, 0);
  CHECK_GE(f->gc_at_return, 0);
  CHECK(OneOf(f->race, "off", "go", "precise"));
  CHECK(OneOf(f->log_format, "text", "sarif"));
  CHECK(OneOf(f->retention, "off", "annotations"));
  CHECK_GE(common_flags()->exitcode, 0);
  CHECK_LE(common_flags()->exitcode, 255);
  CHECK_GE(common_flags()->malloc_context_size, 1);
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  cgosan_fuzz::Initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string options(reinterpret_cast<const char *>(data), size);
  options.resize(strlen(options.c_str()));  // the environment has no NULs
  if (options.find("include") != std::string::npos ||
      options.find("suppressions") != std::string::npos)
    return -1;  // not added to the corpus
  if (cgosan_fuzz::RunRejectable(Parse, &options[0]))
    CheckTaken();
  return 0;
}
