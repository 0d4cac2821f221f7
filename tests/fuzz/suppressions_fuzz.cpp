// suppressions_fuzz.cpp — a suppressions file (sanitizer_common's parser
// over cgosan's report kinds) and the match of a report against it.
//
// Input: the file's text, a NUL, the callee of a report, a NUL, then one
// byte choosing the report's kind. An unknown kind in the file is rejected
// (Die() after the message: fine); a file that parses is matched against the
// report, which has no stack (no symbolizer runs), so only the callee can
// match. A pattern that matches must be one of the file's.
#include <string.h>

#include <string>

#include "fuzz_support.h"
#include "rtl.h"
#include "suppressions.h"

using namespace __cgosan;

#define CGOSAN_COUNT_KIND(Enum, String) +1
static constexpr u32 kKinds = 0 CGOSAN_REPORT_KINDS(CGOSAN_COUNT_KIND);
#undef CGOSAN_COUNT_KIND

static void Parse(void *text) {
  InitializeSuppressionsFromText(static_cast<const char *>(text), "fuzz.supp");
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  cgosan_fuzz::Initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string input(reinterpret_cast<const char *>(data), size);
  std::string text = input.c_str();
  std::string rest = text.size() < input.size() ? input.substr(text.size() + 1)
                                                 : std::string();
  std::string callee = rest.c_str();
  uint8_t kind = callee.size() < rest.size() ? rest[callee.size() + 1] : 0;
  if (!cgosan_fuzz::RunRejectable(Parse, &text[0]))
    return 0;
  ReportDesc r = {};
  r.kind = static_cast<ReportKind>(kind % kKinds);
  r.callee = callee.c_str();
  const char *pattern = nullptr;
  if (IsSuppressed(r, &pattern))
    CHECK(pattern && strstr(text.c_str(), pattern));
  return 0;
}
