// check_store_test.cpp — cgosan_check_store / cgosan_check_memmove
// (checkers/check_store.cpp, cgocheck=2): stores of managed pointers into
// memory the collector does not see, and the exact report.
#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names them "Name()".
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kPtr = {"void *", 8, 8, cgotest::kMask1, 0};
static const cgosan_type kChan = {"chan int", 96, 0, nullptr,
                                  CGOSAN_TYPE_REFERENCE};
static void **foreign_slot;

// clang-format off
constexpr int AllocIntLine = __LINE__; NOINLINE static void *AllocInt() { return cgosan_new(&kInt); }
// clang-format on

constexpr int StoreIntoForeignLine = __LINE__ + 4;
NOINLINE static void StoreIntoForeign(void *) {
  void *x = AllocInt();
  foreign_slot = static_cast<void **>(malloc(sizeof(void *)));
  cgosan_check_store(foreign_slot, x);
  *foreign_slot = x;
}

static void StoreWithCgocheck2(void *) {
  cgotest::ScopedFlags flags;
  flags->cgocheck = 2;
  StoreIntoForeign(nullptr);
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";

TEST(CheckStoreDeath, UnpinnedStoreIntoForeignMemory) {
  EXPECT_EXIT(
      cgosan_run(StoreWithCgocheck2, nullptr), ExitedWithCode(66),
      ReportRegex("unpinned-pointer-store",
                  "managed code stored unpinned managed pointer " + kHex +
                      " into non-managed memory at " + kHex,
                  "StoreIntoForeign(void*)", kFile, StoreIntoForeignLine,
                  "  " + kHex +
                      ReEscape(" is object of type 'int' (8 bytes), not "
                               "pinned") +
                      "\n  the collector does not scan " + kHex +
                      ": the object may be freed while the pointer stays "
                      "there\n  " +
                      kHex + " was allocated at:\n    #0 " + kHex +
                      " in AllocInt\\(\\) [^\n]*/check_store_test.cpp:" +
                      std::to_string(AllocIntLine) + "(:[0-9]+)?\n.*"));
}

template <typename F>
Reported Check(F &&f, int cgocheck = 2) {
  return ReportsOf(cgocheck, [&] { RunManaged(f); });
}

TEST(CheckStore, OnlyWithCgocheck2) {
  auto bad = [] {
    void **slot = static_cast<void **>(malloc(sizeof(void *)));
    cgosan_check_store(slot, cgosan_new(&kInt));
    free(slot);
  };
  EXPECT_EQ(Check(bad, 0).count, 0u);
  EXPECT_EQ(Check(bad, 1).count, 0u);
  EXPECT_EQ(Check(bad, 2).count, 1u);
}

TEST(CheckStore, FineStores) {
  static void *global_root;
  Reported r = Check([] {
    void *x = cgosan_new(&kInt);
    void **managed = static_cast<void **>(cgosan_new(&kPtr));
    cgosan_check_store(managed, x);             // into managed memory
    void *local;
    cgosan_check_store(&local, x);              // into the G's own stack
    void **foreign = static_cast<void **>(malloc(2 * sizeof(void *)));
    cgosan_check_store(foreign, malloc(1));     // a foreign value
    cgosan_check_store(foreign, nullptr);
    cgosan_check_store(foreign, reinterpret_cast<void *>(0x1234));
    cgosan_add_root(&global_root);              // a registered root
    cgosan_check_store(&global_root, x);
    cgosan_remove_root(&global_root);
    ScopedPinner pn;
    pn.Pin(x);
    cgosan_check_store(foreign, x);             // pinned
    free(foreign);
    asm volatile("" : : "r"(&local) : "memory");
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckStore, ForeignCodeIsNotChecked) {
  // Go skips the check on g0: a store made by foreign code is its own.
  Reported r = Check([] {
    cgosan_cgocall(
        [](void *) {
          void **slot = static_cast<void **>(malloc(sizeof(void *)));
          cgosan_check_store(slot, cgosan_new(&kInt));
          free(slot);
        },
        nullptr);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckStore, ReferencesNeverGoToForeignMemory) {
  Reported r = Check([] {
    void *ch = cgosan_new(&kChan);
    ScopedPinner pn;
    pn.Pin(ch);
    void **slot = static_cast<void **>(malloc(sizeof(void *)));
    cgosan_check_store(slot, ch);
    free(slot);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(FirstMessage(r.text).find("stored managed reference 0x"),
            std::string::npos)
      << r.text;
}

TEST(CheckMemmove, CopiesChecksTheSourcesPointerSlots) {
  Reported r = Check([] {
    void **src = static_cast<void **>(cgosan_new_array(&kPtr, 8));
    void **dst = static_cast<void **>(calloc(8, sizeof(void *)));
    cgosan_check_memmove(dst, src, 8 * sizeof(void *));  // all nil: fine
    src[6] = cgosan_new(&kInt);
    cgosan_check_memmove(dst, src, 6 * sizeof(void *));  // stops before it
    cgosan_check_memmove(dst, src + 6, 1);               // under a word
    cgosan_check_memmove(dst, src, 8 * sizeof(void *));  // reported
    free(dst);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("(a 64-byte copy from 0x"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("of type 'void *[8]' (64 bytes), element 6 (offset 48)"),
            std::string::npos)
      << r.text;
}

TEST(CheckMemmove, AcrossSeveralObjects) {
  // A copy from a range that spans objects (and the gaps between them) finds
  // a pointer in a later one.
  Reported r = Check([] {
    void **objs[16];
    for (auto &o : objs) o = static_cast<void **>(cgosan_new(&kPtr));
    void **lo = objs[0], **hi = objs[0];
    for (auto *o : objs) {
      if (o < lo) lo = o;
      if (o > hi) hi = o;
    }
    *hi = cgosan_new(&kInt);
    size_t n = reinterpret_cast<char *>(hi + 1) - reinterpret_cast<char *>(lo);
    char *dst = static_cast<char *>(malloc(n));
    cgosan_check_memmove(dst, lo, n);
    free(dst);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
}

// A root slot may take a managed pointer; the copy's next word, which is
// no root, may not: the walk goes on past the first.
TEST(CheckMemmove, ARootSlotInTheCopyDoesNotEndTheCheck) {
  Reported r = Check([] {
    void **src = static_cast<void **>(cgosan_new_array(&kPtr, 2));
    src[0] = cgosan_new(&kInt);
    src[1] = cgosan_new(&kInt);
    auto **dst = static_cast<void **>(calloc(2, sizeof(void *)));
    cgosan_add_root(&dst[0]);
    cgosan_check_memmove(dst, src, 2 * sizeof(void *));
    cgosan_remove_root(&dst[0]);
    free(dst);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("element 1 (offset 8)"), std::string::npos) << r.text;
}

// A copy that starts below the arena and runs into its first object.
TEST(CheckMemmove, ACopyFromBelowTheArenaIsChecked) {
  ChildResult r = RunChild({HelperPath(), "memmove-below-arena"},
                           "cgocheck=2:halt_on_error=0");
  ASSERT_NE(r.output.find("first object at the arena's start\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(Count(r.output, "ERROR: CgoSanitizer: unpinned-pointer-store\n"
                            "managed code copied unpinned managed pointer "),
            1u)
      << r.output;
  EXPECT_NE(r.output.find("(a 16-byte copy from 0x"), std::string::npos)
      << r.output;
}

TEST(CheckMemmove, ForeignSourceIsNotRead) {
  // Uninitialised foreign memory copied into foreign memory: never read.
  Reported r = Check([] {
    void *x = cgosan_new(&kInt);
    auto **src = static_cast<void **>(malloc(4 * sizeof(void *)));
    for (int i = 0; i < 4; i++) src[i] = x;
    void *dst = malloc(4 * sizeof(void *));
    cgosan_check_memmove(dst, src, 4 * sizeof(void *));
    free(src);
    free(dst);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckMemmove, IntoManagedOrStackIsFine) {
  Reported r = Check([] {
    void **src = static_cast<void **>(cgosan_new_array(&kPtr, 2));
    src[1] = cgosan_new(&kInt);
    void **dst = static_cast<void **>(cgosan_new_array(&kPtr, 2));
    cgosan_check_memmove(dst, src, 16);
    void *local[2];
    cgosan_check_memmove(local, src, 16);
    asm volatile("" : : "r"(local) : "memory");
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

}  // namespace
}  // namespace cgotest
