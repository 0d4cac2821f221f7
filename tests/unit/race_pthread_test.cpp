// race_pthread_test.cpp (suite "race_pthread") — the pthread interceptors'
// happens-before edges (interceptors/pthread/), through a child program
// (race_pthread_helper.cpp) linked with libcgosan.a, with libcgosan.so, and
// with neither under LD_PRELOAD=libcgosan.so. Table-driven: each primitive
// orders a managed write by one thread before a read by another; its twin
// runs the same shape with the write outside the edge and must report the
// read racing with the write.
#include <stdlib.h>

#include <regex>

#include "test_util.h"

#if !defined(CGOSAN_RACE_PTHREAD_HELPER) ||        \
    !defined(CGOSAN_RACE_PTHREAD_HELPER_SHARED) || \
    !defined(CGOSAN_RACE_PTHREAD_HELPER_PRELOADED) || !defined(CGOSAN_SHARED_LIBRARY)
#error "the race_pthread helpers and libcgosan.so must be named"
#endif

namespace cgotest {
namespace {

// The primitives whose edge orders the case (race_pthread_helper.cpp).
const char *const kCases[] = {
    "mutex", "rwlock", "spin",   "cond",    "sem",    "barrier",
    "once",  "create", "join",   "exit",    "tryjoin", "pthread_t_reuse",
    "timedjoin", "clockjoin", "mutex_destroyed", "cancel", "sem_getvalue",
    "thrd_create", "thrd_join", "thrd_exit", "mtx", "cnd", "call_once",
    // through the kernel (race_fd*.cpp)
    "pipe_dup", "pipe_fcntl_dup", "pipe_eof", "socketpair_msg", "unix_accept",
    "epoll_watch", "epoll_ctl", "eventfd_dup2",
};

// How the helper gets the runtime.
struct Linking {
  const char *name;
  const char *helper;
  bool preload;     // LD_PRELOAD=libcgosan.so
  bool shows_state;  // prints "pthread interceptors: pass-through|tracking"
};
const Linking kStatic = {"static", CGOSAN_RACE_PTHREAD_HELPER, false, true};
const Linking kShared = {"shared", CGOSAN_RACE_PTHREAD_HELPER_SHARED, false,
                         false};
const Linking kPreloaded = {"preloaded", CGOSAN_RACE_PTHREAD_HELPER_PRELOADED,
                            true, false};

bool HasLine(const std::string &text, const std::string &line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// How many reports the output holds, of `kind` or of any kind.
size_t Reports(const std::string &text, const std::string &kind = "[a-z-]+") {
  std::regex header("ERROR: CgoSanitizer: " + kind + "\n");
  return std::distance(
      std::sregex_iterator(text.begin(), text.end(), header),
      std::sregex_iterator());
}

ChildResult RunHelper(const Linking &how, const std::vector<std::string> &args,
                      const std::string &options) {
  std::vector<std::string> argv = {how.helper};
  argv.insert(argv.end(), args.begin(), args.end());
  if (how.preload)
    setenv("LD_PRELOAD", CGOSAN_SHARED_LIBRARY, 1);
  ChildResult r = RunChild(argv, options.c_str());
  unsetenv("LD_PRELOAD");
  return r;
}

void ExpectSilent(const ChildResult &r) {
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Reports(r.output), 0u) << r.output;
  EXPECT_TRUE(HasLine(r.output, "done")) << r.output;
}

// One report: the reader's ReadObj against the writer's WriteObj.
void ExpectReadRacesWithWrite(const ChildResult &r) {
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Reports(r.output, "data-race"), 1u) << r.output;
  EXPECT_EQ(Reports(r.output), 1u) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex("\n    #0 0x[0-9a-f]+ in [^\n]*ReadObj[^\n]*"
                           "race_pthread_helper\\.cpp:[0-9]+:[0-9]+\n")))
      << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex("\n    #0 0x[0-9a-f]+ in [^\n]*WriteObj[^\n]*"
                           "race_pthread_helper\\.cpp:[0-9]+:[0-9]+\n")))
      << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex("\nSUMMARY: CgoSanitizer: data-race [^\n]*"
                           "race_pthread_helper\\.cpp:[0-9]+:[0-9]+ in [^\n]*ReadObj")))
      << r.output;
  EXPECT_TRUE(HasLine(r.output, "done")) << r.output;
}

// One primitive, one way of linking: the ordered shape is silent, its
// unordered twin reports.
struct EdgeCase {
  const Linking *how;
  const char *name;
};

// Names the value in test names (ctest shows it): "static mutex".
void PrintTo(const EdgeCase &c, std::ostream *os) {
  *os << c.how->name << " " << c.name;
}

class race_pthread_edge : public testing::TestWithParam<EdgeCase> {};

TEST_P(race_pthread_edge, OrderedIsSilentUnorderedReports) {
  const Linking &how = *GetParam().how;
  const std::string c = GetParam().name;
  ChildResult ordered = RunHelper(how, {c, "ordered"}, "race=precise");
  ExpectSilent(ordered);
  if (how.shows_state)
    EXPECT_TRUE(HasLine(ordered.output, "pthread interceptors: tracking"))
        << ordered.output;
  ChildResult unordered =
      RunHelper(how, {c, "unordered"}, "race=precise:halt_on_error=0");
  ExpectReadRacesWithWrite(unordered);
  if (c == "pthread_t_reuse") {  // without reuse the case proves nothing
    EXPECT_TRUE(HasLine(ordered.output, "reused=1")) << ordered.output;
    EXPECT_TRUE(HasLine(unordered.output, "reused=1")) << unordered.output;
  }
}

std::vector<EdgeCase> AllEdgeCases() {
  std::vector<EdgeCase> cases;
  for (const Linking *how : {&kStatic, &kShared, &kPreloaded})
    for (const char *c : kCases)
      cases.push_back({how, c});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(
    linked, race_pthread_edge, testing::ValuesIn(AllEdgeCases()),
    [](const testing::TestParamInfo<EdgeCase> &info) {
      return std::string(info.param.how->name) + "_" + info.param.name;
    });

// race=go is precise plus Go's fence at crossings (there are none here).
TEST(race_pthread, EdgesInGoMode) {
  for (const char *c : kCases) {
    SCOPED_TRACE(c);
    ExpectSilent(RunHelper(kStatic, {c, "ordered"}, "race=go"));
    ExpectReadRacesWithWrite(
        RunHelper(kStatic, {c, "unordered"}, "race=go:halt_on_error=0"));
  }
}

// A write to one pipe and a read from another: no edge in race=precise (each
// file its own clock), one in race=go (every fd shares Go's ioSync clock).
TEST(race_pthread, UnrelatedFdsOrderOnlyInGoMode) {
  ExpectReadRacesWithWrite(
      RunHelper(kStatic, {"two_pipes", "unordered"}, "race=precise:halt_on_error=0"));
  ExpectSilent(RunHelper(kStatic, {"two_pipes", "unordered"}, "race=go"));
}

// A pipe closed by close_range or fclose forgets its clock: a pipe made at
// its numbers where the interceptors cannot see it does not inherit it.
TEST(race_pthread, ClosedFdsForgetTheirClocks) {
  for (const char *c : {"close_range_reuse", "fclose_reuse"}) {
    SCOPED_TRACE(c);
    ExpectReadRacesWithWrite(
        RunHelper(kStatic, {c, "unordered"}, "race=precise:halt_on_error=0"));
  }
}

// 8 threads x 20000 mutex-protected write+read pairs: no report; without the
// mutex the first unordered pair halts the program.
TEST(race_pthread, MutexStress) {
  ExpectSilent(RunHelper(kStatic, {"stress", "ordered"}, "race=precise"));
  ChildResult r = RunHelper(kStatic, {"stress", "unordered"}, "race=precise");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Reports(r.output, "data-race"), 1u) << r.output;
}

// race=off (the default): the interceptors only pass calls through (the
// static helper shows their state), so even the unordered twins are silent.
TEST(race_pthread, OffPassesThrough) {
  for (const Linking &how : {kStatic, kShared, kPreloaded}) {
    for (const char *options : {"race=off", ""}) {
      for (const char *c : kCases) {
        SCOPED_TRACE(std::string(c) + " " + how.name + " " + options);
        ChildResult r = RunHelper(how, {c, "unordered"}, options);
        ExpectSilent(r);
        if (how.shows_state)
          EXPECT_TRUE(HasLine(r.output, "pthread interceptors: pass-through"))
              << r.output;
      }
    }
  }
}

// Results, errno and blocking of every primitive are the real functions',
// with the interceptors passing through and with them adding edges.
TEST(race_pthread, PrimitivesBehaveAsBefore) {
  for (const Linking &how : {kStatic, kShared, kPreloaded}) {
    for (const char *options : {"race=off", "race=precise"}) {
      SCOPED_TRACE(std::string(how.name) + " " + options);
      ChildResult r = RunHelper(how, {"behaviour"}, options);
      ExpectSilent(r);
      EXPECT_TRUE(HasLine(r.output, "behaviour ok")) << r.output;
    }
  }
}

// libc's accesses are accesses like the range API's: a fortified call (the
// C side built with _FORTIFY_SOURCE) or a printf %n writing the object, or
// strcmp/memchr or a printf "%.*s" reading it; join-ordered silent, read
// before the join reported. Not in kCases: a plain thread's libc call is
// foreign code's, which race=go does not see.
TEST(race_pthread, LibcAccessesAreAccesses) {
  for (const Linking &how : {kStatic, kShared, kPreloaded}) {
    for (const char *c : {"memcpy_chk", "snprintf_chk", "strcmp", "memchr",
                          "printf_count", "printf_string"}) {
      SCOPED_TRACE(std::string(how.name) + " " + c);
      ExpectSilent(RunHelper(how, {c, "ordered"}, "race=precise"));
      ExpectReadRacesWithWrite(
          RunHelper(how, {c, "unordered"}, "race=precise:halt_on_error=0"));
    }
  }
}

// The heap zeroes a new object with libc's memset, which the race checker
// intercepts: that is the runtime's write, not the program's, and a reader
// of the object, unordered with its allocation, races with nothing.
TEST(race_pthread, HeapFillsAreNotAccesses) {
  for (const Linking &how : {kStatic, kShared, kPreloaded}) {
    SCOPED_TRACE(how.name);
    ExpectSilent(RunHelper(how, {"heap_fill"}, "race=precise"));
  }
}

}  // namespace
}  // namespace cgotest
