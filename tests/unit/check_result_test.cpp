// check_result_test.cpp — cgosan_check_result (checkers/check_result.cpp):
// what a managed callback may return to foreign code, and the exact report.
#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names them "Name()".
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kNode = {"struct node", 16, 8, cgotest::kMask1, 0};
static const cgosan_type kFunc = {"func()", 16, 8, cgotest::kMask1,
                                  CGOSAN_TYPE_REFERENCE};

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

TEST(CheckResult, CgocheckZeroChecksNothing) {
  auto bad = [] { cgosan_check_result(cgosan_new(&kInt), nullptr, "cb"); };
  EXPECT_EQ(Check(bad, 0).count, 0u);
  EXPECT_EQ(Check(bad, 1).count, 1u);
}

}  // namespace
}  // namespace cgotest
