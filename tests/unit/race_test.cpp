// race_test.cpp (suite "race", so ctest -R race finds it) — rule 5, the happens-before engine and its data-race
// reports, through a child process (tests/unit/race_helper.cpp), since
// race=off|go|precise is read at start-up. Table-driven: every racy case has
// a correct twin that differs only in the synchronisation, and each runs in
// every mode. Reports are matched line by line: the exact message, note,
// previous-access and allocation lines, and frame #0 of each stack.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <regex>

#include "test_util.h"

#ifndef CGOSAN_RACE_HELPER
#error "CGOSAN_RACE_HELPER must name the race helper executable"
#endif

namespace cgotest {
namespace {

// The managed object the helper shares ("obj=0x...").
uintptr_t ObjectOf(const std::string &out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("obj=0x([0-9a-f]+)")))
    return 0;
  return std::stoull(m[1].str(), nullptr, 16);
}

std::string Hex(uintptr_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%zx", static_cast<size_t>(v));
  return buf;
}

// Each regex must match a whole line, in this order.
void ExpectLinesInOrder(const std::string &out,
                        const std::vector<std::string> &lines) {
  size_t from = 0;
  for (const std::string &re : lines) {
    std::smatch m;
    std::string rest = out.substr(from);
    bool found = std::regex_search(
        rest, m, std::regex("(^|\n)" + re + "\n"));
    ASSERT_TRUE(found) << "missing line /" << re << "/ after offset " << from
                       << " in:\n" << out;
    from += m.position(0) + m.length(0) - 1;
  }
}

ChildResult RunRace(const std::string &c, const std::string &options) {
  return RunChild({CGOSAN_RACE_HELPER, c}, options.c_str());
}

// What a racy case reports (the second access against the first).
struct Race {
  const char *access;       // "Write" / "Read"
  const char *access_who;   // regex: who made it, after "by thread Tn"
  const char *prev;         // "write" / "read"
  const char *prev_who;
  const char *frame;        // frame #0 of the current stack
  const char *prev_frame;   // frame #0 of the previous access's stack
};

struct Case {
  const char *name;  // the helper's case
  // Reported in each mode (the twin is silent where the case reports).
  bool precise, go;
  Race race;
};

constexpr char kExec[] = " \\(foreign code, in the call to sqlite3_exec\\)";
constexpr char kStep[] = " \\(foreign code, in the call to sqlite3_step\\)";
constexpr char kExecFromG[] =
    " \\(foreign code, in the call to sqlite3_exec from G [0-9]+\\)";
constexpr char kStress[] =
    " \\(foreign code, in the call to stress from G [0-9]+\\)";
constexpr char kFillFromG[] =
    " \\(foreign code, in the call to foreign_fill_row from G [0-9]+\\)";
constexpr char kManagedG[] = " on G [0-9]+ \\(managed code\\)";
constexpr char kForeign[] = " \\(foreign code\\)";
constexpr char kWriteRow[] = "WriteRow\\(char\\*\\)";
constexpr char kReadRow[] = "ReadRow\\(char\\*\\)";
constexpr char kReadRowHere[] = "ReadRowHere\\(char\\*\\)";
constexpr char kWriteRowHere[] = "WriteRowHere\\(char\\*\\)";
constexpr char kStressWrite[] = "StressWrite\\(char\\*\\)";

const Case kCases[] = {
    // a. two threads write one range, no sync / release-acquire handoff.
    // race=go is silent on every case whose accesses are a foreign call's:
    // Go's race detector never sees C's accesses.
    {"write_write", true, false, {"Write", kExec, "write", kExec, kWriteRow, kWriteRow}},
    {"write_write_sync", false, false, {}},
    // b. the racecgosync false negative: two Gs ordered only by Go's fence.
    {"two_gs", true, false,
     {"Write", kExecFromG, "write", kExecFromG, kWriteRow, kWriteRow}},
    // c. write after read races; its twin, and read/read, and one thread.
    {"write_after_read", true, false, {"Write", kExec, "read", kStep, kWriteRow, kReadRow}},
    {"write_after_read_sync", false, false, {}},
    {"read_read", false, false, {}},
    {"same_thread", false, false, {}},
    // d. the sides: foreign code inside a cgocall (named by its fn) against a
    // managed read on another G; and two threads outside any G or call.
    {"foreign_then_managed", true, true,
     {"Read", kManagedG, "write", kFillFromG, kReadRowHere, "foreign_fill_row"}},
    {"foreign_thread_then_read", true, true,
     {"Read", kForeign, "write", kForeign, kReadRowHere, kWriteRowHere}},
    // e. an object's shadow dies with it: a new object at the same address
    // does not race with its predecessor; the same object does.
    {"write_then_reused", false, false, {}},
    {"write_then_write_again", true, true,
     {"Write", kForeign, "write", kForeign, kWriteRowHere, kWriteRowHere}},
    // f. 300 threads come and go, then a race: tids are reclaimed.
    {"many_threads_then_race", true, false,
     {"Write", kExec, "write", kExec, kWriteRow, kWriteRow}},
    // g. 4 Gs x 10k accesses under a mutex; unsynchronised: one report (the
    // stack pair deduplicates the other ~40k).
    {"stress", false, false, {}},
    {"stress_nosync", true, false,
     {"Write", kStress, "write", kStress, kStressWrite, kStressWrite}},
    // h. C11 release sequences: another thread's release store replaces
    // what the sync object carries (A's write is no longer ordered); its
    // release read-modify-write joins it (A's still is).
    {"release_store_by_another", true, false,
     {"Write", kExec, "write", kExec, kWriteRow, kWriteRow}},
    {"release_rmw_by_another", false, false, {}},
};

void CheckCase(const Case &c, const char *mode, bool reported) {
  SCOPED_TRACE(std::string(c.name) + " race=" + mode);
  ChildResult r = RunRace(c.name, std::string("halt_on_error=0:race=") + mode);
  ASSERT_TRUE(r.exited) << r.output;
  if (!reported) {
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
    EXPECT_NE(r.output.find("done reports=0 suppressed=0"), std::string::npos)
        << r.output;
    return;
  }
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 1u) << r.output;
  EXPECT_NE(r.output.find("done reports=1 suppressed=0"), std::string::npos)
      << r.output;
  uintptr_t obj = ObjectOf(r.output);
  ASSERT_NE(obj, 0u) << r.output;
  std::string at = Hex(obj + 16);
  // Thread numbers follow first contact, which the pthread interceptors
  // move (thread creation is an edge): any tid will do.
  std::string cur_t = "T[0-9]+";
  std::string prev_t = "T[0-9]+";
  const Race &x = c.race;
  ExpectLinesInOrder(
      r.output,
      {"==[0-9]+==ERROR: CgoSanitizer: data-race",
       ReEscape(std::string(x.access) + " of size 16 at " + at +
                " by thread ") +
           cur_t + x.access_who + ":",
       "    #0 0x[0-9a-f]+ in " + std::string(x.frame) +
           " .*race_helper\\.cpp:[0-9]+:[0-9]+",
       ReEscape("  " + at + " is 16 bytes into object " + Hex(obj) +
                " of type 'struct row' (48 bytes)"),
       ReEscape(std::string("  Previous ") + x.prev + " of size 16 at " + at +
                " by thread ") +
           prev_t + x.prev_who + ":",
       "    #0 0x[0-9a-f]+ in " + std::string(x.prev_frame) +
           " .*race_helper\\.cpp:[0-9]+:[0-9]+",
       ReEscape("  " + Hex(obj) + " was allocated at:"),
       "    #0 0x[0-9a-f]+ in main .*race_helper\\.cpp:[0-9]+:[0-9]+",
       "SUMMARY: CgoSanitizer: data-race .*race_helper\\.cpp:[0-9]+:[0-9]+ in " +
           std::string(x.frame)});
}

TEST(race, Precise) {
  for (const Case &c : kCases) CheckCase(c, "precise", c.precise);
}

// The address of `blocks` (the helper prints "blocks=0x..."), and the first
// lines of the report of ReadWordHere's read of the word 72 bytes into it.
std::vector<std::string> WordReadReportHead(const std::string &out,
                                            uintptr_t *blocks) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(out, m, std::regex("blocks=0x([0-9a-f]+)")));
  *blocks = m.empty() ? 0 : std::stoull(m[1].str(), nullptr, 16);
  std::string word = Hex(*blocks + 72);
  return {"==[0-9]+==ERROR: CgoSanitizer: data-race",
          ReEscape("Read of size 8 at " + word + " by thread ") +
              "T[0-9]+ \\(foreign code\\):",
          "    #0 0x[0-9a-f]+ in ReadWordHere\\(char\\*\\) .*race_helper\\.cpp:[0-9]+:[0-9]+"};
}

// Whole shadow blocks: while every access covers a block whole, the engine
// keeps one word's cells for all eight; an access to one word must still
// meet what the whole-block accesses left there.
TEST(race, WholeBlocksThenOneWord) {
  struct {
    const char *name;
    bool reported;
    const char *prev_frame;
  } cases[] = {
      {"blocks_then_word", true, "WriteBlocksHere\\(char\\*\\)"},
      {"blocks_then_word_sync", false, nullptr},
      {"word_then_blocks_then_word", true, "WriteWordThenBlocksHere\\(char\\*\\)"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    ChildResult r = RunRace(c.name, "halt_on_error=0:race=precise");
    ASSERT_TRUE(r.exited) << r.output;
    if (!c.reported) {
      EXPECT_EQ(r.exit_code, 0) << r.output;
      EXPECT_NE(r.output.find("done reports=0 suppressed=0"), std::string::npos)
          << r.output;
      continue;
    }
    EXPECT_NE(r.output.find("done reports=1 suppressed=0"), std::string::npos)
        << r.output;
    uintptr_t blocks;
    std::vector<std::string> lines = WordReadReportHead(r.output, &blocks);
    lines.push_back(ReEscape("  " + Hex(blocks + 72) + " is 72 bytes into object " +
                             Hex(blocks) + " of type 'char[128]' (128 bytes)"));
    lines.push_back(ReEscape("  Previous write of size 128 at " + Hex(blocks) +
                             " by thread ") +
                    "T[0-9]+ \\(foreign code\\):");
    lines.push_back("    #0 0x[0-9a-f]+ in " + std::string(c.prev_frame) +
                    " .*race_helper\\.cpp:[0-9]+:[0-9]+");
    ExpectLinesInOrder(r.output, lines);
  }
}

// The previous access left its thread's trace (more accesses since than the
// trace keeps): the race is still reported, with the bytes the shadow cell
// kept and no stack (TSan v3 drops such a report).
TEST(race, PreviousAccessOlderThanItsTrace) {
  ChildResult r = RunRace("blocks_then_word_trace_wrapped", "halt_on_error=0:race=precise");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_NE(r.output.find("done reports=1 suppressed=0"), std::string::npos)
      << r.output;
  uintptr_t blocks;
  std::vector<std::string> lines = WordReadReportHead(r.output, &blocks);
  lines.push_back(ReEscape("  Previous write of size 8 at " + Hex(blocks + 72) +
                           " by thread ") +
                  "T[0-9]+ \\(foreign code\\):");
  lines.push_back("    <no stack recorded>");
  ExpectLinesInOrder(r.output, lines);
}

TEST(race, GoModeReproducesRacecgosync) {
  for (const Case &c : kCases) CheckCase(c, "go", c.go);
}

// race=go's crossing hooks go in while a G runs (the race checker starts
// lazily, at the G's first use of its API, before its own constructor ran):
// the G's next cgocall releases racecgosync, so a G whose later cgocall
// acquires it is ordered after the G's write. Silent; a report means the
// cgocall took the assembly path as if no checker listened.
TEST(race, GoModeHooksFilledWhileAGRunsOrderTheNextCgocall) {
  ChildResult r = RunRace("hooks_filled_while_a_g_runs", "halt_on_error=0:race=go");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("done reports=0 suppressed=0"), std::string::npos)
      << r.output;
  // The same shape without the fence (race=precise) is a race: the case
  // does make the two writes unordered but for the cgocalls.
  r = RunRace("hooks_filled_while_a_g_runs", "halt_on_error=0:race=precise");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_NE(r.output.find("done reports=1 suppressed=0"), std::string::npos)
      << r.output;
}

// h. race=off (the default): nothing is ever recorded or reported.
TEST(race, OffIsSilent) {
  for (const Case &c : kCases) CheckCase(c, "off", false);
  ChildResult r = RunChild({CGOSAN_RACE_HELPER, "write_write"}, nullptr);
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
}

// The range pass-built code tests before calling an entry
// (__cgosan_race_tracked): empty with race=off, so no call is made; the
// managed arena in the modes that record the pass's accesses.
TEST(race, TrackedRangeIsTheArenaWhenOn) {
  const std::regex kLine(
      "tracked lo=([0-9a-f]+) size=([0-9a-f]+) arena lo=([0-9a-f]+) size=([0-9a-f]+)");
  for (const char *mode : {"off", "go", "precise"}) {
    SCOPED_TRACE(mode);
    ChildResult r = RunRace("tracked_range", std::string("race=") + mode);
    ASSERT_TRUE(r.exited && r.exit_code == 0) << r.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.output, m, kLine)) << r.output;
    uintptr_t lo = std::stoull(m[1].str(), nullptr, 16);
    uintptr_t size = std::stoull(m[2].str(), nullptr, 16);
    if (!strcmp(mode, "off")) {
      EXPECT_EQ(size, 0u) << r.output;
      continue;
    }
    EXPECT_EQ(m[1].str(), m[3].str()) << r.output;
    EXPECT_EQ(m[2].str(), m[4].str()) << r.output;
    EXPECT_LT(ObjectOf(r.output) - lo, size) << r.output;  // a managed object
  }
}

TEST(race, HaltsOnFirstRaceByDefault) {
  ChildResult r = RunRace("write_write", "race=precise");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR: CgoSanitizer: data-race"), 1u) << r.output;
  EXPECT_EQ(r.output.find("done"), std::string::npos) << r.output;
}

TEST(race, BadModeIsAnError) {
  for (const char *bad : {"race=fast", "race=", "race=1"}) {
    ChildResult r = RunRace("write_write", bad);
    EXPECT_TRUE(r.exited && r.exit_code != 0) << bad << r.output;
    EXPECT_NE(r.output.find(std::string("CGOSAN_OPTIONS: ") + bad +
                            " is not one of off, go, precise"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("done"), std::string::npos) << r.output;
  }
}

// Suppressions: kind data-race, by the access's foreign call or by a frame.
TEST(race, Suppressible) {
  for (const char *line : {"data-race:sqlite3_exec*\n", "data-race:WriteRow\n"}) {
    SuppressionsFile supp(line);
    ChildResult r =
        RunRace("write_write", "race=precise:suppressions=" + supp.path());
    EXPECT_TRUE(r.exited && r.exit_code == 0) << line << r.output;
    EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
    EXPECT_NE(r.output.find("done reports=0 suppressed=1"), std::string::npos)
        << r.output;
  }
  // Another kind's suppression does not match.
  SuppressionsFile other("unpinned-pointer-in-argument:sqlite3_exec*\n");
  ChildResult r = RunRace("write_write", "halt_on_error=0:race=precise:"
                                         "suppressions=" + other.path());
  EXPECT_NE(r.output.find("done reports=1 suppressed=0"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace cgotest
