// check_arg_test.cpp — cgosan_check_arg (checkers/check_arg.cpp): what is
// looked at (the call site's type, or the whole object), pinning one level,
// references, the false-positive shapes that must stay quiet, and the exact
// report text (death tests, exit 66).
#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names the functions exactly
// "Name()" / "Name(void*)".
// struct row { int64_t id; int64_t n; char *name; int64_t a, b, c; }: 48 bytes,
// the pointer at offset 16 (the design's example).
static const uint8_t kRowMask[1] = {0x04};
static const cgosan_type kRow = {"struct row", 48, 24, kRowMask, 0};
static const cgosan_type kChar32 = {"char[32]", 32, 0, nullptr, 0};
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kPtr = {"void *", 8, 8, cgotest::kMask1, 0};
static const cgosan_type kPtr2 = {"void *[2]", 16, 16, cgotest::kMask3, 0};
// struct pair { void *a; void *b; }
static const cgosan_type kPair = {"struct pair", 16, 16, cgotest::kMask3, 0};
// struct tagged { uintptr_t bits; void *p; } with bits an integer
static const cgosan_type kTagged = {"struct tagged", 16, 16, cgotest::kMask2, 0};
static const cgosan_type kMap = {"map[string]int", 48, 8, cgotest::kMask1,
                          CGOSAN_TYPE_REFERENCE};
static const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
static const cgosan_type kEmpty = {"struct{}", 0, 0, nullptr, 0};

// Allocation sites and checks at known lines, for the death tests. Static
// and outside namespaces, so the symbolizer names them "Name()".
// clang-format off
constexpr int AllocRowLine = __LINE__; NOINLINE static void **AllocRow() { return static_cast<void **>(cgosan_new(&kRow)); }
constexpr int AllocNameLine = __LINE__; NOINLINE static void *AllocName() { return cgosan_new(&kChar32); }
constexpr int AllocArrayLine = __LINE__; NOINLINE static void **AllocArray() { return static_cast<void **>(cgosan_new_array(&kPtr, 4)); }
constexpr int AllocCellLine = __LINE__; NOINLINE static void **AllocCell() { return static_cast<void **>(cgosan_new(&kPtr)); }
constexpr int AllocMapLine = __LINE__; NOINLINE static void *AllocMap() { return cgosan_new(&kMap); }
// clang-format on

// The design's example: argument 2 of sqlite3_bind_blob.
constexpr int BindRowLine = __LINE__ + 4;
NOINLINE static void BindRow(void *) {
  void **row = AllocRow();
  row[2] = AllocName();
  cgosan_check_arg(row, &kRow, "sqlite3_bind_blob", 2);
}

// A pinned array whose element 3 points 4 bytes into an unpinned object.
constexpr int PassNestedLine = __LINE__ + 8;
NOINLINE static void PassNested(void *) {
  void **array = AllocArray();
  array[3] = static_cast<char *>(AllocName()) + 4;
  void **cell = AllocCell();
  *cell = array;
  cgosan_pinner *pn = cgosan_pinner_new();
  cgosan_pin(pn, array);
  cgosan_check_arg(cell, &kPtr, "qsort", 0);
  cgosan_unpin(pn);
}

constexpr int PassMapLine = __LINE__ + 3;
NOINLINE static void PassMap(void *) {
  void *m = AllocMap();
  cgosan_check_arg(m, nullptr, "lua_pushlightuserdata", 1);
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";

std::string Line(int line) { return std::to_string(line) + "(:[0-9]+)?"; }
// "    #0 0x... in Function file:line" of an allocation stack.
std::string AllocFrame(const std::string &function, int line) {
  return "    #0 " + kHex + " in " + ReEscape(function) + " [^\n]*/" +
         "check_arg_test.cpp:" + Line(line);
}

TEST(CheckArgDeath, DesignExample) {
  EXPECT_EXIT(
      cgosan_run(BindRow, nullptr), ExitedWithCode(66),
      ReportRegex(
          "unpinned-pointer-in-argument",
          ReEscape("argument 2 of sqlite3_bind_blob has managed pointer to "
                   "unpinned managed pointer"),
          "BindRow(void*)", kFile, BindRowLine,
          "  object " + kHex + ReEscape(" of type 'struct row' (48 bytes), "
                                        "field at offset 16") +
              "\n  holds " + kHex +
              ReEscape(", object of type 'char[32]' (32 bytes), not pinned") +
              "\n  " + kHex + " was allocated at:\n" +
              AllocFrame("AllocName()", AllocNameLine) + "\n.*  " + kHex +
              " was allocated at:\n" + AllocFrame("AllocRow()", AllocRowLine) +
              "\n.*"));
}

TEST(CheckArgDeath, PinnedTargetHoldsUnpinned) {
  EXPECT_EXIT(
      cgosan_run(PassNested, nullptr), ExitedWithCode(66),
      ReportRegex(
          "unpinned-pointer-in-argument",
          ReEscape("argument 0 of qsort has managed pointer to pinned memory "
                   "holding unpinned managed pointer"),
          "PassNested(void*)", kFile, PassNestedLine,
          "  object " + kHex +
              ReEscape(" of type 'void *' (8 bytes), field at offset 0") +
              "\n  holds " + kHex +
              ReEscape(", pinned object of type 'void *[4]' (32 bytes), whose "
                       "element 3 (offset 24)") +
              "\n  holds " + kHex + ", 4 bytes into object " + kHex +
              ReEscape(" of type 'char[32]' (32 bytes), not pinned") + "\n  " +
              kHex + " was allocated at:\n" +
              AllocFrame("AllocName()", AllocNameLine) + "\n.*  " + kHex +
              " was allocated at:\n" +
              AllocFrame("AllocArray()", AllocArrayLine) + "\n.*  " + kHex +
              " was allocated at:\n" +
              AllocFrame("AllocCell()", AllocCellLine) + "\n.*"));
}

TEST(CheckArgDeath, ReferenceArgument) {
  EXPECT_EXIT(
      cgosan_run(PassMap, nullptr), ExitedWithCode(66),
      ReportRegex("unpinned-pointer-in-argument",
                  ReEscape("argument 1 of lua_pushlightuserdata is managed "
                           "reference of type 'map[string]int', which foreign "
                           "code may never hold"),
                  "PassMap(void*)", kFile, PassMapLine,
                  "  " + kHex + ReEscape(" is object of type 'map[string]int' "
                                         "(48 bytes)") +
                      "\n  " + kHex + " was allocated at:\n" +
                      AllocFrame("AllocMap()", AllocMapLine) + "\n.*"));
}

// ---- Semantics, in process (halt_on_error=0, reports captured) ---------------

// Runs f on a G with cgocheck=1 and returns what it reported.
template <typename F>
Reported Check(F &&f, int cgocheck = 1) {
  return ReportsOf(cgocheck, [&] { RunManaged(f); });
}

TEST(CheckArg, ForeignMemoryIsNeverRead) {
  // Uninitialised foreign memory that happens to hold managed addresses
  // (golang/go#19928's shape), passed typed and untyped: not looked at.
  Reported r = Check([] {
    void *target = cgosan_new(&kInt);
    auto **foreign = static_cast<void **>(malloc(4 * sizeof(void *)));
    for (int i = 0; i < 4; i++) foreign[i] = target;
    cgosan_check_arg(foreign, nullptr, "f", 0);
    cgosan_check_arg(foreign, &kPair, "f", 0);
    free(foreign);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckArg, IntegerThatLooksLikeAPointer) {
  // A word the heap's map does not call a pointer (golang/go#14426): quiet,
  // even when the call site's type says pointer there.
  Reported r = Check([] {
    auto *t = static_cast<uintptr_t *>(cgosan_new(&kTagged));
    t[0] = reinterpret_cast<uintptr_t>(cgosan_new(&kInt));
    cgosan_check_arg(t, nullptr, "f", 0);
    cgosan_check_arg(t, &kPair, "f", 0);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// G stacks are managed memory: their shapes are in check_gstack_test.cpp.
TEST(CheckArg, ForeignPointersAndNilAreFine) {
  Reported r = Check([] {
    auto **pair = static_cast<void **>(cgosan_new(&kPair));
    pair[0] = malloc(16);  // a pointer into foreign memory (golang/go#22788)
    cgosan_check_arg(pair, nullptr, "f", 0);
    cgosan_check_arg(nullptr, nullptr, "f", 0);
    cgosan_check_arg(nullptr, &kPair, "f", 0);
    free(pair[0]);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(CheckArg, OnlyTheCallSitesTypeIsChecked) {
  Reported r = Check([] {
    auto **pair = static_cast<void **>(cgosan_new(&kPair));
    pair[1] = cgosan_new(&kInt);
    cgosan_check_arg(&pair[0], &kPtr, "f", 0);   // a field: only word 0
    cgosan_check_arg(&pair[0], &kInt, "f", 0);   // no pointers: not looked at
  });
  EXPECT_EQ(r.count, 0u) << r.text;
  r = Check([] {
    auto **pair = static_cast<void **>(cgosan_new(&kPair));
    pair[1] = cgosan_new(&kInt);
    cgosan_check_arg(&pair[1], &kPtr, "f", 0);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("field at offset 8"), std::string::npos) << r.text;
}

TEST(CheckArg, TypeRunningPastTheObjectIsClamped) {
  Reported r = Check([] {
    auto **pair = static_cast<void **>(cgosan_new(&kPair));
    // "void *[2]" at pair[1] would run 8 bytes past the object.
    cgosan_check_arg(&pair[1], &kPtr2, "f", 0);
    pair[1] = cgosan_new(&kInt);
    cgosan_check_arg(&pair[1], &kPtr2, "g", 0);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("argument 0 of g"), std::string::npos) << r.text;
}

TEST(CheckArg, PinnedIsFollowedOneLevel) {
  // a -> pinned b -> pinned c -> unpinned d: b and c are fine; c is not
  // followed (pinning is not transitive, and Go checks one level).
  Reported r = Check([] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    void **b = static_cast<void **>(cgosan_new(&kPtr));
    void **c = static_cast<void **>(cgosan_new(&kPtr));
    *a = b;
    *b = c;
    *c = cgosan_new(&kInt);
    ScopedPinner pn;
    pn.Pin(b);
    pn.Pin(c);
    cgosan_check_arg(a, nullptr, "f", 0);
    pn.Unpin();
    pn.Pin(b);  // now c, held by pinned b, is not pinned
    cgosan_check_arg(a, nullptr, "g", 0);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of g has managed pointer to pinned memory holding "
            "unpinned managed pointer");
}

TEST(CheckArg, PinningTheArgumentItselfChangesNothing) {
  // The argument is pinned by the call anyway; what it holds must be pinned.
  Reported r = Check([] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    *a = cgosan_new(&kInt);
    ScopedPinner pn;
    pn.Pin(a);
    cgosan_check_arg(a, nullptr, "f", 0);
    pn.Pin(*a);
    cgosan_check_arg(a, nullptr, "g", 0);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("argument 0 of f"), std::string::npos) << r.text;
}

TEST(CheckArg, SelfReferenceIsUnpinned) {
  // As Go: the argument's own object in one of its slots is not pinned.
  Reported r = Check([] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    *a = a;
    cgosan_check_arg(a, nullptr, "f", 0);
  });
  EXPECT_EQ(r.count, 1u) << r.text;
}

TEST(CheckArg, ReferencesFailPinnedOrNot) {
  Reported r = Check([] {
    void *m = cgosan_new(&kMap);
    void **cell = static_cast<void **>(cgosan_new(&kPtr));
    *cell = m;
    ScopedPinner pn;
    pn.Pin(m);
    cgosan_check_arg(cell, nullptr, "f", 0);  // a slot holding a reference
    cgosan_check_arg(m, &kMap, "g", 1);       // the reference itself
    cgosan_check_arg(m, nullptr, "h", 2);     // untyped, into a reference
  });
  EXPECT_EQ(r.count, 3u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of f has managed pointer to managed reference of type "
            "'map[string]int'");
  EXPECT_NE(r.text.find("argument 1 of g is managed reference of type "
                        "'map[string]int', which foreign code may never hold"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("argument 2 of h is managed reference"),
            std::string::npos)
      << r.text;
}

TEST(CheckArg, ArrayElementsAndInteriorPointers) {
  Reported r = Check([] {
    void **array = static_cast<void **>(cgosan_new_array(&kPair, 3));
    array[5] = static_cast<char *>(cgosan_new(&kChar32)) + 8;  // element 2.b
    cgosan_check_arg(&array[2], nullptr, "f", 0);  // untyped: whole object
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("of type 'struct pair[3]' (48 bytes), element 2, field "
                        "at offset 8 in it (offset 40)"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(", 8 bytes into object 0x"), std::string::npos)
      << r.text;
}

TEST(CheckArg, UnknownCallee) {
  Reported r = Check([] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    *a = cgosan_new(&kInt);
    cgosan_check_arg(a, nullptr, nullptr, 3);
  });
  EXPECT_EQ(FirstMessage(r.text),
            "argument 3 of <unknown function> has managed pointer to unpinned "
            "managed pointer");
}

TEST(CheckArg, CgocheckZeroChecksNothing) {
  auto bad = [] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    *a = cgosan_new(&kInt);
    cgosan_check_arg(a, nullptr, "f", 0);
    cgosan_check_arg(cgosan_new(&kMap), nullptr, "f", 0);
  };
  EXPECT_EQ(Check(bad, 0).count, 0u);
  EXPECT_EQ(Check(bad, 1).count, 2u);
  EXPECT_EQ(Check(bad, 2).count, 2u);
}

// ---- End pointers (C's pointer one past the end) -------------------------

// {begin, end} pairs over pinned buffers, each buffer followed by an unpinned
// one (it may be the next slot): the end pointer is the buffer's own, never
// the next object's base, at a size that fills its size class and at a large
// size of whole pages. Before slots had room for it, the first pair was
// reported, naming the unrelated next buffer.
TEST(CheckArg, EndPointersOfPinnedBuffersAreFine) {
  for (size_t n : {size_t{32}, size_t{64} << 10}) {
    Reported r = Check([n] {
      constexpr int kBuffers = 8;
      char *buf[kBuffers];
      for (char *&b : buf) b = static_cast<char *>(cgosan_new_array(&kByte, n));
      ScopedPinner pn;
      for (int i = 0; i < kBuffers; i += 2) {
        pn.Pin(buf[i]);
        auto **pair = static_cast<char **>(cgosan_new(&kPair));
        pair[0] = buf[i];
        pair[1] = buf[i] + n;
        cgosan_check_arg(pair, nullptr, "f", 0);
        cgosan_check_arg(pair, &kPair, "f", 0);
        pair[0] = nullptr;  // begin used up: end alone
        cgosan_check_arg(pair, nullptr, "f", 0);
      }
    });
    EXPECT_EQ(r.count, 0u) << "size " << n << "\n" << r.text;
  }
}

// An end pointer refers to the object it ends, which must be pinned like any
// object a passed slot points into: the report names that buffer.
TEST(CheckArg, EndPointerOfAnUnpinnedBufferNamesIt) {
  char *buf = nullptr;
  Reported r = Check([&] {
    buf = static_cast<char *>(cgosan_new(&kChar32));
    auto **pair = static_cast<char **>(cgosan_new(&kPair));
    pair[1] = buf + 32;
    cgosan_check_arg(pair, nullptr, "inflate", 0);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of inflate has managed pointer to unpinned managed pointer");
  EXPECT_NE(r.text.find("field at offset 8\n  holds " + Hex(buf + 32) +
                        ", the end of object " + Hex(buf) +
                        " of type 'char[32]' (32 bytes), not pinned\n"),
            std::string::npos)
      << r.text;
}

// An end pointer passed itself, untyped, checks the object it ends (as an
// interior pointer would); typed, the type's bytes lie past the object.
TEST(CheckArg, EndPointerArgumentChecksTheObjectItEnds) {
  Reported r = Check([] {
    void **array = static_cast<void **>(cgosan_new_array(&kPtr, 4));
    array[3] = cgosan_new(&kInt);
    cgosan_check_arg(array + 4, &kPtr, "f", 0);
    cgosan_check_arg(array + 4, nullptr, "g", 0);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of g has managed pointer to unpinned managed pointer");
  EXPECT_NE(r.text.find("of type 'void *[4]' (32 bytes), element 3 (offset 24)"),
            std::string::npos)
      << r.text;
}

// ---- Zero-size objects (Go's zerobase) --------------------------------------

// Every zero-size allocation is one address that counts as pinned: passed,
// or held by a passed object, it is never reported.
TEST(CheckArg, ZeroSizeObjectsAreNeverReported) {
  Reported r = Check([] {
    void *empty = cgosan_new(&kEmpty);
    void *none = cgosan_new_array(&kPtr, 0);
    auto **pair = static_cast<void **>(cgosan_new(&kPair));
    pair[0] = empty;
    pair[1] = none;
    cgosan_check_arg(pair, nullptr, "f", 0);
    cgosan_check_arg(pair, &kPair, "f", 0);
    cgosan_check_arg(empty, nullptr, "f", 1);
    cgosan_check_arg(none, &kPtr, "f", 2);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// The walk tests a mask byte's eight words together and looks at a slot
// only when its value is managed: a single unpinned pointer among foreign
// ones is found wherever it sits, in a whole mask byte (words 0-15) or in
// the last, partial one (words 16-18), passed untyped or typed.
TEST(CheckArg, EverySlotOfTheMaskBytesIsJudged) {
  static const uint8_t kNineteenSlots[3] = {0xff, 0xff, 0x07};
  static const cgosan_type kTable = {"struct table", 160, 152, kNineteenSlots, 0};
  constexpr int kSlots = 19;
  for (const cgosan_type *t : {static_cast<const cgosan_type *>(nullptr), &kTable}) {
    for (int bad = 0; bad < kSlots; bad++) {
      Reported r = Check([&] {
        auto **table = static_cast<void **>(cgosan_new(&kTable));
        char *foreign = static_cast<char *>(malloc(kSlots));
        for (int i = 0; i < kSlots; i++)
          table[i] = foreign + i;
        table[bad] = cgosan_new(&kInt);
        cgosan_check_arg(table, t, "f", 0);
        free(foreign);
      });
      EXPECT_EQ(r.count, 1u) << "slot " << bad << (t ? " typed" : " untyped");
      EXPECT_NE(r.text.find("field at offset " + std::to_string(8 * bad) + "\n"),
                std::string::npos)
          << r.text;
    }
  }
}

// ---- The arena path: one span lookup, the object's shape, range compares ---

// struct table1k { char bytes[1016]; void *last; }: 1 KiB whose one pointer
// slot is its last word.
static const uint8_t kLastWordOf128[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0x80};
static const cgosan_type kLastSlot1K = {"struct table1k", 1024, 1024,
                                        kLastWordOf128, 0};
static const cgosan_type kBytes1K = {"char[1024]", 1024, 0, nullptr, 0};

// An untyped check learns from the span that pointer-free objects have
// nothing to find, and looks at the last word of an object of the same size
// in a span of objects with pointers, whether passed by its base, an
// interior pointer or its end pointer (each found through the span the
// entry point looked up, then the object's shape).
TEST(CheckArg, UntypedArenaChecksFollowTheSpanClass) {
  Reported r = Check([] {
    auto **bytes = static_cast<void **>(cgosan_new(&kBytes1K));
    bytes[127] = cgosan_new(&kInt);  // not a pointer slot of char[1024]
    cgosan_check_arg(bytes, nullptr, "quiet", 0);
    cgosan_check_arg(&bytes[127], nullptr, "quiet", 0);
    auto **table = static_cast<void **>(cgosan_new(&kLastSlot1K));
    table[127] = cgosan_new(&kInt);
    cgosan_check_arg(table, nullptr, "f", 1);
    cgosan_check_arg(&table[64], nullptr, "f", 2);
    cgosan_check_arg(table + 128, nullptr, "f", 3);
  });
  ASSERT_EQ(r.count, 3u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 1 of f has managed pointer to unpinned managed pointer");
  EXPECT_EQ(r.text.find("quiet"), std::string::npos) << r.text;
  for (const char *argno : {"argument 1 ", "argument 2 ", "argument 3 "})
    EXPECT_NE(r.text.find(argno), std::string::npos) << argno << r.text;
  size_t at = 0;
  for (int i = 0; i < 3; i++) {
    at = r.text.find("of type 'struct table1k' (1024 bytes), field at offset 1016\n", at);
    ASSERT_NE(at, std::string::npos) << "report " << i << "\n" << r.text;
    at++;
  }
}

// An object whose slot runs over a page boundary (3000 bytes: a class whose
// spans have two pages), and a large object of eight pages, each passed
// untyped by a pointer into its last page: that page's span entry leads to
// the object's base, and its last word is judged.
TEST(CheckArg, ObjectsOverPagesAreFoundFromAnyPage) {
  static uint8_t last_word_of_375[47];
  last_word_of_375[46] = 0x40;  // word 374, at offset 2992
  static const cgosan_type kLastSlot3000 = {"struct table3000", 3000, 3000,
                                            last_word_of_375, 0};
  static uint8_t last_word_of_8192[1024];
  last_word_of_8192[1023] = 0x80;
  static const cgosan_type kLastSlot64K = {"struct table64k", 64 << 10, 64 << 10,
                                           last_word_of_8192, 0};
  constexpr uintptr_t kPage = 8 << 10;
  Reported r = Check([] {
    void **straddling = nullptr;
    for (int i = 0; i < 32 && !straddling; i++) {
      auto **t = static_cast<void **>(cgosan_new(&kLastSlot3000));
      if (Addr(t) / kPage != Addr(&t[374]) / kPage)
        straddling = t;
    }
    ASSERT_NE(straddling, nullptr);
    straddling[374] = cgosan_new(&kInt);
    cgosan_check_arg(&straddling[374], nullptr, "small", 0);
    auto **large = static_cast<void **>(cgosan_new(&kLastSlot64K));
    large[8191] = cgosan_new(&kInt);
    cgosan_check_arg(&large[8000], nullptr, "large", 0);
    cgosan_check_arg(large + 8192, nullptr, "large", 1);
  });
  ASSERT_EQ(r.count, 3u) << r.text;
  EXPECT_NE(r.text.find("argument 0 of small "), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("of type 'struct table3000' (3000 bytes), field at offset 2992\n"),
            std::string::npos)
      << r.text;
  size_t first = r.text.find("of type 'struct table64k' (65536 bytes), field at offset 65528\n");
  ASSERT_NE(first, std::string::npos) << r.text;
  EXPECT_NE(r.text.find("of type 'struct table64k' (65536 bytes), field at offset 65528\n",
                        first + 1),
            std::string::npos)
      << r.text;
}

// The range compares come before any judgement: slots holding foreign
// pointers and integers around one pinned pointer whose target holds an
// unpinned one (found one level down), and the same object with that
// target's slot cleared, which is quiet.
TEST(CheckArg, RangeComparesLeaveManagedSlotsToTheJudgement) {
  Reported r = Check([] {
    auto **table = static_cast<void **>(cgosan_new(&kLastSlot1K));
    auto **cell = static_cast<void **>(cgosan_new(&kPtr));
    *cell = cgosan_new(&kInt);
    table[127] = cell;
    ScopedPinner pn;
    pn.Pin(cell);
    cgosan_check_arg(table, nullptr, "nested", 0);
    *cell = malloc(8);
    cgosan_check_arg(table, nullptr, "quiet", 0);
    free(*cell);
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of nested has managed pointer to pinned memory holding "
            "unpinned managed pointer");
}

TEST(CheckArg, ErrnoIsKept) {
  Reported r = Check([] {
    void **a = static_cast<void **>(cgosan_new(&kPtr));
    *a = cgosan_new(&kInt);
    errno = 4242;
    cgosan_check_arg(a, nullptr, "f", 0);
    EXPECT_EQ(errno, 4242);
  });
  EXPECT_EQ(r.count, 1u);
}

}  // namespace
}  // namespace cgotest
