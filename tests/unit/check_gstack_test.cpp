// check_gstack_test.cpp — G stacks are managed memory (issue 24): rule 1 on a
// typed pointer into a G stack, rule 3 on a result into the callback's own
// frames or into frames that outlive it, rule 4 on a stack address stored in
// foreign memory, pinning a stack address; each with the exact report
// (death tests, exit 66) and its fixed twins (a pinned heap object, a
// handle, a heap copy), which stay silent.
#include <atomic>
#include <thread>
#include <vector>

#include "check_test_util.h"

#include "gstack.h"

#define NOINLINE __attribute__((noinline))

// Outside any namespace, static: the symbolizer names them "Name(void*)".
// struct row { int64_t id; int64_t n; char *name; int64_t a, b, c; }: 48
// bytes, the pointer at offset 16 (the design's example).
struct Row {
  int64_t id, n;
  void *name;
  int64_t a, b, c;
};
static const uint8_t kRowMask[1] = {0x04};
static const cgosan_type kRow = {"struct row", 48, 24, kRowMask, 0};
static const cgosan_type kChar32 = {"char[32]", 32, 0, nullptr, 0};
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kPtr = {"void *", 8, 8, cgotest::kMask1, 0};
static const cgosan_type kChan = {"chan int", 8, 8, cgotest::kMask1,
                                  CGOSAN_TYPE_REFERENCE};
static volatile int64_t sink;
static void **foreign_slot;

// clang-format off
constexpr int AllocNameLine = __LINE__; NOINLINE static void *AllocName() { return cgosan_new(&kChar32); }
constexpr int AllocRowLine = __LINE__; NOINLINE static Row *AllocRow() { return static_cast<Row *>(cgosan_new(&kRow)); }
// clang-format on

// Rule 1: a row on the G stack whose name is an unpinned managed string.
constexpr int BindStackRowLine = __LINE__ + 5;
NOINLINE static void BindStackRow(void *) {
  Row row = {};
  row.id = 1;
  row.name = AllocName();
  cgosan_check_arg(&row, &kRow, "sqlite3_bind_blob", 2);
  sink = row.id;
}

// Rule 1: a managed row whose name points at a local of a frame that has
// returned (a pointer into the caller's live frames would be fine: the call
// keeps them).
NOINLINE static void NameAfterLocal(Row *row) {
  char name[8] = "local";
  row->name = name;
  sink = name[0];
}
constexpr int BindRowOfLocalLine = __LINE__ + 4;
NOINLINE static void BindRowOfLocal(void *) {
  Row *row = AllocRow();
  NameAfterLocal(row);
  cgosan_check_arg(row, &kRow, "sqlite3_bind_blob", 2);
}

// Rule 3: a callback returning the address of its own local.
constexpr int ReturnLocalLine = __LINE__ + 3;
NOINLINE static void ReturnLocal(void *) {
  int64_t count = 3;
  cgosan_check_result(&count, &kInt, "count_cb");
  sink = count;
}
static void ForeignCallsReturnLocal(void *) {
  cgosan_cgocallback(ReturnLocal, nullptr);
}
static void CallForeignThatCallsBack(void *) {
  cgosan_cgocall(ForeignCallsReturnLocal, nullptr);
}

// Rule 3: a callback returning a row of the frame below the cgocall, which
// outlives the callback, holding an unpinned managed pointer.
constexpr int ReturnOuterRowLine = __LINE__ + 2;
NOINLINE static void ReturnOuterRow(void *frame) {
  cgosan_check_result(frame, &kRow, "row_cb");
}
static void ForeignCallsReturnOuterRow(void *frame) {
  cgosan_cgocallback(ReturnOuterRow, frame);
}
NOINLINE static void OuterRowWithUnpinnedName(void *) {
  Row row = {};
  row.name = AllocName();
  cgosan_cgocall(ForeignCallsReturnOuterRow, &row);
  sink = row.id;
}

// Rule 4 (cgocheck=2): the address of a local stored into malloc'd memory.
constexpr int StoreLocalLine = __LINE__ + 4;
NOINLINE static void StoreLocal(void *) {
  int64_t count = 3;
  foreign_slot = static_cast<void **>(malloc(sizeof(void *)));
  cgosan_check_store(foreign_slot, &count);
  sink = count;
}
static void StoreLocalWithCgocheck2(void *) {
  cgotest::ScopedFlags flags;
  flags->cgocheck = 2;
  StoreLocal(nullptr);
}

// Pinning: stack memory cannot be pinned.
constexpr int PinLocalLine = __LINE__ + 4;
NOINLINE static void PinLocal(void *) {
  int64_t count = 3;
  cgosan_pinner *pn = cgosan_pinner_new();
  cgosan_pin(pn, &count);
  sink = count;
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";
const std::string kG = "G [0-9]+'s stack";

std::string AllocFrame(const std::string &function, int line) {
  return "    #0 " + kHex + " in " + ReEscape(function) + " [^\n]*/" +
         "check_gstack_test.cpp:" + std::to_string(line) + "(:[0-9]+)?";
}

TEST(GStackDeath, TypedArgumentOnTheStackHoldsUnpinned) {
  EXPECT_EXIT(
      cgosan_run(BindStackRow, nullptr), ExitedWithCode(66),
      ReportRegex(
          "unpinned-pointer-in-argument",
          ReEscape("argument 2 of sqlite3_bind_blob has managed pointer to "
                   "unpinned managed pointer"),
          "BindStackRow(void*)", kFile, BindStackRowLine,
          "  " + kHex + " in " + kG +
              ReEscape(", frame of BindStackRow(void*), of type 'struct row' "
                       "(48 bytes), field at offset 16") +
              "\n  holds " + kHex +
              ReEscape(", object of type 'char[32]' (32 bytes), not pinned") +
              "\n  " + kHex + " was allocated at:\n" +
              AllocFrame("AllocName()", AllocNameLine) + "\n.*"));
}

TEST(GStackDeath, ArgumentHoldsAReturnedFramesAddress) {
  EXPECT_EXIT(
      cgosan_run(BindRowOfLocal, nullptr), ExitedWithCode(66),
      ReportRegex(
          "unpinned-pointer-in-argument",
          ReEscape("argument 2 of sqlite3_bind_blob has managed pointer to "
                   "unpinned managed pointer"),
          "BindRowOfLocal(void*)", kFile, BindRowOfLocalLine,
          "  object " + kHex +
              ReEscape(" of type 'struct row' (48 bytes), field at offset 16") +
              "\n  holds " + kHex + ", in " + kG +
              ReEscape(", in a frame that has returned (stack memory cannot "
                       "be pinned)") +
              "\n  " + kHex + " was allocated at:\n" +
              AllocFrame("AllocRow()", AllocRowLine) + "\n.*"));
}

TEST(GStackDeath, ResultIntoTheCallbacksOwnFrame) {
  EXPECT_EXIT(
      cgosan_run(CallForeignThatCallsBack, nullptr), ExitedWithCode(66),
      ReportRegex("unpinned-pointer-in-result",
                  ReEscape("result of count_cb points into the callback's own "
                           "stack, which dangles once it returns"),
                  "ReturnLocal(void*)", kFile, ReturnLocalLine,
                  "  " + kHex + " is in " + kG +
                      ReEscape(", frame of ReturnLocal(void*)")));
}

TEST(GStackDeath, ResultIntoAnOuterFrameHoldingUnpinned) {
  EXPECT_EXIT(
      cgosan_run(OuterRowWithUnpinnedName, nullptr), ExitedWithCode(66),
      ReportRegex(
          "unpinned-pointer-in-result",
          ReEscape("result of row_cb points to stack memory holding unpinned "
                   "managed pointer"),
          "ReturnOuterRow(void*)", kFile, ReturnOuterRowLine,
          "  " + kHex + " in " + kG +
              ReEscape(", frame of OuterRowWithUnpinnedName(void*), of type "
                       "'struct row' (48 bytes), field at offset 16") +
              "\n  holds " + kHex +
              ReEscape(", object of type 'char[32]' (32 bytes), not pinned") +
              "\n  " + kHex + " was allocated at:\n" +
              AllocFrame("AllocName()", AllocNameLine) + "\n.*"));
}

TEST(GStackDeath, StackAddressStoredIntoForeignMemory) {
  EXPECT_EXIT(
      cgosan_run(StoreLocalWithCgocheck2, nullptr), ExitedWithCode(66),
      ReportRegex("unpinned-pointer-store",
                  "managed code stored unpinned managed pointer " + kHex +
                      " into non-managed memory at " + kHex,
                  "StoreLocal(void*)", kFile, StoreLocalLine,
                  "  " + kHex + " is in " + kG +
                      ReEscape(", frame of StoreLocal(void*) (stack memory "
                               "cannot be pinned)") +
                      "\n  " + kHex +
                      " keeps it after its frame returns, when the stack "
                      "memory is reused"));
}

TEST(GStackDeath, PinningAStackAddress) {
  EXPECT_EXIT(
      cgosan_run(PinLocal, nullptr), ExitedWithCode(66),
      ReportRegex("api-misuse",
                  "cgosan_pin: " + kHex +
                      ReEscape(" is stack memory, which cannot be pinned "
                               "(runtime.Pinner: argument is not a heap "
                               "object); copy it into a managed object "
                               "(cgosan_new) to pin it"),
                  "PinLocal(void*)", kFile, PinLocalLine,
                  "  " + kHex + " is in " + kG +
                      ReEscape(", frame of PinLocal(void*)")));
}

// ---- In process: what is reported, and the fixed twins --------------------

template <typename F>
Reported Check(F &&f, int cgocheck = 1) {
  return ReportsOf(cgocheck, [&] { RunManaged(f); });
}

// The G table's answer, as the checks see it.
TEST(GStackOwner, KnowsLiveStacksOnly) {
  EXPECT_EQ(__cgosan::GStackOwner(Addr(&kRow)), nullptr);  // foreign
  void *heap = nullptr;
  uintptr_t local_addr = 0;
  __cgosan::G *owner = nullptr;
  RunManaged([&] {
    int64_t local = 0;
    heap = cgosan_new(&kInt);
    local_addr = Addr(&local);
    owner = __cgosan::GStackOwner(local_addr);
    EXPECT_TRUE(__cgosan::InManagedRange(local_addr));
  });
  EXPECT_NE(owner, nullptr);
  EXPECT_EQ(__cgosan::GStackOwner(Addr(heap)), nullptr);  // the arena
  // The G is idle in its pool once cgosan_run returns: its stack is dead.
  EXPECT_EQ(__cgosan::GStackOwner(local_addr), nullptr);
  // The guard page below a stack is no G's.
  EXPECT_EQ(__cgosan::GStackOwner(owner->guard_lo), nullptr);
}

TEST(GStackArg, PinnedPointeeHandleAndUntypedAreSilent) {
  Reported r = Check([] {
    Row row = {};
    row.name = cgosan_new(&kChar32);
    ScopedPinner pinner;
    pinner.Pin(row.name);
    cgosan_check_arg(&row, &kRow, "pinned", 0);  // the pinned heap object
    row.name = reinterpret_cast<void *>(cgosan_handle_new(row.name));
    cgosan_check_arg(&row, &kRow, "handle", 0);  // a handle: an integer
    cgosan_handle_delete(reinterpret_cast<uintptr_t>(row.name));
    row.name = cgosan_new(&kChar32);
    cgosan_check_arg(&row, nullptr, "untyped", 0);  // extent unknown
    cgosan_check_arg(&row.id, &kInt, "field", 0);   // no pointer in it
    sink = row.id;
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// A pointer variable (the interposer's check): on the stack, the declared
// pointee's bytes; on the heap, the whole object, whatever the pointee says.
TEST(GStackArg, PointerVariableIsCheckedAsItsPointeeOnTheStack) {
  Reported stack = Check([] {
    Row row = {};
    row.name = cgosan_new(&kChar32);
    cgosan_check_arg_var(&row, &kRow, "rows_name_length", 0);
    cgosan_check_arg_var(&row, nullptr, "untyped", 0);  // void *: nothing
    sink = row.id;
  });
  ASSERT_EQ(stack.count, 1u) << stack.text;
  EXPECT_EQ(FirstMessage(stack.text),
            "argument 0 of rows_name_length has managed pointer to unpinned "
            "managed pointer");
  EXPECT_NE(stack.text.find("'s stack, frame of "), std::string::npos)
      << stack.text;
  Reported heap = Check([] {
    Row *row = AllocRow();
    row->name = cgosan_new(&kChar32);
    cgosan_check_arg_var(&row->id, &kInt, "whole_object", 0);
  });
  ASSERT_EQ(heap.count, 1u) << heap.text;
  EXPECT_NE(heap.text.find("object 0x"), std::string::npos) << heap.text;
}

// The frames the call keeps: the G parks in the cgocall with every frame
// from the caller's up, so a pointer into them is as safe as the argument
// itself (libffi's documented use: a cif on the stack pointing at a stack
// array of types, values pointing at locals).
TEST(GStackArg, PointersIntoTheCallersFramesAreKept) {
  Reported r = Check([] {
    int64_t a = 1, b = 2;
    void *values[2] = {&a, &b};
    cgosan_check_arg(values, &kPtr, "ffi_call", 3);  // stack into stack
    Row row = {};
    row.name = values;
    cgosan_check_arg(&row, &kRow, "ffi_call", 0);
    Row *heap_row = AllocRow();
    heap_row->name = &a;  // heap into stack
    cgosan_check_arg(heap_row, &kRow, "bind", 0);
    void **cell = static_cast<void **>(cgosan_new(&kPtr));
    *cell = &b;  // pinned heap into stack, one level down
    ScopedPinner pinner;
    pinner.Pin(cell);
    row.name = cell;
    cgosan_check_arg(&row, &kRow, "nested", 0);
    sink = a + b;
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(GStackArg, PinnedPointeeHoldingUnpinnedIsReported) {
  Reported r = Check([] {
    void **cell = static_cast<void **>(cgosan_new(&kPtr));
    *cell = cgosan_new(&kChar32);
    ScopedPinner pinner;
    pinner.Pin(cell);
    Row row = {};
    row.name = cell;
    cgosan_check_arg(&row, &kRow, "nested", 0);
    sink = row.id;
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "argument 0 of nested has managed pointer to pinned memory "
            "holding unpinned managed pointer");
  EXPECT_NE(r.text.find("'s stack, frame of "), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(", pinned object of type 'void *' (8 bytes), whose "
                        "field at offset 0\n"),
            std::string::npos)
      << r.text;
}

TEST(GStackArg, ReferenceSlotAndReferenceTypeAreReported) {
  Reported slot = Check([] {
    void *chan = cgosan_new(&kChan);
    void *holder[1] = {chan};
    ScopedPinner pinner;
    pinner.Pin(chan);  // pinned or not
    cgosan_check_arg(holder, &kPtr, "send", 1);
  });
  ASSERT_EQ(slot.count, 1u) << slot.text;
  EXPECT_EQ(FirstMessage(slot.text),
            "argument 1 of send has managed pointer to managed reference of "
            "type 'chan int'");
  Reported itself = Check([] {
    void *chan = nullptr;
    cgosan_check_arg(&chan, &kChan, "close", 0);
  });
  ASSERT_EQ(itself.count, 1u) << itself.text;
  EXPECT_EQ(FirstMessage(itself.text),
            "argument 0 of close is managed reference of type 'chan int', "
            "which foreign code may never hold");
}

// A type that runs past the top of the stack is clamped, never read past it.
TEST(GStackArg, TypeRunningPastTheStackTopIsClamped) {
  Reported r = Check([] {
    __cgosan::G *g = __cgosan::CurrentG();
    void **top = reinterpret_cast<void **>(g->stack_hi - 8);
    cgosan_check_arg(top, &kRow, "top", 0);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// Another G's stack (a thread parked in a cgocall) holds the struct: its
// slots are checked the same; the report names the G, not a frame.
TEST(GStackArg, AnotherGsStack) {
  Reported r = Check([] {
    Row *shared = nullptr;
    std::atomic<int> state{0};
    std::thread other([&] {
      cgosan::run([&] {
        Row row = {};
        row.name = cgosan_new(&kChar32);
        shared = &row;
        cgosan::cgocall([&] {
          state = 1;
          for (int i = 0; i < 100000 && state != 2; i++) usleep(100);
        });
        sink = row.id;
      });
    });
    for (int i = 0; i < 100000 && state != 1; i++) usleep(100);
    cgosan_check_arg(shared, &kRow, "other", 0);
    state = 2;
    other.join();
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("'s stack, of type 'struct row' (48 bytes), field at "
                        "offset 16\n"),
            std::string::npos)
      << r.text;
}

TEST(GStackResult, OuterFrameHeapCopyAndHandleAreSilent) {
  Reported r = Check([] {
    Row row = {};
    row.name = cgosan_new(&kChar32);
    ScopedPinner pinner;
    pinner.Pin(row.name);
    // A frame below the cgocall outlives the callback: its bytes are checked.
    cgosan::cgocall([&] {
      cgosan::cgocallback([&] { cgosan_check_result(&row, &kRow, "outer"); });
    });
    // The callback's own data, copied to a pinned heap object, or a handle.
    cgosan::cgocall([&] {
      cgosan::cgocallback([&] {
        int64_t count = 3;
        auto *copy = static_cast<int64_t *>(cgosan_new(&kInt));
        *copy = count;
        pinner.Pin(copy);
        cgosan_check_result(copy, &kInt, "copy");
        uintptr_t h = cgosan_handle_new(copy);
        cgosan_check_result(reinterpret_cast<void *>(h), nullptr, "handle");
        cgosan_handle_delete(h);
      });
    });
    sink = row.id;
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// A row of the frame below the cgocall, pointing at the callback's own local:
// the row outlives the callback, the local does not.
TEST(GStackResult, OuterRowHoldingTheCallbacksLocalIsReported) {
  Reported r = Check([] {
    Row row = {};
    cgosan::cgocall([&] {
      cgosan::cgocallback([&] {
        char name[8] = "local";
        row.name = name;
        cgosan_check_result(&row, &kRow, "row_cb");
        row.name = nullptr;
      });
    });
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "result of row_cb points to stack memory holding unpinned managed "
            "pointer");
  EXPECT_NE(r.text.find("(stack memory cannot be pinned)\n"), std::string::npos)
      << r.text;
}

TEST(GStackResult, OwnFrameOfAFreshGIsReported) {
  // A callback from a thread with no G runs on a fresh G: all its frames go.
  Reported r = ReportsOf(1, [] {
    std::thread([] {
      cgosan::cgocallback([] {
        int64_t count = 3;
        cgosan_check_result(&count, nullptr, "fresh");
        sink = count;
      });
    }).join();
  });
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_EQ(FirstMessage(r.text),
            "result of fresh points into the callback's own stack, which "
            "dangles once it returns");
}

TEST(GStackStore, ManagedDestinationsPinnedAndHandlesAreSilent) {
  Reported r = Check(
      [] {
        int64_t count = 3;
        void *local_slot = nullptr;
        cgosan_check_store(&local_slot, &count);  // into the G's stack
        void **heap_slot = static_cast<void **>(cgosan_new(&kPtr));
        cgosan_check_store(heap_slot, &count);  // into the heap
        void **c_slot = static_cast<void **>(malloc(sizeof(void *)));
        auto *copy = static_cast<int64_t *>(cgosan_new(&kInt));
        ScopedPinner pinner;
        pinner.Pin(copy);
        cgosan_check_store(c_slot, copy);  // a pinned heap copy
        uintptr_t h = cgosan_handle_new(copy);
        cgosan_check_store(c_slot, reinterpret_cast<void *>(h));  // a handle
        cgosan_handle_delete(h);
        free(c_slot);
        sink = count;
      },
      2);
  EXPECT_EQ(r.count, 0u) << r.text;
}

TEST(GStackStore, CopyOfAStackAddressIntoForeignMemory) {
  Reported r = Check(
      [] {
        int64_t count = 3;
        void **cell = static_cast<void **>(cgosan_new(&kPtr));
        *cell = &count;
        void *c_mem = malloc(sizeof(void *));
        cgosan_check_memmove(c_mem, cell, sizeof(void *));
        free(c_mem);
        sink = count;
      },
      2);
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(FirstMessage(r.text).find("managed code copied unpinned managed "
                                      "pointer"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("(stack memory cannot be pinned)\n"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(" keeps it after its frame returns, when the stack "
                        "memory is reused\n"),
            std::string::npos)
      << r.text;
  // cgocheck=1 does not look at stores.
  EXPECT_EQ(Check([] {
              int64_t count = 3;
              void **c_slot = static_cast<void **>(malloc(sizeof(void *)));
              cgosan_check_store(c_slot, &count);
              free(c_slot);
              sink = count;
            }).count,
            0u);
}

// A typed copy (the pass's, of a struct it knows) reads a stack source by
// its type: a stack address in it, copied into C memory, is reported; a
// pinned heap pointer is not.
TEST(GStackStore, TypedCopyOfAStackStruct) {
  Reported r = Check(
      [] {
        int64_t count = 3;
        Row row = {};
        row.name = &count;
        Row *c_row = static_cast<Row *>(malloc(sizeof(Row)));
        cgosan_check_memmove_typed(c_row, &row, sizeof(Row), &kRow);
        free(c_row);
        sink = count;
      },
      2);
  ASSERT_EQ(r.count, 1u) << r.text;
  EXPECT_NE(r.text.find("(stack memory cannot be pinned)\n"), std::string::npos)
      << r.text;
  Reported twin = Check(
      [] {
        Row row = {};
        row.name = cgosan_new(&kChar32);
        ScopedPinner pinner;
        pinner.Pin(row.name);
        Row *c_row = static_cast<Row *>(malloc(sizeof(Row)));
        cgosan_check_memmove_typed(c_row, &row, sizeof(Row), &kRow);
        free(c_row);
      },
      2);
  EXPECT_EQ(twin.count, 0u) << twin.text;
}

TEST(GStackPin, HeapCopyPinsSilently) {
  Reported r = Check([] {
    int64_t count = 3;
    auto *copy = static_cast<int64_t *>(cgosan_new(&kInt));
    *copy = count;
    ScopedPinner pinner;
    pinner.Pin(copy);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// Gs beyond the pool give their slot back, and new Gs take those slots
// first: a second crowd of Gs as large as the first uses no slot above the
// first crowd's highest; an address in a reused slot is the new G's.
uintptr_t HighestStackOfACrowd() {
  constexpr int kThreads = 80;  // more than the pool keeps
  std::vector<std::thread> threads;
  std::atomic<int> running{0};
  std::atomic<bool> go{false};
  std::atomic<uintptr_t> highest{0};
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&] {
      cgosan::run([&] {
        int64_t local = 0;
        EXPECT_EQ(__cgosan::GStackOwner(Addr(&local)), __cgosan::CurrentG());
        uintptr_t seen = highest;
        while (Addr(&local) > seen &&
               !highest.compare_exchange_weak(seen, Addr(&local))) {
        }
        running++;
        cgosan::cgocall([&] {
          for (int j = 0; j < 100000 && !go; j++) usleep(100);
        });
        sink = local;
      });
    });
  for (int j = 0; j < 100000 && running != kThreads; j++) usleep(100);
  go = true;
  for (auto &t : threads) t.join();
  return highest;
}

TEST(GStackOwner, FreedSlotsAreReused) {
  uintptr_t first = HighestStackOfACrowd();
  uintptr_t second = HighestStackOfACrowd();
  EXPECT_LE(second, first);
}

// Asked about every slot while crowds of Gs are made, run, pooled and
// dropped on other threads: it reads only the G table, so it never faults,
// and an answer is always a G whose stack holds the address.
TEST(GStackOwner, AskedWhileGsComeAndGo) {
  std::atomic<bool> done{false};
  std::atomic<long> answers{0}, wrong{0};
  std::thread asker([&] {
    uintptr_t region = __cgosan::arena_start + __cgosan::kArenaSize;
    uintptr_t step = 4096;
    for (int round = 0; round < 1000 && !done; round++)
      for (uintptr_t a = region; a < region + (256u << 20); a += step) {
        __cgosan::G *g = __cgosan::GStackOwner(a);
        if (!g)
          continue;
        answers++;
        if (a < g->stack_lo || a >= g->stack_hi)
          wrong++;
      }
  });
  HighestStackOfACrowd();
  HighestStackOfACrowd();
  done = true;
  asker.join();
  EXPECT_EQ(wrong.load(), 0) << answers.load() << " answers";
}

}  // namespace
}  // namespace cgotest
