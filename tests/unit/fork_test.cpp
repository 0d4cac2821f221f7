// fork_test.cpp — a child of a multi-threaded program can run managed code
// (rtl/fork.cpp). Each test runs tests/unit/fork_helper.cpp, which forks
// while other threads allocate, call back, pin, use handles and collect;
// every child does the same and must exit 0. A child that hangs dies of its
// own alarm within seconds, and the helper says so.
#include "test_util.h"

namespace cgotest {
namespace {

ChildResult RunForkHelper(const std::vector<std::string> &args,
                          const char *options) {
  std::vector<std::string> argv = {CGOSAN_FORK_HELPER};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, options);
}

void ExpectAllForksOk(const ChildResult &r, int forks) {
  EXPECT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok forks=" + std::to_string(forks)),
            std::string::npos)
      << r.output;
}

TEST(Fork, ChildRunsManagedCodeWhileOneThreadAllocates) {
  ExpectAllForksOk(RunForkHelper({"threads", "1"}, nullptr), 100);
}

TEST(Fork, ChildRunsManagedCodeWhileTwoThreadsAllocate) {
  ExpectAllForksOk(RunForkHelper({"threads", "2"}, nullptr), 100);
}

TEST(Fork, ChildRunsManagedCodeWhileFourThreadsAllocate) {
  ExpectAllForksOk(RunForkHelper({"threads", "4"}, nullptr), 100);
}

TEST(Fork, FromInsideACallback) {
  ExpectAllForksOk(RunForkHelper({"callback"}, nullptr), 100);
}

// The child goes on with the forking thread's clock (its write is ordered
// after what that thread had synchronised with), and still reports a race
// of its own (the last child, exit 66).
TEST(Fork, WithRacePrecise) {
  ChildResult r = RunForkHelper({"race"}, "race=precise");
  ExpectAllForksOk(r, 101);
  EXPECT_EQ(Count(r.output, "ERROR: CgoSanitizer: data-race"), 1u) << r.output;
}

// A running G forks while another thread's collection waits for a third
// thread's running G (the fork parks the G first, as a cgocall would, so
// the collection finishes and the fork goes on); the child frees what only
// a lost thread's parked G referenced, the parent keeps it.
TEST(Fork, WhileACollectionStopsTheWorld) {
  ExpectAllForksOk(RunForkHelper({"collecting"}, nullptr), 3);
}

// Other threads inside libunwind (a report's stack) at the fork: the fork
// waits until none is, so the child finds libunwind's lock free.
TEST(Fork, WhileOtherThreadsWalkStacks) {
  ExpectAllForksOk(RunForkHelper({"unwinding"}, nullptr), 50);
}

TEST(Fork, PosixSpawnVforkSystemAndPopenUnderStress) {
  ExpectAllForksOk(RunForkHelper({"spawn"}, nullptr), 160);
}

}  // namespace
}  // namespace cgotest
