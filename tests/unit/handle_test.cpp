// handle_test.cpp — Go's cgo.Handle with generations: values round-trip,
// handle values are roots, slots are reused under a new generation, value is
// lock-free under concurrent new/delete, and every misuse gets its own
// invalid-handle report (with the deleting stack where there is one).
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

#include <cgosan/cgosan.hpp>

#include "heap/gc.h"
#include "handle.h"
#include "report.h"

#define NOINLINE __attribute__((noinline))
#define DEATH_FN(name, params, body) \
  constexpr int name##Line = __LINE__; NOINLINE static void name(params) { body; }

static const cgosan_type kInt64 = {"int64", 8, 0, nullptr, 0};

static uintptr_t the_handle;
static volatile int sink;
static void *volatile value_sink;

// clang-format off
DEATH_FN(ValueOf, , value_sink = cgosan_handle_value(the_handle))
DEATH_FN(Delete, , cgosan_handle_delete(the_handle); sink = 1)
DEATH_FN(DeleteIt, , cgosan_handle_delete(the_handle); sink = 2)
DEATH_FN(DeleteOnG, void *, cgosan_handle_delete(the_handle); sink = 3)
// clang-format on

namespace cgotest {
namespace {

using __cgosan::HandleGeneration;
using __cgosan::HandleSlotIndex;
using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";

std::string FrameRe(const char *function, int line) {
  return "    #0 0x[0-9a-f]+ in " + ReEscape(function) + " [^\n]*/" +
         ReEscape("handle_test.cpp") + ":" + std::to_string(line) +
         "(:[0-9]+)?";
}
const std::string kMoreFrames = "(\n    #[0-9]+ [^\n]*)*";

// ---- Values -------------------------------------------------------------------

struct ValueCase {
  const char *name;
  void *(*make)();
};
void PrintTo(const ValueCase &c, std::ostream *os) { *os << c.name; }

class HandleValues : public testing::TestWithParam<ValueCase> {};

TEST_P(HandleValues, RoundTrip) {
  void *v = GetParam().make();
  uintptr_t reports = __cgosan::ReportCount();
  uintptr_t h = cgosan_handle_new(v);
  EXPECT_NE(h, 0u);
  EXPECT_EQ(HandleGeneration(h) % 2, 1u) << "live handles have odd generations";
  EXPECT_EQ(cgosan_handle_value(h), v);
  EXPECT_EQ(cgosan_handle_value(h), v);
  cgosan_handle_delete(h);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

static int a_global;
INSTANTIATE_TEST_SUITE_P(
    Pass, HandleValues,
    testing::Values(
        ValueCase{"Null", []() -> void * { return nullptr; }},
        ValueCase{"Managed", []() -> void * { return cgosan_new(&kInt64); }},
        ValueCase{"Global", []() -> void * { return &a_global; }},
        ValueCase{"Integer", []() -> void * { return reinterpret_cast<void *>(1); }},
        ValueCase{"AllOnes", []() -> void * { return reinterpret_cast<void *>(~0ul); }}),
    [](const testing::TestParamInfo<ValueCase> &info) {
      return std::string(info.param.name);
    });

TEST(Handle, DistinctLiveHandles) {
  std::vector<uintptr_t> hs;
  std::set<uintptr_t> seen;
  for (int i = 0; i < 1000; i++) {
    hs.push_back(cgosan_handle_new(reinterpret_cast<void *>(0x1000 + i)));
    EXPECT_TRUE(seen.insert(hs.back()).second);
  }
  for (int i = 0; i < 1000; i++)
    EXPECT_EQ(cgosan_handle_value(hs[i]), reinterpret_cast<void *>(0x1000 + i));
  for (uintptr_t h : hs) cgosan_handle_delete(h);
}

TEST(Handle, ValuesAreRootsUntilDelete) {
  uintptr_t before = __cgosan::NumLiveHandles();
  // Only the handle keeps the object: its address is hidden from the stack.
  uintptr_t h = cgosan_handle_new(cgosan_new(&kInt64));
  std::vector<uintptr_t> values;
  __cgosan::ForEachHandleValue(
      [](__cgosan::uptr v, void *arg) {
        static_cast<std::vector<uintptr_t> *>(arg)->push_back(v);
      },
      &values);
  uintptr_t obj = reinterpret_cast<uintptr_t>(cgosan_handle_value(h));
  EXPECT_NE(std::find(values.begin(), values.end(), obj), values.end());
  uintptr_t hidden = obj ^ 0xa5a5a5a5ul;
  obj = 0;
  DropLocalReference();
  cgosan_gc();
  cgosan_gc();
  EXPECT_EQ(cgosan_is_managed(reinterpret_cast<void *>(hidden ^ 0xa5a5a5a5ul)), 1);
  EXPECT_EQ(__cgosan::NumLiveHandles(), before + 1);
  cgosan_handle_delete(h);
  EXPECT_EQ(__cgosan::NumLiveHandles(), before);
  cgosan_gc();
  EXPECT_EQ(cgosan_is_managed(reinterpret_cast<void *>(hidden ^ 0xa5a5a5a5ul)), 0)
      << "nothing but the handle kept it";
  values.clear();
  __cgosan::ForEachHandleValue(
      [](__cgosan::uptr v, void *arg) {
        static_cast<std::vector<uintptr_t> *>(arg)->push_back(v);
      },
      &values);
  EXPECT_EQ(std::find(values.begin(), values.end(), hidden ^ 0xa5a5a5a5ul),
            values.end());
}

// Creates and deletes handles until one lands in `index` again (freed slots
// are reused first in, first out, once enough of them are free); returns it.
uintptr_t NewHandleInSlot(uintptr_t index, void *value) {
  for (int i = 0; i < 100000; i++) {
    uintptr_t h = cgosan_handle_new(value);
    if (HandleSlotIndex(h) == index)
      return h;
    cgosan_handle_delete(h);
  }
  return 0;
}

TEST(Handle, ReusedSlotGetsANewGeneration) {
  int a = 0, b = 0;
  uintptr_t old_h = cgosan_handle_new(&a);
  cgosan_handle_delete(old_h);
  uintptr_t new_h = NewHandleInSlot(HandleSlotIndex(old_h), &b);
  ASSERT_NE(new_h, 0u) << "slot never reused";
  EXPECT_NE(new_h, old_h);
  EXPECT_EQ(HandleGeneration(new_h), HandleGeneration(old_h) + 2);
  EXPECT_EQ(cgosan_handle_value(new_h), &b);
  cgosan_handle_delete(new_h);
}

// A handle just deleted is not reused at once, so its misuse still names the
// stack that deleted it.
TEST(Handle, DeletedSlotIsNotReusedAtOnce) {
  uintptr_t h = cgosan_handle_new(nullptr);
  cgosan_handle_delete(h);
  std::vector<uintptr_t> next;
  for (int i = 0; i < 16; i++) {
    next.push_back(cgosan_handle_new(nullptr));
    EXPECT_NE(HandleSlotIndex(next.back()), HandleSlotIndex(h));
  }
  for (uintptr_t n : next) cgosan_handle_delete(n);
}

// Lock-free value under 8 threads: readers check a fixed set of handles,
// writers create, check and delete their own, for a bounded time.
TEST(Handle, ValueIsConsistentUnderConcurrentNewAndDelete) {
  constexpr int kFixed = 256, kReaders = 4, kWriters = 4;
  std::vector<uintptr_t> fixed(kFixed);
  for (int i = 0; i < kFixed; i++)
    fixed[i] = cgosan_handle_new(reinterpret_cast<void *>(0x10000 + i * 8));
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, reads{0}, churned{0};
  uintptr_t reports = __cgosan::ReportCount();
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; r++)
    threads.emplace_back([&] {
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < kFixed; i++, n++)
          if (cgosan_handle_value(fixed[i]) !=
              reinterpret_cast<void *>(0x10000 + i * 8))
            wrong++;
      }
      reads += n;
    });
  for (int w = 0; w < kWriters; w++)
    threads.emplace_back([&, w] {
      long n = 0;
      uintptr_t mine[32];
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 32; i++)
          mine[i] = cgosan_handle_new(reinterpret_cast<void *>(
              (static_cast<uintptr_t>(w) << 40) | (n + i)));
        for (int i = 0; i < 32; i++)
          if (cgosan_handle_value(mine[i]) !=
              reinterpret_cast<void *>((static_cast<uintptr_t>(w) << 40) | (n + i)))
            wrong++;
        for (int i = 0; i < 32; i++) cgosan_handle_delete(mine[i]);
        n += 32;
      }
      churned += n;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto &t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
  EXPECT_GT(reads.load(), 10000);
  EXPECT_GT(churned.load(), 1000);
  for (uintptr_t h : fixed) cgosan_handle_delete(h);
}

// Plain threads move their object from handle to handle (the new one first,
// so a live handle always reaches it) while a G collects without pause: the
// collector reads the table at one moment, so it never misses the object.
TEST(Handle, MovingAValueBetweenHandlesRacesNoCollection) {
  constexpr int kMovers = 3;
  constexpr uint64_t kCollections = 2000;
  struct Obj {
    uint64_t words[8];
  };
  static const cgosan_type kObj = {"obj", sizeof(Obj), 0, nullptr, 0};
  std::atomic<bool> stop{false};
  std::atomic<long> lost{0}, moves{0};
  std::atomic<int> moving{0};
  std::vector<std::thread> movers;
  for (int t = 0; t < kMovers; t++)
    movers.emplace_back([&, t] {
      auto *o = static_cast<Obj *>(cgosan_new(&kObj));
      for (int i = 0; i < 8; i++) o->words[i] = t * 100 + i;
      uintptr_t h = cgosan_handle_new(o);
      o = nullptr;
      DropLocalReference();
      moving++;
      while (!stop.load(std::memory_order_relaxed)) {
        auto *p = static_cast<Obj *>(cgosan_handle_value(h));
        for (int i = 0; i < 8; i++) lost += p->words[i] != uint64_t(t * 100 + i);
        uintptr_t moved = cgosan_handle_new(p);
        cgosan_handle_delete(h);
        h = moved;
        moves++;
      }
      cgosan_handle_delete(h);
    });
  // The collections start once every mover holds its object only through a
  // handle: on a loaded machine they could otherwise all end before a mover
  // ran, and the test would check nothing.
  while (moving.load() < kMovers) std::this_thread::yield();
  std::thread([&] {
    cgosan::run([&] {
      for (uint64_t until = __cgosan::NumGc() + kCollections; __cgosan::NumGc() < until;)
        cgosan_gc();
    });
  }).join();
  stop = true;
  for (auto &m : movers) m.join();
  EXPECT_EQ(lost.load(), 0);
  EXPECT_GT(moves.load(), 0);
}

TEST(Handle, KeepsErrno) {
  errno = 4321;
  uintptr_t h = cgosan_handle_new(nullptr);
  sink = cgosan_handle_value(h) == nullptr;
  cgosan_handle_delete(h);
  EXPECT_EQ(errno, 4321);
}

// ---- Misuse: invalid-handle -----------------------------------------------------

struct MisuseCase {
  const char *name;
  void (*statement)();
  std::string message_re;
  const char *function;
  int line;
  std::string notes_re;
};
void PrintTo(const MisuseCase &c, std::ostream *os) { *os << c.name; }

class HandleMisuseDeath : public testing::TestWithParam<MisuseCase> {};

TEST_P(HandleMisuseDeath, ReportsAndExits66) {
  const MisuseCase &c = GetParam();
  EXPECT_EXIT(c.statement(), ExitedWithCode(66),
              ReportRegex("invalid-handle", c.message_re, c.function, kFile,
                          c.line, c.notes_re));
}

const std::string kDeletedAtDeleteIt =
    "  deleted at:\n" + FrameRe("DeleteIt()", DeleteItLine) + kMoreFrames;

INSTANTIATE_TEST_SUITE_P(
    Reports, HandleMisuseDeath,
    testing::Values(
        MisuseCase{"ValueOfZero",
                   [] {
                     the_handle = 0;
                     ValueOf();
                   },
                   ReEscape("cgosan_handle_value called with handle 0, which "
                            "is never issued (the zero value of a handle)"),
                   "ValueOf()", ValueOfLine, ""},
        MisuseCase{"DeleteZero",
                   [] {
                     the_handle = 0;
                     Delete();
                   },
                   ReEscape("cgosan_handle_delete called with handle 0, which "
                            "is never issued (the zero value of a handle)"),
                   "Delete()", DeleteLine, ""},
        MisuseCase{"ValueNeverIssued",
                   [] {
                     the_handle = (1ull << 32) | 0x7fff0000u;  // no such slot
                     ValueOf();
                   },
                   ReEscape("cgosan_handle_value called with handle "
                            "0x17fff0000, which was never issued"),
                   "ValueOf()", ValueOfLine,
                   ReEscape("  handle 0x17fff0000 would be slot 2147418111, "
                            "generation 1; ") +
                       "[0-9]+" + ReEscape(" slots exist")},
        // Past the last slot the chunks can hold: the lookup read past its
        // chunk table and crashed.
        MisuseCase{"ValueBeyondTheLastSlot",
                   [] {
                     cgosan_handle_delete(cgosan_handle_new(nullptr));
                     the_handle = (1ull << 32) | 0xffffff01u;
                     ValueOf();
                   },
                   ReEscape("cgosan_handle_value called with handle "
                            "0x1ffffff01, which was never issued"),
                   "ValueOf()", ValueOfLine, ""},
        MisuseCase{"ValueOfFutureGeneration",
                   [] {
                     uintptr_t h = cgosan_handle_new(nullptr);
                     the_handle = h + (2ull << 32);  // generation not reached
                     ValueOf();
                   },
                   "cgosan_handle_value called with handle " + kHex +
                       ", which was never issued",
                   "ValueOf()", ValueOfLine,
                   "  handle " + kHex +
                       " is slot [0-9]+, generation 3; the slot is at "
                       "generation 1"},
        MisuseCase{"DeleteEvenGeneration",
                   [] {
                     uintptr_t h = cgosan_handle_new(nullptr);
                     the_handle = h + (1ull << 32);  // even: never a handle
                     Delete();
                   },
                   "cgosan_handle_delete called with handle " + kHex +
                       ", which was never issued",
                   "Delete()", DeleteLine,
                   "  handle " + kHex +
                       " is slot [0-9]+, generation 2; the slot is at "
                       "generation 1 \\(live handles have odd generations\\)"},
        MisuseCase{"ValueOfDeleted",
                   [] {
                     the_handle = cgosan_handle_new(nullptr);
                     DeleteIt();
                     ValueOf();
                   },
                   "cgosan_handle_value called with handle " + kHex +
                       ", which was deleted",
                   "ValueOf()", ValueOfLine, kDeletedAtDeleteIt},
        MisuseCase{"DoubleDelete",
                   [] {
                     the_handle = cgosan_handle_new(nullptr);
                     DeleteIt();
                     Delete();
                   },
                   "cgosan_handle_delete called with handle " + kHex +
                       ReEscape(", which was already deleted (double delete)"),
                   "Delete()", DeleteLine, kDeletedAtDeleteIt},
        MisuseCase{"DeletedOnAG",
                   [] {
                     the_handle = cgosan_handle_new(nullptr);
                     cgosan_run(DeleteOnG, nullptr);  // frame-pointer stack
                     ValueOf();
                   },
                   "cgosan_handle_value called with handle " + kHex +
                       ", which was deleted",
                   "ValueOf()", ValueOfLine,
                   "  deleted at:\n" +
                       FrameRe("DeleteOnG(void*)", DeleteOnGLine) + kMoreFrames},
        MisuseCase{"ValueOfDeletedAfterSlotReuse",
                   [] {
                     the_handle = cgosan_handle_new(nullptr);
                     DeleteIt();
                     uintptr_t now =
                         NewHandleInSlot(HandleSlotIndex(the_handle), nullptr);
                     if (!now) _exit(3);
                     ValueOf();
                   },
                   "cgosan_handle_value called with handle " + kHex +
                       ", which was deleted",
                   "ValueOf()", ValueOfLine,
                   "  its slot was reused since: handle " + kHex +
                       " is live now\n" + kDeletedAtDeleteIt},
        MisuseCase{"DeleteAfterSlotReusedThrice",
                   [] {
                     the_handle = cgosan_handle_new(nullptr);
                     DeleteIt();
                     uintptr_t i = HandleSlotIndex(the_handle);
                     cgosan_handle_delete(NewHandleInSlot(i, nullptr));
                     cgosan_handle_delete(NewHandleInSlot(i, nullptr));
                     if (!NewHandleInSlot(i, nullptr)) _exit(3);
                     Delete();
                   },
                   "cgosan_handle_delete called with handle " + kHex +
                       ReEscape(", which was already deleted (double delete)"),
                   "Delete()", DeleteLine,
                   "  its slot was reused since: handle " + kHex +
                       " is live now\n" +
                       ReEscape("  the stack of its deletion is no longer kept "
                                "(the slot was reused since)")}),
    [](const testing::TestParamInfo<MisuseCase> &info) {
      return std::string(info.param.name);
    });

TEST(HandleMisuse, KeepsGoingWithoutHalt) {
  EXPECT_EXIT(
      {
        __cgosan::cgosan_flags_dont_use.halt_on_error = false;
        int x;
        uintptr_t h = cgosan_handle_new(&x);
        cgosan_handle_delete(h);
        void *v = cgosan_handle_value(h);  // report 1
        cgosan_handle_delete(h);           // report 2
        cgosan_handle_delete(0);           // report 3
        uintptr_t h2 = cgosan_handle_new(&x);
        fprintf(stderr, "after: value=%p reports=%d ok=%d\n", v,
                static_cast<int>(__cgosan::ReportCount()),
                cgosan_handle_value(h2) == &x);
        _exit(0);
      },
      ExitedWithCode(0), "after: value=\\(nil\\) reports=3 ok=1\n");
}

}  // namespace
}  // namespace cgotest
