// check_store_test.cpp — cgosan_check_store / cgosan_check_memmove /
// cgosan_check_memmove_typed (checkers/check_store.cpp, cgocheck=2): stores
// of managed pointers into memory the collector does not see, and the exact
// report.
#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names them "Name()".
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kPtr = {"void *", 8, 8, cgotest::kMask1, 0};
static const cgosan_type kChar64 = {"char[64]", 64, 0, nullptr, 0};
static const cgosan_type kEmpty = {"struct{}", 0, 0, nullptr, 0};
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

// An end pointer stored into foreign memory is judged by the object it ends,
// never by the object after it; a zero-size object counts as pinned.
TEST(CheckStore, EndPointersAndZeroSizeObjects) {
  void *unpinned_seen = nullptr;
  void *slot_seen = nullptr;
  Reported r = Check([&] {
    auto **foreign = static_cast<void **>(malloc(4 * sizeof(void *)));
    char *pinned = static_cast<char *>(cgosan_new(&kChar64));
    char *unpinned = static_cast<char *>(cgosan_new(&kChar64));  // maybe next
    ScopedPinner pn;
    pn.Pin(pinned);
    cgosan_check_store(&foreign[0], pinned + 64);
    cgosan_check_store(&foreign[1], cgosan_new(&kEmpty));
    cgosan_check_store(&foreign[2], cgosan_new_array(&kPtr, 0));
    auto **pair = static_cast<void **>(cgosan_new_array(&kPtr, 2));
    pair[0] = pinned;
    pair[1] = pinned + 64;
    cgosan_check_memmove(foreign, pair, 2 * sizeof(void *));
    unpinned_seen = unpinned;
    slot_seen = &foreign[3];
    cgosan_check_store(&foreign[3], unpinned + 64);
    free(foreign);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  char *end = static_cast<char *>(unpinned_seen) + 64;
  EXPECT_EQ(FirstMessage(r.text), "managed code stored unpinned managed pointer " +
                                      Hex(end) + " into non-managed memory at " +
                                      Hex(slot_seen));
  EXPECT_NE(r.text.find("  " + Hex(end) + " is the end of object " +
                        Hex(unpinned_seen) +
                        " of type 'char[64]' (64 bytes), not pinned\n"),
            std::string::npos)
      << r.text;
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

// A struct with a pointer in its second word, as the clang pass describes a
// local it copies (`*foreign = local`).
struct Row {
  long id;
  void *p;
};
const cgosan_type kRowType = {"struct row", sizeof(Row), 16, kMask2, 0};

TEST(CheckMemmoveTyped, ACopyFromTheStackIsCheckedByItsType) {
  Reported r = Check([] {
    Row local = {1, cgosan_new(&kInt)};
    void *dst = malloc(sizeof local);
    cgosan_check_memmove(dst, &local, sizeof local);  // no map: not seen
    cgosan_check_memmove_typed(dst, &local, sizeof local, nullptr);  // same
    cgosan_check_memmove_typed(dst, &local, sizeof local, &kRowType);
    free(dst);
    asm volatile("" : : "r"(&local) : "memory");
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(FirstMessage(r.text).find("managed code copied unpinned managed "
                                      "pointer 0x"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("(a 16-byte copy from 0x"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("\n  the copied type 'struct row' has a pointer at "
                        "offset 8\n  holds 0x"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("object of type 'int' (8 bytes), not pinned\n"),
            std::string::npos)
      << r.text;
}

TEST(CheckMemmoveTyped, FineCopies) {
  static Row global_row;
  Reported r = Check([] {
    void *x = cgosan_new(&kInt);
    Row local = {1, x};
    auto *foreign = static_cast<Row *>(malloc(sizeof(Row)));
    cgosan_check_memmove_typed(foreign, &local, 8, &kRowType);  // id only
    cgosan_check_memmove_typed(foreign, &local, sizeof local, &kInt);  // no pointer
    auto *managed = static_cast<Row *>(cgosan_new(&kRowType));
    cgosan_check_memmove_typed(managed, &local, sizeof local, &kRowType);
    Row other;
    cgosan_check_memmove_typed(&other, &local, sizeof local, &kRowType);  // G stack
    cgosan_add_root(&foreign->p);  // a registered root slot
    cgosan_check_memmove_typed(foreign, &local, sizeof local, &kRowType);
    cgosan_remove_root(&foreign->p);
    global_row = local;  // a global source, pinned
    ScopedPinner pn;
    pn.Pin(x);
    cgosan_check_memmove_typed(foreign, &global_row, sizeof local, &kRowType);
    free(foreign);
    asm volatile("" : : "r"(&local), "r"(&other) : "memory");
  });
  EXPECT_EQ(r.count, 0u) << r.text;
  // And nothing at all below cgocheck=2.
  auto bad = [] {
    Row local = {1, cgosan_new(&kInt)};
    void *dst = malloc(sizeof local);
    cgosan_check_memmove_typed(dst, &local, sizeof local, &kRowType);
    free(dst);
    asm volatile("" : : "r"(&local) : "memory");
  };
  EXPECT_EQ(Check(bad, 1).count, 0u);
  EXPECT_EQ(Check(bad, 2).count, 1u);
}

// n bytes are values of t in a row: the third row's pointer is found, and
// a slot the copy only partly covers is not the copy's.
TEST(CheckMemmoveTyped, TheTypeRepeatsOverTheCopy) {
  Reported r = Check([] {
    Row rows[3] = {{1, nullptr}, {2, nullptr}, {3, cgosan_new(&kInt)}};
    void *dst = malloc(sizeof rows);
    cgosan_check_memmove_typed(dst, rows, sizeof rows - 4, &kRowType);
    cgosan_check_memmove_typed(dst, rows, sizeof rows, &kRowType);
    free(dst);
    asm volatile("" : : "r"(rows) : "memory");
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("(a 48-byte copy from 0x"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("has a pointer at offset 8\n"), std::string::npos)
      << r.text;
}

// A copy of a packed struct: its pointer slot lies where C put it, at no
// word boundary, and is read and judged all the same (found by the fuzz
// target checks_fuzz: the read was misaligned, UB that UBSan reports).
TEST(CheckMemmoveTyped, AnUnalignedSourceIsRead) {
  Reported r = Check([] {
    Row row = {1, cgosan_new(&kInt)};
    alignas(8) unsigned char packed[1 + sizeof(Row)];
    memcpy(packed + 1, &row, sizeof row);
    void *dst = malloc(sizeof row);
    cgosan_check_memmove_typed(dst, packed + 1, sizeof row, &kRowType);
    free(dst);
    asm volatile("" : : "r"(&row), "r"(packed) : "memory");
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("\n  the copied type 'struct row' has a pointer at "
                        "offset 8\n  holds 0x"),
            std::string::npos)
      << r.text;
}

// A managed source is judged by the heap's map, whatever the call site says.
TEST(CheckMemmoveTyped, AManagedSourceKeepsItsOwnMap) {
  Reported r = Check([] {
    void **src = static_cast<void **>(cgosan_new(&kPtr));
    *src = cgosan_new(&kInt);
    void *dst = malloc(sizeof(void *));
    cgosan_check_memmove_typed(dst, src, sizeof(void *), &kInt);
    free(dst);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("of type 'void *' (8 bytes), field at offset 0\n"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(r.text.find("the copied type"), std::string::npos) << r.text;
}

TEST(CheckMemmoveTyped, AMalformedTypeIsApiMisuse) {
  static const cgosan_type kNoMask = {"no mask", 16, 8, nullptr, 0};
  Reported r = Check([] {
    Row local = {1, nullptr};
    void *dst = malloc(sizeof local);
    cgosan_check_memmove_typed(dst, &local, sizeof local, &kNoMask);
    free(dst);
    asm volatile("" : : "r"(&local) : "memory");
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstKind(r.text), "api-misuse") << r.text;
  EXPECT_NE(FirstMessage(r.text).find("type 'no mask' given to "
                                      "cgosan_check_memmove_typed is malformed"),
            std::string::npos)
      << r.text;
}

}  // namespace
}  // namespace cgotest
