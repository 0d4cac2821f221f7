// check_options_test.cpp — CGOSAN_OPTIONS for the pointer checks, through a
// child process (tests/unit/check_helper.cpp): cgocheck=0|1|2, suppressions
// (by callee, by frame, by file; unknown kinds and missing files), and that a
// suppressed report neither prints nor halts.
#include <stdio.h>
#include <unistd.h>

#include <fstream>

#include "test_util.h"

#ifndef CGOSAN_CHECK_HELPER
#error "CGOSAN_CHECK_HELPER must name the check helper executable"
#endif

namespace cgotest {
namespace {

ChildResult RunHelper(const std::string &options) {
  return RunChild({CGOSAN_CHECK_HELPER}, options.c_str());
}

const char kArgKind[] = "ERROR: CgoSanitizer: unpinned-pointer-in-argument";
const char kResultKind[] = "ERROR: CgoSanitizer: unpinned-pointer-in-result";
const char kStoreKind[] = "ERROR: CgoSanitizer: unpinned-pointer-store";

TEST(CheckOptions, CgocheckZeroIsSilent) {
  ChildResult r = RunHelper("cgocheck=0");
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("done reports=0 suppressed=0"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, CgocheckOneIsTheDefaultAndHalts) {
  ChildResult r = RunHelper("");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 1u) << r.output;
  EXPECT_NE(r.output.find("argument 2 of sqlite3_bind_blob"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("done"), std::string::npos) << r.output;
}

TEST(CheckOptions, CgocheckOneChecksArgumentsAndResults) {
  ChildResult r = RunHelper("cgocheck=1:halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, kArgKind), 2u) << r.output;
  EXPECT_EQ(Count(r.output, kResultKind), 1u) << r.output;
  EXPECT_EQ(Count(r.output, kStoreKind), 0u) << r.output;
  EXPECT_NE(r.output.find("done reports=3 suppressed=0"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, CgocheckTwoAddsStores) {
  ChildResult r = RunHelper("cgocheck=2:halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, kStoreKind), 1u) << r.output;
  EXPECT_NE(r.output.find("in StoreIntoForeign()"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("done reports=4 suppressed=0"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, CgocheckOutOfRange) {
  for (const char *bad : {"cgocheck=3", "cgocheck=-1"}) {
    ChildResult r = RunHelper(bad);
    EXPECT_TRUE(r.exited && r.exit_code != 0) << r.output;
    EXPECT_NE(r.output.find("CGOSAN_OPTIONS: " + std::string(bad) +
                            " is out of range [0, 2]"),
              std::string::npos)
        << r.output;
  }
}

// Allocation stacks keep malloc_context_size frames (sanitizer_common's
// flag, as in ASan; default 16). The helper's first object is allocated at
// line 22, in PassArgument called from Body.
const char kAllocatedAtLine22[] = "check_helper.cpp:22:11\n";

TEST(CheckOptions, AllocationStacksKeepTheirFramesByDefault) {
  ChildResult r = RunHelper("");
  EXPECT_NE(r.output.find(std::string(kAllocatedAtLine22) + "    #1 0x"),
            std::string::npos)
      << r.output;
}

TEST(CheckOptions, MallocContextSizeOneKeepsTheCallSiteOnly) {
  // 0 is read as 1, as sanitizer_common's parser does for every tool.
  for (const char *options : {"malloc_context_size=1", "malloc_context_size=0"}) {
    ChildResult r = RunHelper(options);
    EXPECT_EQ(Count(r.output, "was allocated at:\n    #0 0x"), 2u) << r.output;
    EXPECT_NE(r.output.find(std::string(kAllocatedAtLine22) + "  0x"),
              std::string::npos)
        << options << "\n" << r.output;
    EXPECT_EQ(r.output.find(std::string(kAllocatedAtLine22) + "    #1"),
              std::string::npos)
        << options << "\n" << r.output;
  }
}

TEST(CheckOptions, SuppressOneCalleeNotAnother) {
  SuppressionsFile supp(
      "# sqlite keeps no pointers past the call\n"
      "unpinned-pointer-in-argument:sqlite3_bind_*\n");
  ChildResult r =
      RunHelper("halt_on_error=0:suppressions=" + supp.path());
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(r.output.find("of sqlite3_bind_blob"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("argument 2 of other_fn"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("done reports=2 suppressed=1"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, SuppressedReportsDoNotHalt) {
  // halt_on_error=1 (the default): the suppressed first report goes by, the
  // next one halts.
  SuppressionsFile supp("unpinned-pointer-in-argument:sqlite3_bind_blob\n");
  ChildResult r = RunHelper("suppressions=" + supp.path());
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 1u) << r.output;
  EXPECT_NE(r.output.find("argument 2 of other_fn"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, SuppressByFrameFileAndKind) {
  // Every report matched: by callee, by a frame's function (the store has no
  // callee), by source file; the process runs to the end and exits 0.
  SuppressionsFile supp(
      "unpinned-pointer-in-argument:check_helper.cpp\n"
      "unpinned-pointer-in-result:make_row_cb\n"
      "unpinned-pointer-store:StoreIntoForeign\n");
  ChildResult r = RunHelper("cgocheck=2:suppressions=" + supp.path());
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("done reports=0 suppressed=4"), std::string::npos)
      << r.output;
  // At exit, as TSan does: what matched, how often (print_suppressions).
  EXPECT_NE(r.output.find("CgoSanitizer: matched 3 suppression(s) (pid="),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("2 unpinned-pointer-in-argument:check_helper.cpp\n"
                          "1 unpinned-pointer-in-result:make_row_cb\n"
                          "1 unpinned-pointer-store:StoreIntoForeign\n"),
            std::string::npos)
      << r.output;
  r = RunHelper("cgocheck=2:print_suppressions=0:suppressions=" + supp.path());
  EXPECT_EQ(r.output.find("matched"), std::string::npos) << r.output;
}

// The runtime's own frames are not shown, so they match no pattern. The
// boundary every report here shows (cgosan_run) matches by its name only:
// its file is the runtime's, in every stack that crossed.
TEST(CheckOptions, SuppressionsDoNotMatchTheRuntimesFrames) {
  SuppressionsFile supp(
      "unpinned-pointer-in-argument:check_arg.cpp\n"
      "unpinned-pointer-in-argument:__cgosan::*\n"
      "unpinned-pointer-in-argument:cgocall.cpp\n"
      "unpinned-pointer-store:*CgoCheck*\n");
  ChildResult r =
      RunHelper("cgocheck=2:halt_on_error=0:suppressions=" + supp.path());
  EXPECT_NE(r.output.find("done reports=4 suppressed=0"), std::string::npos)
      << r.output;
  SuppressionsFile by_name("unpinned-pointer-in-result:cgosan_run\n");
  r = RunHelper("cgocheck=2:halt_on_error=0:suppressions=" + by_name.path());
  EXPECT_NE(r.output.find("done reports=3 suppressed=1"), std::string::npos)
      << r.output;
}

TEST(CheckOptions, SuppressionOfAnotherKindDoesNotMatch) {
  SuppressionsFile supp("unpinned-pointer-in-result:sqlite3_bind_blob\n");
  ChildResult r =
      RunHelper("halt_on_error=0:suppressions=" + supp.path());
  EXPECT_NE(r.output.find("argument 2 of sqlite3_bind_blob"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("suppressed=0"), std::string::npos) << r.output;
}

// Bad suppressions end the process before user code runs, in one line that
// names the line (sanitizer_common's own message lists every kind in
// fourteen lines and names none).
TEST(CheckOptions, BadSuppressions) {
  const std::string kinds =
      "(kind:pattern, kind one of unpinned-pointer-in-argument "
      "unpinned-pointer-in-result unpinned-pointer-store retained-pointer "
      "data-race invalid-handle pinner-leak bad-callback unwind-across-boundary "
      "stack-overflow api-misuse out-of-memory)\n";
  SuppressionsFile supp("unpinned-pointer:foo\n");
  ChildResult r = RunHelper("suppressions=" + supp.path());
  EXPECT_TRUE(r.exited && r.exit_code == 1) << r.output;
  EXPECT_EQ(r.output, "ERROR: CgoSanitizer: " + supp.path() +
                          ":1: 'unpinned-pointer' is not a report kind " + kinds);
  SuppressionsFile later("# known ones first\n\n  data-race:foo\t\n"
                         "api-misuse:*\nbogus\n");
  r = RunHelper("suppressions=" + later.path());
  EXPECT_TRUE(r.exited && r.exit_code == 1) << r.output;
  EXPECT_EQ(r.output, "ERROR: CgoSanitizer: " + later.path() +
                          ":5: 'bogus' is not a report kind " + kinds);
  r = RunHelper("suppressions=/nonexistent/cgosan.supp");
  EXPECT_TRUE(r.exited && r.exit_code == 1) << r.output;
  EXPECT_EQ(r.output, "ERROR: CgoSanitizer: cannot read the suppressions file "
                      "'/nonexistent/cgosan.supp'\n");
}

}  // namespace
}  // namespace cgotest
