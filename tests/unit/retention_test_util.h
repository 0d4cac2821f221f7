// retention_test_util.h — what the tests of the watched retention modes
// (retention_watch_test.cpp: full, retention_guard_test.cpp: guard) share:
// both run tests/unit/retention_watch_helper.cpp, which prints
// "done reports=N" when it gets to its end.
#ifndef CGOSAN_TESTS_UNIT_RETENTION_TEST_UTIL_H
#define CGOSAN_TESTS_UNIT_RETENTION_TEST_UTIL_H

#include <regex>
#include <string>

#include "test_util.h"

namespace cgotest {

inline bool Matches(const std::string &text, const char *pattern) {
  return std::regex_search(text, std::regex(pattern));
}

constexpr char kKind[] = "ERROR: CgoSanitizer: retained-pointer\n";

// The helper ran to its end, exit 0, and reported nothing.
inline void ExpectSilent(const ChildResult &r) {
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("done reports=0\n"), std::string::npos) << r.output;
}

}  // namespace cgotest

#endif  // CGOSAN_TESTS_UNIT_RETENTION_TEST_UTIL_H
