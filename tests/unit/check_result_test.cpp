// check_result_test.cpp — cgosan_check_result (checkers/check_result.cpp):
// what a managed callback may return to foreign code, and the exact report.
#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names them "Name()".
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kNode = {"struct node", 16, 8, cgotest::kMask1, 0};
static const cgosan_type kFunc = {"func()", 16, 8, cgotest::kMask1,
                                  CGOSAN_TYPE_REFERENCE};
static const cgosan_type kPtr = {"void *", 8, 8, cgotest::kMask1, 0};
// struct entry { char name[16]; struct entry *next; }: the pointer at offset 16.
static const uint8_t kEntryMask[1] = {0x04};
static const cgosan_type kEntry = {"struct entry", 24, 24, kEntryMask, 0};
static const cgosan_type kChar = {"char", 1, 0, nullptr, 0};
static const cgosan_type kChar16 = {"char[16]", 16, 0, nullptr, 0};
static const cgosan_type kEmpty = {"struct{}", 0, 0, nullptr, 0};

// clang-format off
constexpr int AllocNodeLine = __LINE__; NOINLINE static void *AllocNode() { return cgosan_new(&kNode); }
// clang-format on

// A callback returning a fresh, unpinned object to the foreign code that
// called it (Go's export1).
constexpr int ReturnFreshLine = __LINE__ + 3;
NOINLINE static void ReturnFresh(void *) {
  void *node = AllocNode();
  cgosan_check_result(node, &kNode, "make_node_cb");
}
static void ForeignCallsBack(void *) {
  cgosan_cgocallback(ReturnFresh, nullptr);
}
static void ManagedCallsForeign(void *) {
  cgosan_cgocall(ForeignCallsBack, nullptr);
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";

TEST(CheckResultDeath, UnpinnedResultFromCallback) {
  EXPECT_EXIT(
      cgosan_run(ManagedCallsForeign, nullptr), ExitedWithCode(66),
      ReportRegex("unpinned-pointer-in-result",
                  ReEscape("result of make_node_cb is unpinned managed pointer"),
                  "ReturnFresh(void*)", kFile, ReturnFreshLine,
                  "  " + kHex +
                      ReEscape(" is object of type 'struct node' (16 bytes), "
                               "not pinned") +
                      "\n  " + kHex + " was allocated at:\n    #0 " + kHex +
                      " in AllocNode\\(\\) [^\n]*/check_result_test.cpp:" +
                      std::to_string(AllocNodeLine) + "(:[0-9]+)?\n.*"));
}

template <typename F>
Reported Check(F &&f, int cgocheck = 1) {
  return ReportsOf(cgocheck, [&] { RunManaged(f); });
}

TEST(CheckResult, ForeignNilAndIntegersAreFine) {
  Reported r = Check([] {
    void *c = malloc(8);
    cgosan_check_result(c, &kNode, "cb");   // Go's exportok
    cgosan_check_result(nullptr, &kNode, "cb");
    cgosan_check_result(reinterpret_cast<void *>(42), nullptr, "cb");
    free(c);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckResult, PinnedResultIsFollowedOneLevel) {
  Reported r = Check([] {
    auto **node = static_cast<void **>(cgosan_new(&kNode));
    auto **next = static_cast<void **>(cgosan_new(&kNode));
    *node = next;
    *next = cgosan_new(&kInt);  // two levels down: not looked at
    ScopedPinner pn;
    pn.Pin(node);
    pn.Pin(next);
    cgosan_check_result(node, &kNode, "ok_cb");
    cgosan_check_result(node, nullptr, "ok_cb");
    pn.Unpin();
    pn.Pin(node);
    cgosan_check_result(node, nullptr, "bad_cb");  // next is not pinned
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "result of bad_cb points to pinned memory holding unpinned managed "
            "pointer");
  EXPECT_NE(r.text.find("of type 'struct node' (16 bytes), field at offset 0"),
            std::string::npos)
      << r.text;
}

TEST(CheckResult, PointerFreeResultMustStillBePinned) {
  Reported r = Check([] {
    void *x = cgosan_new(&kInt);
    cgosan_check_result(x, &kInt, "cb");
    ScopedPinner pn;
    pn.Pin(x);
    cgosan_check_result(x, &kInt, "cb");
  });
  EXPECT_EQ(r.count, 1u) << r.text;
}

TEST(CheckResult, ReferencesNeverReturned) {
  Reported r = Check([] {
    void *f = cgosan_new(&kFunc);
    ScopedPinner pn;
    pn.Pin(f);
    cgosan_check_result(f, nullptr, "get_closure");
    auto **node = static_cast<void **>(cgosan_new(&kNode));
    *node = f;
    pn.Pin(node);
    cgosan_check_result(node, nullptr, "get_node");
  });
  EXPECT_EQ(r.count, 2u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "result of get_closure is managed reference of type 'func()', "
            "which foreign code may never hold");
  EXPECT_NE(r.text.find("result of get_node points to pinned memory holding "
                        "managed reference of type 'func()'"),
            std::string::npos)
      << r.text;
}

// A typed result pointing into a pinned object is checked as Go's
// cgoCheckResult checks a pointer result: the whole object it points into
// (cgoCheckUnknownPointer), whatever the type says, for foreign code can
// reach every field. Before, only the type's bytes at p were looked at, and
// a char * to the name of an entry whose next field is unpinned was silent.
TEST(CheckResult, TypedInteriorResultChecksTheWholeObject) {
  void *entry_seen = nullptr;
  void *next_seen = nullptr;
  Reported r = Check([&] {
    auto *entry = static_cast<char *>(cgosan_new(&kEntry));
    void *next = cgosan_new(&kEntry);
    *reinterpret_cast<void **>(entry + 16) = next;
    entry_seen = entry;
    next_seen = next;
    ScopedPinner pn;
    pn.Pin(entry);
    cgosan_check_result(entry, &kChar16, "entry_name");
    cgosan_check_result(entry + 4, &kChar, "entry_name");
    cgosan_check_result(entry + 16, &kPtr, "entry_next");
    pn.Pin(next);
    cgosan_check_result(entry, &kChar16, "entry_name");  // now fine
  });
  ASSERT_EQ(r.count, 3u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "result of entry_name points to pinned memory holding unpinned "
            "managed pointer");
  EXPECT_NE(r.text.find("  object " + Hex(entry_seen) +
                        " of type 'struct entry' (24 bytes), field at offset 16\n"
                        "  holds " + Hex(next_seen) +
                        ", object of type 'struct entry' (24 bytes), not pinned\n"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("result of entry_next points to pinned memory"),
            std::string::npos)
      << r.text;
}

// A result that is an end pointer refers to the object it ends: that object
// must be pinned, and is followed one level like any pinned result. The
// object after it (the next slot, without the padding) is not looked at.
TEST(CheckResult, EndPointerResultIsTheObjectItEnds) {
  void *array_seen = nullptr;
  Reported r = Check([&] {
    auto **array = static_cast<void **>(cgosan_new_array(&kPtr, 4));
    auto **next = static_cast<void **>(cgosan_new_array(&kPtr, 4));
    ScopedPinner pn;
    pn.Pin(next);
    array_seen = array;
    cgosan_check_result(array + 4, nullptr, "array_end");  // not pinned
    pn.Pin(array);
    cgosan_check_result(array + 4, &kPtr, "array_end");  // fine
    array[3] = cgosan_new(&kInt);
    cgosan_check_result(array + 4, &kPtr, "array_end");  // holds unpinned
  });
  ASSERT_EQ(r.count, 2u) << r.text;
  EXPECT_EQ(FirstMessage(r.text), "result of array_end is unpinned managed pointer");
  EXPECT_NE(r.text.find("  " + Hex(static_cast<void **>(array_seen) + 4) +
                        " is the end of object " + Hex(array_seen) +
                        " of type 'void *[4]' (32 bytes), not pinned\n"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("result of array_end points to pinned memory holding "
                        "unpinned managed pointer"),
            std::string::npos)
      << r.text;
}

// Go 1.21+: a zero-size allocation is &zerobase, which counts as pinned.
TEST(CheckResult, ZeroSizeObjectIsNeverReported) {
  Reported r = Check([] {
    cgosan_check_result(cgosan_new(&kEmpty), &kEmpty, "cb");
    cgosan_check_result(cgosan_new_array(&kPtr, 0), nullptr, "cb");
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckResult, CgocheckZeroChecksNothing) {
  auto bad = [] { cgosan_check_result(cgosan_new(&kInt), nullptr, "cb"); };
  EXPECT_EQ(Check(bad, 0).count, 0u);
  EXPECT_EQ(Check(bad, 1).count, 1u);
}

}  // namespace
}  // namespace cgotest
