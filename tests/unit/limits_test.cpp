// limits_test.cpp — the runtime at its limits (issue 23, part 5): ten
// thousand threads crossing the boundary, more than the race checker's 256
// alive at once, a million live handles, a hundred thousand reports from
// one site, no file descriptor left, no address space left. Each case runs
// tests/unit/limits_helper.cpp as a child (RunChild kills it after 30 s, so
// a hang fails the test); the counts are the but for the reports
// (see there), and each case takes a second or two of CPU at most.
// CGOSAN_LIMITS_SCALE=K multiplies them for a long run.
#include <stdlib.h>

#include "test_util.h"

namespace cgotest {
namespace {

long Scaled(long n) {
  const char *scale = getenv("CGOSAN_LIMITS_SCALE");
  long k = scale ? atol(scale) : 1;
  return n * (k > 0 ? k : 1);
}

ChildResult RunLimitsHelper(const std::vector<std::string> &args,
                            const char *options) {
  std::vector<std::string> argv = {CGOSAN_LIMITS_HELPER};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, options);
}

bool Has(const ChildResult &r, const std::string &text) {
  return r.output.find(text) != std::string::npos;
}

// halt_on_error=0 and a bad call in a loop: the site's report is printed
// once, the repeats are counted and said at exit, and memory stays flat.
// 10^5 reports, not the 10^6: each one still captures its stack
// with libunwind before it is found to repeat (5 us of CPU), and 5 s is too
// long for a unit test on a shared machine; CGOSAN_LIMITS_SCALE=10 runs 10^6.
TEST(Limits, ReportsOfOneSitePrintOne) {
  long n = Scaled(100000);
  ChildResult r = RunLimitsHelper({"report-flood", std::to_string(n)},
                                  "halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output.substr(0, 4000);
  // The site's first report, and the other site's.
  EXPECT_EQ(Count(r.output, "ERROR: CgoSanitizer: api-misuse\n"), 2u)
      << r.output.substr(0, 4000);
  EXPECT_TRUE(Has(r, "in (anonymous namespace)::MisuseAtOneSite()")) << r.output;
  EXPECT_TRUE(Has(r, "in (anonymous namespace)::MisuseAtAnotherSite()"))
      << r.output;
  EXPECT_TRUE(Has(r, "CgoSanitizer: " + std::to_string(n - 1) +
                         " more report(s) repeated one already made (same "
                         "kind and stacks) and were not printed "
                         "(suppress_equal_pcs=0 prints them)\n"))
      << r.output;
  size_t at = r.output.find("rss_growth_kib=");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_LT(atol(r.output.c_str() + at + 15), 8192) << r.output;
}

TEST(Limits, SuppressEqualPcsOffPrintsEveryReport) {
  ChildResult r = RunLimitsHelper({"report-flood", "3"},
                                  "halt_on_error=0:suppress_equal_pcs=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR: CgoSanitizer: api-misuse\n"), 4u) << r.output;
  EXPECT_FALSE(Has(r, "repeated")) << r.output;
}

// 10,000 threads over the run, 300 alive at once (more than race=precise's
// 256 tids): every crossing lands, and the race checker says once that it
// leaves the threads past 256 unchecked, and reports nothing (every write
// is under one mutex).
TEST(Limits, TenThousandThreadsCallAndCallBack) {
  long n = Scaled(10000);
  ChildResult r = RunLimitsHelper({"threads", std::to_string(n), "300"},
                                  "race=precise");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r, "threads=" + std::to_string(n) +
                         " calls=" + std::to_string(n / 2) +
                         " callbacks=" + std::to_string(n) +
                         " word=" + std::to_string(n) + "\n"))
      << r.output;
  EXPECT_EQ(Count(r.output,
                  "WARNING: CgoSanitizer: more than 256 threads alive at once: "
                  "race=precise does not check the accesses of the threads "
                  "past them (README, \"Races across the boundary\")\n"),
            1u)
      << r.output;
  EXPECT_FALSE(Has(r, "ERROR")) << r.output;
}

// A token passed down a chain of `threads` threads by semaphores, each
// writing one word while it holds it: ordered, so no race is reported.
void ExpectRelayIsNoRace(int threads) {
  ChildResult r = RunLimitsHelper({"relay", std::to_string(threads)},
                                  "race=precise");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r, "hops=" + std::to_string(threads) + "\n")) << r.output;
  EXPECT_FALSE(Has(r, "data-race")) << r.output;
  EXPECT_EQ(Has(r, "WARNING: CgoSanitizer: more than 256 threads"),
            threads > 256)
      << r.output;
}

// Past 256 threads alive, every other hop is a thread the race checker does
// not track: what such a thread releases still orders everything before
// it. Without that, the tracked thread after an untracked one raced with
// the tracked one before it: a false data-race report.
TEST(Limits, AChainThroughUntrackedThreadsIsNoRace) { ExpectRelayIsNoRace(300); }

// The same chain with every hop tracked.
TEST(Limits, AChainOfTrackedThreadsIsNoRace) { ExpectRelayIsNoRace(100); }

TEST(Limits, AMillionLiveHandles) {
  long n = Scaled(1000000);
  ChildResult r = RunLimitsHelper({"handles", std::to_string(n)}, nullptr);
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r, "live=" + std::to_string(n) +
                         " intact=" + std::to_string(n) + "\ndeleted\ndone\n"))
      << r.output;
}

// With no file descriptor left, a G still runs and calls, and a report is
// printed whole: llvm-symbolizer cannot start (the frames are addresses) and
// libunwind cannot check addresses (the stack comes from frame pointers;
// it was cut to its first frame, a runtime one, before).
TEST(Limits, NoFileDescriptorLeft) {
  ChildResult r = RunLimitsHelper({"fds-exhausted"}, "halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_TRUE(Has(r, "(errno EMFILE)\nrun=0\n")) << r.output;
  size_t report = r.output.find("ERROR: CgoSanitizer: api-misuse\n"
                                "cgosan_run called with a NULL function\n");
  ASSERT_NE(report, std::string::npos) << r.output;
  // main and the frames below it are there, not only the capture's frame.
  EXPECT_NE(r.output.find("    #4 0x", report), std::string::npos) << r.output;
  EXPECT_TRUE(Has(r, "done\n")) << r.output;
}

// The runtime's metadata (here the handle table) cannot grow: sanitizer_common
// says which mapping failed and the process ends, with exitcode.
TEST(Limits, NoAddressSpaceForHandles) {
  ChildResult r = RunLimitsHelper({"handles-out-of-memory"}, nullptr);
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_TRUE(Has(r, "limited\n")) << r.output;
  EXPECT_TRUE(Has(r, "==ERROR: CgoSanitizer: out of memory: failed to allocate "))
      << r.output;
  EXPECT_TRUE(Has(r, " bytes of cgosan handles (error code: 12)\n")) << r.output;
  EXPECT_FALSE(Has(r, "never ran out")) << r.output;
}

// Under an address-space limit too low for the runtime's reservations, the
// process ends at start with one line saying what to change.
TEST(Limits, AddressSpaceLimitAtStart) {
  ChildResult r = RunLimitsHelper({"address-space-limit"}, nullptr);
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_EQ(r.output,
            "ERROR: CgoSanitizer: cannot reserve 131072 MiB of address space "
            "for the managed heap and the G stacks (errno 12): the runtime "
            "reserves about 128 GiB at start and uses memory only as it fills "
            "them; the address-space limit (ulimit -v) must allow that\n");
}

}  // namespace
}  // namespace cgotest
