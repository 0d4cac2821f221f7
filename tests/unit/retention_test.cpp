// retention_test.cpp — the retained table (checkers/retention_table.cpp): a
// pinned object an annotated call keeps (cgosan_check_retained_by) must stay
// pinned until an `until` call on the same owner (cgosan_retention_end);
// its last pin released before that is a retained-pointer report with the
// unpin's stack and the retaining call's. Also: what ends a retention and
// what does not (another owner, another function), pins counted across
// pinners, the query a foreign heap asks (hooks.find_retaining_call), and a
// G-stack address lent to a retaining call.
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "test_util.h"

#include "heap/heap.h"
#include "hooks.h"
#include "report.h"

#define NOINLINE __attribute__((noinline))

static const cgosan_type kText = {"char[16]", 16, 0, nullptr, 0};
static const char *const kUntil[] = {"lib_reset", "lib_finalize", nullptr};
static const char kUntilText[] = "lib_reset/finalize";
static char owner_a, owner_b;  // two statements
static cgosan_pinner *pinner;
static char *text;

// clang-format off
constexpr int kBindLine = __LINE__; NOINLINE static void Bind(void *owner) { cgosan_check_retained_by(text, owner, "lib_bind", 2, kUntilText, kUntil); }
constexpr int kUnpinLine = __LINE__; NOINLINE static void Unpin() { cgosan_unpin(pinner); }
constexpr int kFreeLine = __LINE__; NOINLINE static void FreePinner() { cgosan_pinner_free(pinner); }
// clang-format on

// A pinned text, kept by lib_bind for owner.
static void BindPinned(void *owner) {
  text = static_cast<char *>(cgosan_new(&kText));
  pinner = cgosan_pinner_new();
  cgosan_pin(pinner, text);
  Bind(owner);
}

// A pinned text kept by lib_bind in `slot` of owner (a `slot` clause: the
// parameter index sqlite3_bind_text binds).
static void BindPinnedInSlot(void *owner, long long slot) {
  text = static_cast<char *>(cgosan_new(&kText));
  pinner = cgosan_pinner_new();
  cgosan_pin(pinner, text);
  cgosan_check_retained_in_slot(text, owner, slot, "lib_bind", 2, kUntilText, kUntil);
}

// clang-format off
constexpr int kLendStackLine = __LINE__; NOINLINE static void LendStack(void *) { char local[16] = "stack"; cgosan_check_retained_by(local, &owner_a, "lib_bind", 2, kUntilText, kUntil); }
// clang-format on

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kPtr = "0x[0-9a-f]+";

std::string UnpinnedRetainedRegex(const char *function, int line) {
  return ReportRegex(
      "retained-pointer",
      ReEscape("unpinned while still retained: lib_bind retains argument 2 "
               "until lib_reset/finalize"),
      function, kFile, line,
      "  " + kPtr + ReEscape(" is object of type 'char[16]' (16 bytes), its "
                             "last pin released\n"
                             "  fix: unpin it only after lib_reset/finalize, "
                             "or pass a copy in C memory, or a handle\n"
                             "  retained by lib_bind (argument 2, owner ") +
          kPtr + "\\) at:\n    #0 0x[0-9a-f]+ in Bind\\(void\\*\\) [^\n]*/" +
          "retention_test.cpp:" + std::to_string(kBindLine) + "(:[0-9]+)?" +
          "(\n    #[0-9]+ [^\n]*)*\n  " + kPtr + " was allocated at:.*");
}

TEST(RetentionDeath, UnpinBeforeTheUntilCall) {
  EXPECT_EXIT(
      {
        BindPinned(&owner_a);
        Unpin();
      },
      ExitedWithCode(66), UnpinnedRetainedRegex("Unpin()", kUnpinLine));
}

TEST(RetentionDeath, PinnerFreedWhileRetained) {
  EXPECT_EXIT(
      {
        __cgosan::cgosan_flags_dont_use.halt_on_error = false;
        BindPinned(&owner_a);
        FreePinner();  // a pinner-leak, then the retention
        _exit(__cgosan::ReportCount() == 2 ? 7 : 1);
      },
      ExitedWithCode(7),
      "pinner-leak.*" + UnpinnedRetainedRegex("FreePinner()", kFreeLine));
}

TEST(RetentionDeath, AnotherOwnersUntilCallDoesNotEndIt) {
  EXPECT_EXIT(
      {
        BindPinned(&owner_a);
        cgosan_retention_end(&owner_b, "lib_finalize");
        cgosan_retention_end(&owner_a, "lib_step");  // not an `until` call
        Unpin();
      },
      ExitedWithCode(66), UnpinnedRetainedRegex("Unpin()", kUnpinLine));
}

TEST(RetentionDeath, LastOfTwoPinsReleased) {
  EXPECT_EXIT(
      {
        BindPinned(&owner_a);
        cgosan_pinner *other = cgosan_pinner_new();
        cgosan_pin(other, text);
        cgosan_unpin(other);  // still pinned by `pinner`: fine
        cgosan_pinner_free(other);
        fprintf(stderr, "one pin left\n");
        Unpin();
      },
      ExitedWithCode(66),
      "one pin left\n.*" + UnpinnedRetainedRegex("Unpin()", kUnpinLine));
}

// The table crosses fork (its lock is among the checkers' in rtl/fork.h):
// the child still knows the retention, and its lock is free there.
TEST(RetentionDeath, ForkChildKnowsTheRetention) {
  EXPECT_EXIT(
      {
        BindPinned(&owner_a);
        pid_t child = fork();
        if (child == 0) {
          Unpin();
          _exit(1);
        }
        int status = 0;
        waitpid(child, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
      },
      ExitedWithCode(66), UnpinnedRetainedRegex("Unpin()", kUnpinLine));
}

TEST(Retention, EndedRetentionsAreSilent) {
  uintptr_t reports = __cgosan::ReportCount();
  BindPinned(&owner_a);
  cgosan_retention_end(&owner_a, "lib_finalize");
  Unpin();
  cgosan_pinner_free(pinner);
  BindPinned(&owner_b);
  Bind(&owner_b);  // bound again: still one record, ended by one call
  cgosan_retention_end(&owner_b, "lib_reset");
  Unpin();
  cgosan_pinner_free(pinner);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

TEST(Retention, NoOwnerOrNoUntilListFollowsNothing) {
  uintptr_t reports = __cgosan::ReportCount();
  BindPinned(&owner_a);
  cgosan_retention_end(&owner_a, "lib_finalize");
  cgosan_check_retained_by(text, nullptr, "lib_bind", 2, kUntilText, kUntil);
  cgosan_check_retained_by(text, &owner_a, "lib_bind", 2, kUntilText, nullptr);
  Unpin();
  cgosan_pinner_free(pinner);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

// What a foreign heap asks when it frees an object (design-notes, issue 20).
TEST(Retention, FindRetainingCallAnswersForAnObjectRange) {
  ASSERT_NE(__cgosan::hooks.find_retaining_call, nullptr);
  BindPinned(&owner_a);
  __cgosan::RetainingCall call = {};
  uintptr_t base = reinterpret_cast<uintptr_t>(text);
  EXPECT_FALSE(__cgosan::hooks.find_retaining_call(base + 16, 16, false, &call));
  ASSERT_TRUE(__cgosan::hooks.find_retaining_call(base, 16, false, &call));
  EXPECT_STREQ(call.callee, "lib_bind");
  EXPECT_EQ(call.argno, 2);
  EXPECT_STREQ(call.until, kUntilText);
  EXPECT_EQ(call.owner, reinterpret_cast<uintptr_t>(&owner_a));
  EXPECT_NE(call.stack, 0u);
  cgosan_retention_end(&owner_a, "lib_reset");
  EXPECT_FALSE(__cgosan::hooks.find_retaining_call(base, 16, false, &call));
  Unpin();
  cgosan_pinner_free(pinner);
}

// A second bind of the same parameter drops the first buffer (sqlite3's
// vdbeUnbind): with a `slot` clause the first record ends there, so its
// unpin before finalize is silent; so does a bind that keeps nothing (NULL:
// SQLITE_TRANSIENT, the `when` condition false), and one that binds an
// integer there (`rebinds`: cgosan_retention_end_slot).
TEST(Retention, RebindingTheSlotEndsWhatItKept) {
  uintptr_t reports = __cgosan::ReportCount();
  BindPinnedInSlot(&owner_a, 1);
  cgosan_pinner *first = pinner;
  BindPinnedInSlot(&owner_a, 1);
  cgosan_unpin(first);  // the library no longer keeps the first text
  cgosan_pinner_free(first);
  cgosan_check_retained_in_slot(nullptr, &owner_a, 1, "lib_bind", 2, kUntilText,
                                kUntil);
  Unpin();
  cgosan_pinner_free(pinner);
  BindPinnedInSlot(&owner_a, 1);
  cgosan_retention_end_slot(&owner_a, 1);  // `rebinds`: lib_bind_int on it
  Unpin();
  cgosan_pinner_free(pinner);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

// Without the clause the same rebind leaves the first record: the false
// report the clause removes. And another slot, or another owner's same
// slot, does not end it.
TEST(RetentionDeath, WithoutASlotTheRebindKeepsTheFirstRecord) {
  EXPECT_EXIT(
      {
        BindPinned(&owner_a);
        cgosan_pinner *first = pinner;
        BindPinned(&owner_a);
        pinner = first;
        Unpin();
      },
      ExitedWithCode(66), UnpinnedRetainedRegex("Unpin()", kUnpinLine));
}

TEST(RetentionDeath, AnotherSlotOrOwnerDoesNotEndIt) {
  EXPECT_EXIT(
      {
        BindPinnedInSlot(&owner_a, 1);
        cgosan_check_retained_in_slot(nullptr, &owner_a, 2, "lib_bind", 2,
                                      kUntilText, kUntil);
        cgosan_check_retained_in_slot(nullptr, &owner_b, 1, "lib_bind", 2,
                                      kUntilText, kUntil);
        Unpin();
      },
      ExitedWithCode(66), "unpinned while still retained: lib_bind retains argument 2");
}

// `if result == N`: a call whose result says it kept nothing (sqlite3's
// SQLITE_RANGE) takes its record back, so the unpin is silent.
TEST(Retention, FailedRetainingCallKeepsNothing) {
  uintptr_t reports = __cgosan::ReportCount();
  BindPinned(&owner_a);
  cgosan_retention_failed(text, &owner_b, "lib_bind");  // another owner's call
  cgosan_retention_failed(text + 3, &owner_a, "lib_bind");
  Unpin();
  cgosan_pinner_free(pinner);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

TEST(RetentionDeath, GStackAddressLentToARetainingCall) {
  EXPECT_EXIT(cgosan_run(LendStack, nullptr), ExitedWithCode(66),
              ReportRegex("retained-pointer",
                          ReEscape("lib_bind retains argument 2 until "
                                   "lib_reset/finalize, and it points into a "
                                   "G stack, whose frame will be reused"),
                          "LendStack(void*)", kFile, kLendStackLine,
                          "  " + kPtr + " is in G [0-9]+'s stack, frame of " +
                              ReEscape("LendStack(void*) (stack memory cannot "
                                       "be pinned)\n"
                                       "  fix: copy it into a managed object "
                                       "(cgosan_new) pinned until "
                                       "lib_reset/finalize is called, or into "
                                       "C memory")));
}

}  // namespace
}  // namespace cgotest
