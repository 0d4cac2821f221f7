// test_util.h — shared helpers of the cgosan unit tests.
//
// Standard and GoogleTest headers come first: rtl.h brings sanitizer_common's
// macros (CHECK, LIKELY, ...) that must not leak into them.
#ifndef CGOSAN_TESTS_UNIT_TEST_UTIL_H
#define CGOSAN_TESTS_UNIT_TEST_UTIL_H

#include <pthread.h>

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <cgosan/cgosan.h>

#include "rtl.h"

namespace cgotest {

// [lo, hi) of a stack region.
struct Range {
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  bool Contains(uintptr_t p) const { return p >= lo && p < hi; }
  bool Contains(const void *p) const {
    return Contains(reinterpret_cast<uintptr_t>(p));
  }
};

// The calling thread's own (system) stack, as pthread reports it.
inline Range SystemStack() {
  pthread_attr_t attr;
  Range r;
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    return r;
  void *addr = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
    r.lo = reinterpret_cast<uintptr_t>(addr);
    r.hi = r.lo + size;
  }
  pthread_attr_destroy(&attr);
  return r;
}

// The current G of the calling thread (running or parked), or null.
inline __cgosan::G *CurrentG() {
  __cgosan::M *m = __cgosan::CurrentM();
  return m ? m->curg : nullptr;
}

inline Range GStack(const __cgosan::G *g) {
  Range r;
  if (g) {
    r.lo = g->stack_lo;
    r.hi = g->stack_hi;
  }
  return r;
}

inline uint32_t GStatus(const __cgosan::G *g) {
  return __cgosan::atomic_load(&g->status, __cgosan::memory_order_acquire);
}

// The thread's pointer to its status word (rtl.h) points at the status of
// the G it runs or holds parked, and at the no-G word when it has none.
inline bool StatusWordIsTheCurrentGs() {
  const __cgosan::G *g = CurrentG();
  return __cgosan_g_status == (g ? &g->status : &__cgosan::no_g_status);
}

// Address of a fresh local of the caller's frame; never inlined, so the local
// lives in a frame on whatever stack the caller runs on.
__attribute__((noinline)) inline uintptr_t LocalAddress() {
  volatile char local = 0;
  uintptr_t p = reinterpret_cast<uintptr_t>(&local);
  asm volatile("" ::: "memory");
  return p;
}

// On a thread running no managed code, the object it allocated last stays a
// local reference (kept alive) until its next allocation: this one, which is
// a byte nothing points to. For tests that must see what else keeps an
// object alive.
inline void DropLocalReference() {
  static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
  (void)cgosan_new(&kByte);
}

// How many times `what` occurs in `text` (overlaps counted).
inline size_t Count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    n++;
  return n;
}

// Escapes a literal for a POSIX extended regular expression.
inline std::string ReEscape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (std::string(".[]{}()\\*+?|^$").find(c) != std::string::npos)
      out += '\\';
    out += c;
  }
  return out;
}

// A regex (POSIX ERE, as EXPECT_EXIT uses; '.' matches newlines) for a full
// report: header line, message line, frame #0 in `function` at file:line,
// optional notes, SUMMARY line at the same place.
//   message_re: the message line as a regex (use ReEscape for literal parts).
//   notes_re:   regex for the note lines after the stack ("" for none).
//   line:       the source line of frame #0, or 0 for "any line".
std::string ReportRegex(const std::string &kind, const std::string &message_re,
                        const std::string &function, const char *file,
                        int line, const std::string &notes_re = "");

// Runs `argv` (argv[0] is the path) with CGOSAN_OPTIONS=options (unset when
// `options` is null) and returns its combined stdout+stderr and exit status.
struct ChildResult {
  bool exited = false;  // false: killed by a signal
  int exit_code = -1;
  int signal = 0;
  std::string output;
};
ChildResult RunChild(const std::vector<std::string> &argv, const char *options);

// Path of the helper executable (tests/unit/helper.cpp).
const char *HelperPath();

// A suppressions file with `text`, for one test; removed at the end.
class SuppressionsFile {
 public:
  explicit SuppressionsFile(const std::string &text);
  ~SuppressionsFile();
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cgotest

#endif  // CGOSAN_TESTS_UNIT_TEST_UTIL_H
