// report_test.cpp — reports are data: a ReportDesc built by hand renders to
// exactly the text of the design's "Report format", line by line.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

#include "report.h"
#include "suppressions.h"
#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

// The functions that capture stacks live outside any namespace (and outside
// cgotest: frames named cgosan_* are the runtime's and are not shown).
#define NOINLINE __attribute__((noinline))

static volatile int report_sink;

// clang-format off
constexpr int kCaptureLine = __LINE__; NOINLINE static void CaptureHere(void *stack) { __cgosan::CaptureStack(static_cast<__cgosan::ReportStack *>(stack)); report_sink = 1; }
// clang-format on

NOINLINE static void CaptureInCallback(void *stack) { CaptureHere(stack); report_sink = 2; }
NOINLINE static void ForeignCallsBack(void *stack) {
  cgosan_cgocallback(CaptureInCallback, stack);
  report_sink = 3;
}
NOINLINE static void ManagedCallsForeign(void *stack) {
  report_sink = cgosan_cgocall(ForeignCallsBack, stack);
}
NOINLINE static void RunManaged(void *stack) {
  report_sink = cgosan_run(ManagedCallsForeign, stack);
}

namespace cgotest {
namespace {

using __cgosan::ReportDesc;
using __cgosan::ReportKind;

std::vector<std::string> Lines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Renders with colours off (a terminal would otherwise add escapes).
std::string Render(const ReportDesc &r) {
  __sanitizer::CommonFlags saved, cf;
  saved.CopyFrom(*__sanitizer::common_flags());
  cf.CopyFrom(saved);
  cf.color = "never";
  __sanitizer::OverrideCommonFlags(cf);
  __sanitizer::InternalScopedString out;
  __cgosan::RenderReport(r, &out);
  __sanitizer::OverrideCommonFlags(saved);
  return std::string(out.data(), out.length());
}

std::string Header(const char *kind) {
  return "==" + std::to_string(getpid()) + "==ERROR: CgoSanitizer: " + kind;
}

std::string Hex(uintptr_t pc) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%012zx", static_cast<size_t>(pc));
  return buf;
}

// "    #<n> 0x<pc> in <function> <location>" -> function
std::string FrameFunction(const std::string &line) {
  size_t in = line.find(" in ");
  if (in == std::string::npos)
    return "";
  size_t start = in + 4;
  // The location is the last field; function names may contain spaces.
  size_t last_space = line.rfind(' ');
  return last_space > start ? line.substr(start, last_space - start)
                            : line.substr(start);
}

TEST(RenderReport, ExactTextLineByLine) {
  ReportDesc r = {};
  r.kind = __cgosan::kPinnerLeak;
  __cgosan::SetMessage(&r, "pinner %p was freed with %d objects still pinned",
                       reinterpret_cast<void *>(0x1234), 3);
  CaptureHere(&r.stack);
  __cgosan::AddNote(&r, "  first note: %s\n", "pinned here");
  __cgosan::AddNote(&r, "  second note: %zu bytes\n", static_cast<size_t>(48));
  ASSERT_GE(r.stack.size, 2u);

  const std::vector<std::string> lines = Lines(Render(r));
  ASSERT_GE(lines.size(), 6u);
  // 1. header, 2. message.
  EXPECT_EQ(lines[0], Header("pinner-leak"));
  EXPECT_EQ(lines[1], "pinner 0x000000001234 was freed with 3 objects still pinned");
  // 3. frame #0: the capturing function, at the call of CaptureStack; the
  //    runtime's own frame (CaptureStack) is not shown. The address shown is
  //    the call instruction (return address - 1).
  const std::string frame0_prefix = "    #0 " + Hex(r.stack.pcs[1] - 1) +
                                    " in CaptureHere(void*) " + __FILE__ + ":" +
                                    std::to_string(kCaptureLine) + ":";
  ASSERT_EQ(lines[2].compare(0, frame0_prefix.size(), frame0_prefix), 0)
      << lines[2] << "\nexpected prefix\n" << frame0_prefix;
  const std::string column = lines[2].substr(frame0_prefix.size());
  EXPECT_TRUE(std::regex_match(column, std::regex("[0-9]+"))) << lines[2];
  // Then the callers: numbered on, each "    #n 0x<12+ hex> in ...".
  size_t i = 3;
  for (int n = 1; i < lines.size() && lines[i].rfind("    #", 0) == 0; i++, n++) {
    EXPECT_TRUE(std::regex_match(
        lines[i], std::regex("    #" + std::to_string(n) + " 0x[0-9a-f]{12,} .*")))
        << lines[i];
    EXPECT_EQ(lines[i].find("__cgosan::"), std::string::npos) << lines[i];
  }
  // The test body called CaptureHere: frame #1.
  EXPECT_NE(lines[3].find("RenderReport_ExactTextLineByLine_Test::TestBody()"),
            std::string::npos)
      << lines[3];
  // 4. the notes, as given; 5. SUMMARY at frame #0's location.
  ASSERT_EQ(lines.size(), i + 3) << "notes and SUMMARY end the report";
  EXPECT_EQ(lines[i], "  first note: pinned here");
  EXPECT_EQ(lines[i + 1], "  second note: 48 bytes");
  EXPECT_EQ(lines[i + 2], "SUMMARY: CgoSanitizer: pinner-leak " +
                              std::string(__FILE__) + ":" +
                              std::to_string(kCaptureLine) + ":" + column +
                              " in CaptureHere(void*)");
}

TEST(RenderReport, StackCrossesEverySwitch) {
  ReportDesc r = {};
  r.kind = __cgosan::kDataRace;
  __cgosan::SetMessage(&r, "%s", "across the boundary");
  RunManaged(&r.stack);
  const std::vector<std::string> lines = Lines(Render(r));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], Header("data-race"));
  EXPECT_EQ(lines[1], "across the boundary");
  std::vector<std::string> functions;
  for (size_t i = 2; i < lines.size() && lines[i].rfind("    #", 0) == 0; i++)
    functions.push_back(FrameFunction(lines[i]));
  // The callback, the foreign frames that called back, the managed frames that
  // made the call, the frames that started the G: the public entry points stay
  // where the stack crossed, the runtime's internals and the switch do not.
  const std::vector<std::string> expected = {
      "CaptureHere(void*)",
      "CaptureInCallback(void*)",
      "cgosan_cgocallback",
      "ForeignCallsBack(void*)",
      "cgosan_cgocall",
      "ManagedCallsForeign(void*)",
      "cgosan_run",
      "RunManaged(void*)",
  };
  ASSERT_GT(functions.size(), expected.size()) << testing::PrintToString(lines);
  for (size_t i = 0; i < expected.size(); i++)
    EXPECT_EQ(functions[i], expected[i]) << "frame #" << i << "\n"
                                         << testing::PrintToString(lines);
  const bool test_body_below =
      functions[expected.size()].find(
          "RenderReport_StackCrossesEverySwitch_Test::TestBody()") !=
      std::string::npos;
  EXPECT_TRUE(test_body_below) << testing::PrintToString(lines);
  EXPECT_EQ(lines.back().rfind("SUMMARY: CgoSanitizer: data-race ", 0), 0u);
  EXPECT_NE(lines.back().find(" in CaptureHere(void*)"), std::string::npos);
}

TEST(RenderReport, EmptyStack) {
  ReportDesc r = {};
  r.kind = __cgosan::kInvalidHandle;
  __cgosan::SetMessage(&r, "handle %d is not live", 7);
  const std::vector<std::string> lines = Lines(Render(r));
  ASSERT_EQ(lines.size(), 4u) << testing::PrintToString(lines);
  EXPECT_EQ(lines[0], Header("invalid-handle"));
  EXPECT_EQ(lines[1], "handle 7 is not live");
  EXPECT_EQ(lines[2], "    <empty stack>");
  EXPECT_EQ(lines[3].rfind("SUMMARY: CgoSanitizer: invalid-handle", 0), 0u);
}

TEST(RenderReport, LongMessageIsTruncatedToOneLine) {
  ReportDesc r = {};
  r.kind = __cgosan::kApiMisuse;
  std::string longer(2000, 'x');
  __cgosan::SetMessage(&r, "%s", longer.c_str());
  const std::vector<std::string> lines = Lines(Render(r));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1], std::string(sizeof(r.message) - 1, 'x'));
}

// SARIF: strings are JSON-escaped (quotes, backslashes, control characters;
// bytes that are not UTF-8 become U+FFFD, UTF-8 stays); a stack of no frames
// gives no location; a suppressed report names its suppression.
TEST(RenderSarifResult, EscapesStringsAndKeepsEmptyStacks) {
  ReportDesc r = {};
  r.kind = __cgosan::kInvalidHandle;
  __cgosan::SetMessage(&r, "q\" b\\ t\t bad\xff\xc3 ok\xc3\xa9");
  __cgosan::AddNote(&r, "  note\n");
  __cgosan::AddExtraStack(&r, 0, "  deleted at:");
  __sanitizer::InternalScopedString out;
  __cgosan::RenderSarifResult(r, "handle_*", &out);
  const std::string json = out.data();
  EXPECT_EQ(json,
            "{\"ruleId\":\"invalid-handle\",\"ruleIndex\":5,\"level\":\"error\","
            "\"message\":{\"text\":\"q\\\" b\\\\ t\\u0009 bad\\ufffd\\ufffd "
            "ok\xc3\xa9\\n  note\"},"
            "\"stacks\":[{\"message\":{\"text\":\"stack of the report\"},"
            "\"frames\":[]},{\"message\":{\"text\":\"deleted at\"},"
            "\"frames\":[]}],"
            "\"suppressions\":[{\"kind\":\"external\",\"justification\":"
            "\"suppressions file: invalid-handle:handle_*\"}]}");
}

struct KindCase {
  ReportKind kind;
  const char *name;
};
// Failure messages name the case, not its bytes.
void PrintTo(const KindCase &c, std::ostream *os) { *os << c.name; }

class ReportKinds : public testing::TestWithParam<KindCase> {};

TEST_P(ReportKinds, FixedNames) {
  EXPECT_STREQ(__cgosan::ReportKindName(GetParam().kind), GetParam().name);
  ReportDesc r = {};
  r.kind = GetParam().kind;
  EXPECT_EQ(Lines(Render(r))[0], Header(GetParam().name));
}

INSTANTIATE_TEST_SUITE_P(
    Design, ReportKinds,
    testing::Values(
        KindCase{__cgosan::kUnpinnedPointerInArgument, "unpinned-pointer-in-argument"},
        KindCase{__cgosan::kUnpinnedPointerInResult, "unpinned-pointer-in-result"},
        KindCase{__cgosan::kUnpinnedPointerStore, "unpinned-pointer-store"},
        KindCase{__cgosan::kRetainedPointer, "retained-pointer"},
        KindCase{__cgosan::kDataRace, "data-race"},
        KindCase{__cgosan::kInvalidHandle, "invalid-handle"},
        KindCase{__cgosan::kPinnerLeak, "pinner-leak"},
        KindCase{__cgosan::kBadCallback, "bad-callback"},
        KindCase{__cgosan::kUnwindAcrossBoundary, "unwind-across-boundary"},
        KindCase{__cgosan::kStackOverflow, "stack-overflow"},
        KindCase{__cgosan::kApiMisuse, "api-misuse"}),
    [](const testing::TestParamInfo<KindCase> &info) {
      std::string n;
      for (const char *p = info.param.name; *p; p++)
        if (*p != '-')
          n += *p;
      return n;
    });

// The cache of walked stacks answers with the id of exactly the stack asked
// for: stacks that share the two innermost frames (the same entry) get their
// own ids, one evicting the other, and a stack too deep to cache still gets
// the depot's id.
// sanitizer_common's template matching writes into the pattern as it goes
// (a NUL over the '*' for a moment): threads judging reports at once must
// each see the whole pattern. Two threads ask about a callee the pattern
// covers, one about a callee it does not, in tight loops.
TEST(Suppressions, ThreadsMatchAtOnceWithTheWholePattern) {
  SuppressionsFile supp("unpinned-pointer-in-argument:alpha*_fn\n");
  const char *saved = __cgosan::cgosan_flags_dont_use.suppressions;
  __cgosan::cgosan_flags_dont_use.suppressions = supp.path().c_str();
  __cgosan::InitializeSuppressions();
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0};
  auto judge = [&](const char *callee, bool covered, int rounds) {
    __cgosan::ReportDesc r = {};
    r.kind = __cgosan::kUnpinnedPointerInArgument;
    r.callee = callee;
    for (int i = 0; rounds ? i < rounds : !stop.load(std::memory_order_relaxed); i++)
      wrong += __cgosan::IsSuppressed(r) != covered;
  };
  std::thread covered1([&] { judge("alpha_x_fn", true, 0); });
  std::thread covered2([&] { judge("alpha_y_fn", true, 0); });
  judge("alpha_other", false, 200000);
  stop = true;
  covered1.join();
  covered2.join();
  __cgosan::cgosan_flags_dont_use.suppressions = saved;
  __cgosan::InitializeSuppressions();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(StackIdCache, EveryLookupReturnsItsOwnStacksId) {
  static __cgosan::StackIdCache cache;  // 16 KiB: not on the test's stack
  const __cgosan::uptr a[] = {0x401000, 0x402000, 0x403000};
  const __cgosan::uptr b[] = {0x401000, 0x402000, 0x404000};
  auto depot_id = [](const __cgosan::uptr *pcs, __cgosan::uptr n) {
    return __sanitizer::StackDepotPut(__sanitizer::StackTrace(pcs, n));
  };
  for (int round = 0; round < 2; round++) {
    EXPECT_EQ(__cgosan::CachedStackId(a, 3, &cache), depot_id(a, 3));
    EXPECT_EQ(__cgosan::CachedStackId(b, 3, &cache), depot_id(b, 3));
    EXPECT_EQ(__cgosan::CachedStackId(b, 2, &cache), depot_id(b, 2));
  }
  EXPECT_NE(depot_id(a, 3), depot_id(b, 3));
  __cgosan::uptr deep[__cgosan::StackIdCache::kMaxFrames + 8];
  for (__cgosan::uptr i = 0; i < sizeof(deep) / sizeof(deep[0]); i++)
    deep[i] = 0x500000 + i * 16;
  EXPECT_EQ(__cgosan::CachedStackId(deep, sizeof(deep) / sizeof(deep[0]), &cache),
            depot_id(deep, sizeof(deep) / sizeof(deep[0])));
}

}  // namespace
}  // namespace cgotest
