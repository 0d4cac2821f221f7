// check_test_util.h — helpers shared by the pointer-check tests
// (check_*_test.cpp): types built with ptrmasks, running code as a G, flag
// overrides, and capturing the reports a check prints.
#ifndef CGOSAN_TESTS_UNIT_CHECK_TEST_UTIL_H
#define CGOSAN_TESTS_UNIT_CHECK_TEST_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "test_util.h"

#include <cgosan/cgosan.hpp>

#include "report.h"
#include "sanitizer_common/sanitizer_flags.h"

namespace cgotest {

// ptrmask bytes: bit i = word i is a pointer slot.
inline constexpr uint8_t kMask1[1] = {0x01};       // word 0
inline constexpr uint8_t kMask2[1] = {0x02};       // word 1
inline constexpr uint8_t kMask3[1] = {0x03};       // words 0, 1
inline constexpr uint8_t kMask5[1] = {0x05};       // words 0, 2
inline constexpr uint8_t kMaskAll[8] = {0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff};  // 64 words

// Runs f as a G (managed code): its locals live on a G stack, which the
// collector scans, so objects held only by them stay alive.
template <typename F>
void RunManaged(F &&f) {
  ASSERT_EQ(cgosan::run(f), 0);
}

// Sets flags for a scope (the tests link the static runtime).
class ScopedFlags {
 public:
  ScopedFlags() : saved_(*__cgosan::flags()) {
    saved_common_.CopyFrom(*__sanitizer::common_flags());
  }
  ~ScopedFlags() {
    __cgosan::cgosan_flags_dont_use = saved_;
    __sanitizer::OverrideCommonFlags(saved_common_);
  }
  __cgosan::Flags *operator->() { return &__cgosan::cgosan_flags_dont_use; }
  // suppress_equal_pcs=0 in the scope: a report that repeats one made
  // earlier in the process is printed and counted too.
  void PrintRepeatedReports() {
    __sanitizer::CommonFlags cf;
    cf.CopyFrom(saved_common_);
    cf.suppress_equal_pcs = false;
    __sanitizer::OverrideCommonFlags(cf);
  }

 private:
  __cgosan::Flags saved_;
  __sanitizer::CommonFlags saved_common_;
};

// Captures what is written to fd 2 (where reports go) in a scope.
class StderrCapture {
 public:
  StderrCapture() {
    fflush(stderr);
    char name[] = "/tmp/cgosan-check-XXXXXX";
    fd_ = mkstemp(name);
    unlink(name);
    saved_ = dup(2);
    dup2(fd_, 2);
  }
  ~StderrCapture() { Finish(); }
  // Restores fd 2 and returns what was written.
  std::string Finish() {
    if (fd_ < 0)
      return text_;
    fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    lseek(fd_, 0, SEEK_SET);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd_, buf, sizeof(buf))) > 0) text_.append(buf, n);
    close(fd_);
    fd_ = -1;
    return text_;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string text_;
};

// What a statement reported, with halt_on_error=0 and the given cgocheck.
struct Reported {
  size_t count = 0;  // reports printed
  std::string text;
};
template <typename F>
Reported ReportsOf(int cgocheck, F &&statement) {
  ScopedFlags flags;
  flags->halt_on_error = false;
  flags->cgocheck = cgocheck;
  // Cases run at several cgocheck levels, tests twice in one process.
  flags.PrintRepeatedReports();
  Reported r;
  size_t before = __cgosan::ReportCount();
  {
    StderrCapture capture;
    statement();
    r.text = capture.Finish();
  }
  r.count = __cgosan::ReportCount() - before;
  return r;
}

// The message line (the one after the ERROR header) of the first report.
inline std::string FirstMessage(const std::string &text) {
  size_t header = text.find("==ERROR: CgoSanitizer: ");
  if (header == std::string::npos)
    return "";
  size_t start = text.find('\n', header);
  if (start == std::string::npos)
    return "";
  size_t end = text.find('\n', start + 1);
  return text.substr(start + 1, end - start - 1);
}
inline std::string FirstKind(const std::string &text) {
  size_t header = text.find("==ERROR: CgoSanitizer: ");
  if (header == std::string::npos)
    return "";
  size_t start = header + strlen("==ERROR: CgoSanitizer: ");
  size_t end = text.find_first_of("\n\x1b", start);
  return text.substr(start, end - start);
}

// A pinner for a scope: unpins and frees at the end.
class ScopedPinner {
 public:
  ScopedPinner() : pn_(cgosan_pinner_new()) {}
  ~ScopedPinner() {
    cgosan_unpin(pn_);
    cgosan_pinner_free(pn_);
  }
  void Pin(const void *p) { cgosan_pin(pn_, p); }
  void Unpin() { cgosan_unpin(pn_); }

 private:
  cgosan_pinner *pn_;
};

inline uintptr_t Addr(const void *p) { return reinterpret_cast<uintptr_t>(p); }
inline std::string Hex(const void *p) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%zx", static_cast<size_t>(Addr(p)));
  return buf;
}

}  // namespace cgotest

#endif  // CGOSAN_TESTS_UNIT_CHECK_TEST_UTIL_H
