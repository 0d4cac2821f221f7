// retention_guard_test.cpp — retention=guard through child processes: the
// retention watch's programs (retention_watch_helper.cpp) at
// retention_sample_rate=1, where every object is sampled, report the same
// foreign accesses as retention=full, word for word, and stay silent on the
// same legal programs; the sampler's own program (guarded_pool_helper.cpp)
// shows its rate, its preference for lending sites, and a full pool making
// ordinary objects.
#include <regex>

#include "retention_test_util.h"

#ifndef CGOSAN_RETENTION_WATCH_HELPER
#error "CGOSAN_RETENTION_WATCH_HELPER must name the retention helper executable"
#endif
#ifndef CGOSAN_GUARDED_POOL_HELPER
#error "CGOSAN_GUARDED_POOL_HELPER must name the guarded pool helper executable"
#endif

namespace cgotest {
namespace {

const char kGuardEveryObject[] = "retention=guard:retention_sample_rate=1";

ChildResult RunWatched(const char *mode, const std::string &options = "") {
  std::string all = kGuardEveryObject + (options.empty() ? "" : ":" + options);
  return RunChild({CGOSAN_RETENTION_WATCH_HELPER, mode}, all.c_str());
}

ChildResult RunSampler(const char *mode, const char *options) {
  return RunChild({CGOSAN_GUARDED_POOL_HELPER, mode}, options);
}

unsigned long long Field(const std::string &text, const char *name) {
  size_t at = text.find(name);
  return at == std::string::npos ? ~0ull : std::stoull(text.substr(at + strlen(name)));
}

// The report's text with what differs between two runs blanked: addresses,
// the pid, the thread id.
std::string Normalized(const std::string &text) {
  std::string out = std::regex_replace(text, std::regex("0x[0-9a-f]+"), "0x?");
  out = std::regex_replace(out, std::regex("==[0-9]+=="), "==?==");
  // When the lender returned, in milliseconds: the clock's, not the mode's.
  out = std::regex_replace(out, std::regex("[0-9]+ ms before"), "? ms before");
  return std::regex_replace(out, std::regex("thread [0-9]+"), "thread ?");
}

// retention_watch_test.cpp checks the text of retention=full's report; the
// sampled object's is the same, word for word.
void ExpectSameReportAsFull(const char *mode) {
  ChildResult guard = RunWatched(mode);
  ChildResult full = RunChild({CGOSAN_RETENTION_WATCH_HELPER, mode}, "retention=full");
  EXPECT_TRUE(guard.exited && guard.exit_code == 66) << guard.output;
  EXPECT_EQ(Count(guard.output, kKind), 1u) << guard.output;
  EXPECT_EQ(Normalized(guard.output), Normalized(full.output));
}

TEST(RetentionGuard, ForeignReadOfASampledObjectIsReported) {
  ExpectSameReportAsFull("kept-read");
}

TEST(RetentionGuard, LibraryThreadWriteIsReported) {
  ExpectSameReportAsFull("thread");
}

TEST(RetentionGuard, UnsampledObjectIsNotWatched) {
  // One allocation in a billion: the lent object is an ordinary one.
  ChildResult r = RunChild({CGOSAN_RETENTION_WATCH_HELPER, "kept-read"},
                           "retention=guard:retention_sample_rate=1000000000");
  ExpectSilent(r);
}

TEST(RetentionGuard, ForeignWriteProceedsWithHaltOnErrorZero) {
  ChildResult r = RunWatched("kept-write", "halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_NE(r.output.find("the write landed: w\ndone reports=1\n"),
            std::string::npos)
      << r.output;
}

TEST(RetentionGuard, RepassOpensForThatCallOnly) {
  ChildResult r = RunWatched("repass", "halt_on_error=0");
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  size_t repassed = r.output.find("re-passed\n");
  size_t report = r.output.find(kKind);
  EXPECT_TRUE(repassed != std::string::npos && report > repassed) << r.output;
}

TEST(RetentionGuard, PinnedIsNotWatched) {
  ExpectSilent(RunWatched("pinned"));
  ExpectSilent(RunWatched("pinned-after"));
}

TEST(RetentionGuard, ManagedFaultsAreOpenedAndCounted) {
  ChildResult r = RunWatched("managed", "verbosity=1");
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("managed code used it: m\n"), std::string::npos)
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "CgoSanitizer: retention=guard: [1-9][0-9]* faults on watched pages "
      "were not foreign code in a watched object \\(opened, no report\\)\n"
      "CgoSanitizer: retention=guard: [0-9]+ objects sampled into the guarded "
      "pool \\(552 KiB\\), 0 found it full, 0 expiries deferred to a lending "
      "site\n"))
      << r.output;
}

TEST(RetentionGuard, NeighbourHandedToACallIsSilent) {
  ChildResult r = RunWatched("neighbour");
  ExpectSilent(r);
  EXPECT_NE(r.output.find("read 3: abc\n"), std::string::npos) << r.output;
}

TEST(RetentionGuard, FreedSampledObjectStaysWatched) {
  ExpectSameReportAsFull("freed");  // "freed by collection 1"
}

// Its pool slot stays quarantined while it is watched (half the pool at
// most): three collections later the read is still the report.
TEST(RetentionGuard, FreedSampledObjectStaysWatchedPastLaterCollections) {
  ExpectSameReportAsFull("freed-later");  // "freed by collection 1"
}

TEST(RetentionGuard, HandleIsNotLent) {
  ChildResult r = RunSampler("handle", kGuardEveryObject);
  ExpectSilent(r);
  EXPECT_NE(r.output.find("sampled: 1\n"), std::string::npos) << r.output;
}

TEST(RetentionGuard, WatchesLendsOneTwoFourOfAnObject) {
  ChildResult r = RunSampler(
      "backoff", "retention=guard:retention_sample_rate=1:halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, kKind), 3u) << r.output;
  EXPECT_NE(r.output.find("lend 3: silent\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("lend 4: reported\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("done reports=3\n"), std::string::npos) << r.output;
}

// The holds of the path and structure calls, on a sampled object: a
// library's call on what it kept is full's report, and managed code's
// calls on what it lent never fail with EFAULT.
TEST(RetentionGuard, LibrarysPathCallIsReported) {
  ExpectSameReportAsFull("syscall-open");
}
TEST(RetentionGuard, LibrarysListioIsReported) {
  ExpectSameReportAsFull("syscall-lio_listio");
}
TEST(RetentionGuard, ManagedPathAndStructureCallsOpenThePage) {
  ChildResult r = RunWatched("managed-calls");
  ExpectSilent(r);
  EXPECT_NE(r.output.find("managed calls: 91 made, 0 failed with EFAULT\n"),
            std::string::npos)
      << r.output;
}

TEST(RetentionGuardSampler, SamplesOneAllocationInRate) {
  ChildResult r = RunSampler("rate", "retention=guard:retention_sample_rate=100");
  ExpectSilent(r);
  // 20000 allocations at rate 100: about 200 expiries, each sampled (no
  // site has lent, so none waits) or finding the pool full.
  unsigned long long n = Field(r.output, "sampled=") + Field(r.output, "full=");
  EXPECT_GE(n, 150u) << r.output;
  EXPECT_LE(n, 250u) << r.output;
  EXPECT_GE(Field(r.output, "sampled="), 100u) << r.output;
  EXPECT_EQ(Field(r.output, "deferred="), 0u) << r.output;
}

TEST(RetentionGuardSampler, PrefersSitesThatLent) {
  ChildResult r = RunSampler("sites", "retention=guard:retention_sample_rate=50");
  ExpectSilent(r);
  unsigned long long lending = Field(r.output, "lending site sampled=");
  unsigned long long other = Field(r.output, "other site sampled=");
  // 20000 allocations at rate 50: about 400 samples; the two sites take
  // turns, so an expiry at the other site waits one allocation for the
  // lending one.
  EXPECT_GE(lending, 200u) << r.output;
  EXPECT_LE(other, lending / 20) << r.output;
}

TEST(RetentionGuardSampler, FullPoolMakesOrdinaryObjects) {
  ChildResult r = RunSampler("exhaust", kGuardEveryObject);
  ExpectSilent(r);
  EXPECT_NE(r.output.find("in pool=16\nsampled=16 full=84 deferred=0\n"),
            std::string::npos)
      << r.output;
}

// Objects up to 64 KiB are sampled, a large one into a slot of 8 pages;
// the slot's bytes before the object are poison.
TEST(RetentionGuardSampler, LargeObjectsTakeLargeSlots) {
  ChildResult r = RunSampler("large", kGuardEveryObject);
  ExpectSilent(r);
  EXPECT_NE(r.output.find("char[64]: sampled, slack ca\n"
                          "char[20000]: sampled, slack ca\n"
                          "char[65000]: sampled, slack ca\n"
                          "char[65520]: sampled\n"
                          "char[65521]: not sampled\n"),
            std::string::npos)
      << r.output;
}

// A sampled large object lent and kept: the same report as full's.
TEST(RetentionGuard, KeptLargeObjectIsReported) {
  ExpectSameReportAsFull("kept-large");
}

// Objects foreign code makes off a G are sampled too (a thread with an M
// counts them down on the fast path, one without in HeapAlloc), and one
// taken over by managed code and lent is watched like any other.
TEST(RetentionGuardSampler, ObjectsMadeOffAGAreSampled) {
  ChildResult r =
      RunSampler("off-g", "retention=guard:retention_sample_rate=1:halt_on_error=0");
  EXPECT_NE(r.output.find("made in a call: sampled\n"
                          "made on a thread of its own: sampled\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  EXPECT_TRUE(Matches(r.output, "  lent as argument 1 of lib_keep, which "
                                "returned 1 foreign call"))
      << r.output;
  EXPECT_NE(r.output.find("done reports=1\n"), std::string::npos) << r.output;
}

TEST(RetentionGuardSampler, BadRateIsRefused) {
  ChildResult r = RunSampler("rate", "retention=guard:retention_sample_rate=0");
  EXPECT_TRUE(r.exited && r.exit_code == 1) << r.output;
  EXPECT_EQ(r.output,
            "ERROR: CgoSanitizer: CGOSAN_OPTIONS: retention_sample_rate=0 is "
            "out of range [1, 1073741824]\n");
}

}  // namespace
}  // namespace cgotest
