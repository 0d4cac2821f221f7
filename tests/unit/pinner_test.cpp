// pinner_test.cpp — Go's runtime.Pinner over the managed heap: what pins
// (any pointer into an object pins the object), counting across pinners,
// no transitivity, the lock-free pinned-object table under concurrent pins,
// and the exact reports of every misuse (api-misuse, pinner-leak).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

#include "heap/heap.h"
#include "pinner.h"
#include "report.h"

// Functions that misbehave live outside any namespace and are static, so the
// symbolizer names them exactly; DEATH_FN keeps the line of the call.
#define NOINLINE __attribute__((noinline))
#define DEATH_FN(name, params, body) \
  constexpr int name##Line = __LINE__; NOINLINE static void name(params) { body; }

static const uint8_t kOnePointer[] = {0x1};
static const cgosan_type kInt64 = {"int64", 8, 0, nullptr, 0};
static const cgosan_type kBlob20 = {"blob20", 20, 0, nullptr, 0};
static const cgosan_type kNode = {"struct node", 16, 8, kOnePointer, 0};

static void *pin_target;
static cgosan_pinner *misuse_pinner;
static volatile int sink;

// clang-format off
DEATH_FN(PinWithNullPinner, , cgosan_pin(nullptr, pin_target))
DEATH_FN(UnpinNullPinner, , cgosan_unpin(nullptr))
DEATH_FN(FreeNullPinner, , cgosan_pinner_free(nullptr))
DEATH_FN(PinNull, , cgosan_pin(misuse_pinner, nullptr))
DEATH_FN(PinTarget, , cgosan_pin(misuse_pinner, pin_target))
DEATH_FN(PinOnFreedPinner, , cgosan_pin(misuse_pinner, pin_target))
DEATH_FN(FreePinner, , cgosan_pinner_free(misuse_pinner))
// clang-format on
NOINLINE static void PinLocal() {
  volatile long local = 1;
  pin_target = const_cast<long *>(&local);
  PinTarget();
  sink = static_cast<int>(local);
}

// The leak: three pins taken here (two on one object), then the free.
static void *leaked[2];
// clang-format off
constexpr int kPinFirstLine = __LINE__; NOINLINE static void PinFirst(cgosan_pinner *pn) { cgosan_pin(pn, leaked[0]); sink = 1; }
constexpr int kPinSecondLine = __LINE__; NOINLINE static void PinSecond(cgosan_pinner *pn) { cgosan_pin(pn, static_cast<char *>(leaked[1]) + 4); sink = 2; }
// clang-format on
// clang-format off
constexpr int kPinOnGLine = __LINE__; NOINLINE static void PinOnG(void *) { cgosan_pin(misuse_pinner, leaked[0]); sink = 3; }
// clang-format on
NOINLINE static void LeakPinTakenOnG() {
  leaked[0] = cgosan_new(&kInt64);
  misuse_pinner = cgosan_pinner_new();
  cgosan_run(PinOnG, nullptr);  // the pin's stack is a frame-pointer walk
  FreePinner();
}
NOINLINE static void LeakPins() {
  leaked[0] = cgosan_new(&kNode);
  leaked[1] = cgosan_new_array(&kInt64, 4);
  misuse_pinner = cgosan_pinner_new();
  PinFirst(misuse_pinner);
  PinSecond(misuse_pinner);
  PinFirst(misuse_pinner);
  FreePinner();
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;

uintptr_t U(const void *p) { return reinterpret_cast<uintptr_t>(p); }
bool Pinned(const void *p) {
  __cgosan::ObjectInfo info;
  return __cgosan::FindObject(U(p), &info) && __cgosan::IsPinned(info.base);
}
std::vector<uintptr_t> PinnedBases() {
  std::vector<uintptr_t> out;
  __cgosan::ForEachPinnedObject(
      [](__cgosan::uptr base, void *arg) {
        static_cast<std::vector<uintptr_t> *>(arg)->push_back(base);
      },
      &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---- What a pin pins --------------------------------------------------------

struct PinCase {
  const char *name;
  const cgosan_type *type;
  size_t count;      // 0: cgosan_new, else cgosan_new_array
  size_t offset;     // pin base + offset
};
void PrintTo(const PinCase &c, std::ostream *os) { *os << c.name; }

class PinPasses : public testing::TestWithParam<PinCase> {};

TEST_P(PinPasses, PinsTheWholeObjectUntilUnpin) {
  const PinCase &c = GetParam();
  char *obj = static_cast<char *>(c.count ? cgosan_new_array(c.type, c.count)
                                          : cgosan_new(c.type));
  ASSERT_NE(obj, nullptr);
  size_t size = c.type->size * (c.count ? c.count : 1);
  EXPECT_FALSE(__cgosan::IsPinned(U(obj)));
  cgosan_pinner *pn = cgosan_pinner_new();
  uintptr_t reports = __cgosan::ReportCount();
  cgosan_pin(pn, obj + c.offset);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
  EXPECT_TRUE(__cgosan::IsPinned(U(obj)));  // keyed by the object's base
  EXPECT_TRUE(Pinned(obj + size - 1));
  std::vector<uintptr_t> bases = PinnedBases();
  EXPECT_NE(std::find(bases.begin(), bases.end(), U(obj)), bases.end());
  cgosan_unpin(pn);
  EXPECT_FALSE(__cgosan::IsPinned(U(obj)));
  cgosan_pinner_free(pn);
}

INSTANTIATE_TEST_SUITE_P(
    Pointers, PinPasses,
    testing::Values(PinCase{"Base", &kInt64, 0, 0},
                    PinCase{"Interior", &kNode, 0, 8},
                    PinCase{"LastByte", &kBlob20, 0, 19},
                    PinCase{"ArrayElement", &kInt64, 16, 8 * 7},
                    PinCase{"LargeObjectMiddle", &kInt64, 8192, 8 * 5000}),
    [](const testing::TestParamInfo<PinCase> &info) {
      return std::string(info.param.name);
    });

TEST(Pinner, PinsAreCountedAcrossPinners) {
  void *obj = cgosan_new(&kInt64);
  void *other = cgosan_new(&kInt64);
  cgosan_pinner *a = cgosan_pinner_new();
  cgosan_pinner *b = cgosan_pinner_new();
  uintptr_t before = __cgosan::NumPinnedObjects();
  cgosan_pin(a, obj);
  cgosan_pin(b, obj);
  cgosan_pin(b, other);
  EXPECT_EQ(__cgosan::NumPinnedObjects(), before + 2);
  cgosan_unpin(a);
  EXPECT_TRUE(Pinned(obj)) << "b still pins it";
  EXPECT_TRUE(Pinned(other));
  cgosan_unpin(b);
  EXPECT_FALSE(Pinned(obj));
  EXPECT_FALSE(Pinned(other));
  EXPECT_EQ(__cgosan::NumPinnedObjects(), before);
  // Pinning again after cgosan_unpin: a pinner is reusable.
  cgosan_pin(a, obj);
  EXPECT_TRUE(Pinned(obj));
  cgosan_unpin(a);
  EXPECT_FALSE(Pinned(obj));
  cgosan_pinner_free(a);
  cgosan_pinner_free(b);
}

TEST(Pinner, PinsAreCountedWithinOnePinner) {
  char *obj = static_cast<char *>(cgosan_new(&kNode));
  cgosan_pinner *a = cgosan_pinner_new();
  cgosan_pinner *b = cgosan_pinner_new();
  cgosan_pin(a, obj);
  cgosan_pin(a, obj + 8);  // same object, through another pointer
  cgosan_pin(b, obj);
  cgosan_unpin(b);
  EXPECT_TRUE(Pinned(obj));
  cgosan_unpin(a);  // releases both of a's pins
  EXPECT_FALSE(Pinned(obj));
  cgosan_unpin(a);  // unpinning an empty pinner is fine
  cgosan_pinner_free(a);
  cgosan_pinner_free(b);
}

TEST(Pinner, PinningIsNotTransitive) {
  void **node = static_cast<void **>(cgosan_new(&kNode));
  void *target = cgosan_new(&kInt64);
  node[0] = target;
  cgosan_pinner *pn = cgosan_pinner_new();
  cgosan_pin(pn, node);
  EXPECT_TRUE(Pinned(node));
  EXPECT_FALSE(Pinned(target));
  cgosan_unpin(pn);
  cgosan_pinner_free(pn);
}

TEST(Pinner, PinnedObjectsSurviveCollection) {
  cgosan_pinner *pn = cgosan_pinner_new();
  // Only the pin keeps it: the address is kept hidden from the collector.
  uintptr_t hidden = U(cgosan_new(&kBlob20)) ^ 0x5a5a5a5aul;
  cgosan_pin(pn, reinterpret_cast<void *>(hidden ^ 0x5a5a5a5aul));
  DropLocalReference();
  cgosan_gc();
  cgosan_gc();
  EXPECT_EQ(cgosan_is_managed(reinterpret_cast<void *>(hidden ^ 0x5a5a5a5aul)), 1);
  cgosan_unpin(pn);
  cgosan_pinner_free(pn);
  cgosan_gc();
  EXPECT_EQ(cgosan_is_managed(reinterpret_cast<void *>(hidden ^ 0x5a5a5a5aul)), 0)
      << "nothing but the pin kept it";
}

TEST(Pinner, ManyObjectsThroughTableRebuilds) {
  constexpr int kObjects = 5000;
  std::vector<void *> objs(kObjects);
  for (auto &o : objs) o = cgosan_new(&kInt64);
  void **slots = objs.data();
  for (int i = 0; i < kObjects; i++) cgosan_add_root(&slots[i]);
  uintptr_t before = __cgosan::NumPinnedObjects();
  cgosan_pinner *pn = cgosan_pinner_new();
  cgosan_pinner *odd = cgosan_pinner_new();
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < kObjects; i++) cgosan_pin(i % 2 ? odd : pn, objs[i]);
    EXPECT_EQ(__cgosan::NumPinnedObjects(), before + kObjects);
    cgosan_unpin(pn);  // leaves tombstones for the even ones
    for (int i = 0; i < kObjects; i++)
      ASSERT_EQ(Pinned(objs[i]), i % 2 == 1) << "round " << round << " object " << i;
    cgosan_unpin(odd);
    EXPECT_EQ(__cgosan::NumPinnedObjects(), before);
  }
  cgosan_pinner_free(pn);
  cgosan_pinner_free(odd);
  for (int i = 0; i < kObjects; i++) cgosan_remove_root(&slots[i]);
}

// Readers see a stable answer for objects whose state does not change while
// writers pin and unpin other objects (and the table is rebuilt under them).
TEST(Pinner, IsPinnedIsStableUnderConcurrentPins) {
  constexpr int kStable = 64, kChurn = 2048, kWriters = 4, kReaders = 4;
  std::vector<void *> stable(kStable), unpinned(kStable), churn(kChurn);
  for (auto &o : stable) o = cgosan_new(&kInt64);
  for (auto &o : unpinned) o = cgosan_new(&kInt64);
  for (auto &o : churn) o = cgosan_new(&kInt64);
  std::vector<void **> roots;
  for (auto *v : {&stable, &unpinned, &churn})
    for (auto &o : *v) {
      roots.push_back(&o);
      cgosan_add_root(&o);
    }
  std::vector<uintptr_t> stable_base, unpinned_base;
  for (void *o : stable) stable_base.push_back(U(o));
  for (void *o : unpinned) unpinned_base.push_back(U(o));
  cgosan_pinner *keep = cgosan_pinner_new();
  for (void *o : stable) cgosan_pin(keep, o);

  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++)
    threads.emplace_back([&, w] {
      cgosan_pinner *pn = cgosan_pinner_new();
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = w; i < kChurn; i += kWriters) cgosan_pin(pn, churn[i]);
        cgosan_unpin(pn);
      }
      cgosan_pinner_free(pn);
    });
  for (int r = 0; r < kReaders; r++)
    threads.emplace_back([&] {
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < kStable; i++) {
          if (!__cgosan::IsPinned(stable_base[i])) wrong++;
          if (__cgosan::IsPinned(unpinned_base[i])) wrong++;
          n += 2;
        }
      }
      reads += n;
    });
  usleep(500 * 1000);
  stop = true;
  for (auto &t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(reads.load(), 1000);
  for (void *o : churn) EXPECT_FALSE(Pinned(o));
  cgosan_unpin(keep);
  cgosan_pinner_free(keep);
  for (void **slot : roots) cgosan_remove_root(slot);
}

TEST(Pinner, PinFromManagedCodeAndCallbacks) {
  struct Frame {
    void *obj;
    cgosan_pinner *pn;
  } f = {cgosan_new(&kInt64), cgosan_pinner_new()};
  cgosan_run([](void *arg) {
    auto *f = static_cast<Frame *>(arg);
    cgosan_pin(f->pn, f->obj);
    cgosan_cgocall([](void *arg) {
      auto *f = static_cast<Frame *>(arg);
      sink = Pinned(f->obj);  // foreign code may keep it now
      cgosan_cgocallback([](void *arg) {
        cgosan_unpin(static_cast<Frame *>(arg)->pn);
      }, f);
    }, f);
  }, &f);
  EXPECT_EQ(sink, 1);
  EXPECT_FALSE(Pinned(f.obj));
  cgosan_pinner_free(f.pn);
}

// ---- Misuse: api-misuse -------------------------------------------------------

struct MisuseCase {
  const char *name;
  void (*statement)();
  std::string message_re;
  const char *function;
  int line;
};
void PrintTo(const MisuseCase &c, std::ostream *os) { *os << c.name; }

class PinnerMisuseDeath : public testing::TestWithParam<MisuseCase> {};

TEST_P(PinnerMisuseDeath, ReportsAndExits66) {
  const MisuseCase &c = GetParam();
  EXPECT_EXIT(c.statement(), ExitedWithCode(66),
              ReportRegex("api-misuse", c.message_re, c.function, kFile, c.line));
}

const std::string kPtr = "0x[0-9a-f]+";

INSTANTIATE_TEST_SUITE_P(
    Reports, PinnerMisuseDeath,
    testing::Values(
        MisuseCase{"PinWithNullPinner",
                   [] {
                     pin_target = cgosan_new(&kInt64);
                     PinWithNullPinner();
                   },
                   ReEscape("cgosan_pin called with a NULL pinner"),
                   "PinWithNullPinner()", PinWithNullPinnerLine},
        MisuseCase{"UnpinNullPinner", [] { UnpinNullPinner(); },
                   ReEscape("cgosan_unpin called with a NULL pinner"),
                   "UnpinNullPinner()", UnpinNullPinnerLine},
        MisuseCase{"FreeNullPinner", [] { FreeNullPinner(); },
                   ReEscape("cgosan_pinner_free called with a NULL pinner"),
                   "FreeNullPinner()", FreeNullPinnerLine},
        MisuseCase{"PinNull",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     PinNull();
                   },
                   ReEscape("cgosan_pin called with a NULL pointer "
                            "(runtime.Pinner: argument is nil)"),
                   "PinNull()", PinNullLine},
        MisuseCase{"PinStackPointer",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     PinLocal();
                   },
                   "cgosan_pin: " + kPtr +
                       ReEscape(" is not a managed pointer (runtime.Pinner: "
                                "argument is not a Go pointer); only objects "
                                "of the managed heap can be pinned"),
                   "PinTarget()", PinTargetLine},
        MisuseCase{"PinMallocPointer",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     pin_target = malloc(16);
                     PinTarget();
                   },
                   "cgosan_pin: " + kPtr +
                       ReEscape(" is not a managed pointer (runtime.Pinner: "
                                "argument is not a Go pointer); only objects "
                                "of the managed heap can be pinned"),
                   "PinTarget()", PinTargetLine},
        MisuseCase{"PinPastTheObject",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     // 20 bytes in a 24-byte slot: byte 20 is padding.
                     pin_target = static_cast<char *>(cgosan_new(&kBlob20)) + 20;
                     PinTarget();
                   },
                   "cgosan_pin: " + kPtr +
                       ReEscape(" points into the managed heap but not into "
                                "a live object (freed memory, or past the end "
                                "of its object); nothing was pinned"),
                   "PinTarget()", PinTargetLine},
        MisuseCase{"PinOnFreedPinner",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     cgosan_pinner_free(misuse_pinner);
                     pin_target = cgosan_new(&kInt64);
                     PinOnFreedPinner();
                   },
                   "cgosan_pin called with " + kPtr +
                       ReEscape(", which is not a live pinner (already freed "
                                "with cgosan_pinner_free?)"),
                   "PinOnFreedPinner()", PinOnFreedPinnerLine},
        // A wild pointer is not read through: it is no pinner slot.
        MisuseCase{"PinOnWildPinner",
                   [] {
                     misuse_pinner = reinterpret_cast<cgosan_pinner *>(0x10);
                     pin_target = cgosan_new(&kInt64);
                     PinTarget();
                   },
                   "cgosan_pin called with " + kPtr +
                       ReEscape(", which is not a pinner (cgosan_pinner_new "
                                "never returned it)"),
                   "PinTarget()", PinTargetLine},
        MisuseCase{"FreeInsideAPinner",
                   [] {
                     misuse_pinner = reinterpret_cast<cgosan_pinner *>(
                         reinterpret_cast<char *>(cgosan_pinner_new()) + 8);
                     FreePinner();
                   },
                   "cgosan_pinner_free called with " + kPtr +
                       ReEscape(", which is not a pinner (cgosan_pinner_new "
                                "never returned it)"),
                   "FreePinner()", FreePinnerLine},
        // A freed pinner is not handed out again at once, so its stale
        // pointer is still known as freed after the next cgosan_pinner_new.
        MisuseCase{"PinOnFreedPinnerAfterANewOne",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     cgosan_pinner_free(misuse_pinner);
                     if (cgosan_pinner_new() == misuse_pinner)
                       abort();  // would pin into another owner's pinner
                     pin_target = cgosan_new(&kInt64);
                     PinOnFreedPinner();
                   },
                   "cgosan_pin called with " + kPtr +
                       ReEscape(", which is not a live pinner (already freed "
                                "with cgosan_pinner_free?)"),
                   "PinOnFreedPinner()", PinOnFreedPinnerLine},
        MisuseCase{"DoubleFree",
                   [] {
                     misuse_pinner = cgosan_pinner_new();
                     cgosan_pinner_free(misuse_pinner);
                     FreePinner();
                   },
                   "cgosan_pinner_free called with " + kPtr +
                       ReEscape(", which is not a live pinner (already freed "
                                "with cgosan_pinner_free?)"),
                   "FreePinner()", FreePinnerLine}),
    [](const testing::TestParamInfo<MisuseCase> &info) {
      return std::string(info.param.name);
    });

// ---- Misuse: pinner-leak ----------------------------------------------------------

std::string FrameRe(const char *function, int line) {
  return "    #0 0x[0-9a-f]+ in " + ReEscape(function) + " [^\n]*/" +
         ReEscape("pinner_test.cpp") + ":" + std::to_string(line) +
         "(:[0-9]+)?";
}
const std::string kMoreFrames = "(\n    #[0-9]+ [^\n]*)*";

TEST(PinnerLeakDeath, NamesObjectsAndPinStacks) {
  std::string notes =
      "  pin #1: object " + kPtr + " of type 'struct node' \\(16 bytes\\)\n"
      "  pin #2: object " + kPtr + " of type 'int64\\[4\\]' \\(32 bytes\\)\n"
      "  pin #3: object " + kPtr + " of type 'struct node' \\(16 bytes\\)\n"
      "  pin #1 \\(object " + kPtr + "\\) pinned at:\n" +
      FrameRe("PinFirst(cgosan_pinner*)", kPinFirstLine) + kMoreFrames + "\n" +
      "  pin #2 \\(object " + kPtr + "\\) pinned at:\n" +
      FrameRe("PinSecond(cgosan_pinner*)", kPinSecondLine) + kMoreFrames +
      "\n" + "  pin #3 \\(object " + kPtr + "\\) pinned at:\n" +
      FrameRe("PinFirst(cgosan_pinner*)", kPinFirstLine) + kMoreFrames;
  EXPECT_EXIT(LeakPins(), ExitedWithCode(66),
              ReportRegex("pinner-leak",
                          "cgosan_pinner_free: pinner " + kPtr +
                              ReEscape(" still pins 2 object(s) (3 pin(s)); "
                                       "call cgosan_unpin before freeing it "
                                       "(Go: runtime.Pinner: found leaking "
                                       "pinned pointer; forgot to call "
                                       "Unpin()?)"),
                          "FreePinner()", kFile, FreePinnerLine, notes));
}

TEST(PinnerLeakDeath, PinTakenOnAG) {
  EXPECT_EXIT(LeakPinTakenOnG(), ExitedWithCode(66),
              ReportRegex("pinner-leak",
                          "cgosan_pinner_free: pinner " + kPtr +
                              ReEscape(" still pins 1 object(s) (1 pin(s)); ") +
                              "[^\n]*",
                          "FreePinner()", kFile, FreePinnerLine,
                          "  pin #1: object " + kPtr +
                              " of type 'int64' \\(8 bytes\\)\n"
                              "  pin #1 \\(object " + kPtr + "\\) pinned at:\n" +
                              FrameRe("PinOnG(void*)", kPinOnGLine) +
                              kMoreFrames));
}

TEST(PinnerLeakDeath, ManyPinsShowTheFirstFour) {
  EXPECT_EXIT(
      {
        cgosan_pinner *pn = cgosan_pinner_new();
        for (int i = 0; i < 6; i++) cgosan_pin(pn, cgosan_new(&kInt64));
        misuse_pinner = pn;
        FreePinner();
      },
      ExitedWithCode(66),
      "still pins 6 object\\(s\\) \\(6 pin\\(s\\)\\).*  pin #4: object [^\n]*\n"
      "  \\.\\.\\. and 2 more pin\\(s\\)\n  pin #1 \\(object .*  pin #4 \\(object "
      "[^\n]*pinned at:\n.*SUMMARY: CgoSanitizer: pinner-leak");
}

// Each object is counted once, however many pins hold it.
TEST(PinnerLeakDeath, CountsEachObjectOnceUnderManyPins) {
  EXPECT_EXIT(
      {
        cgosan_pinner *pn = cgosan_pinner_new();
        void *one = cgosan_new(&kInt64);
        void *two = cgosan_new(&kInt64);
        for (int i = 0; i < 5000; i++) cgosan_pin(pn, i % 2 ? one : two);
        misuse_pinner = pn;
        FreePinner();
      },
      ExitedWithCode(66), "still pins 2 object\\(s\\) \\(5000 pin\\(s\\)\\)");
}

TEST(PinnerLeakDeath, KeepsGoingWithoutHaltAndUnpins) {
  EXPECT_EXIT(
      {
        __cgosan::cgosan_flags_dont_use.halt_on_error = false;
        void *obj = cgosan_new(&kInt64);
        misuse_pinner = cgosan_pinner_new();
        cgosan_pin(misuse_pinner, obj);
        FreePinner();
        fprintf(stderr, "after: pinned=%d reports=%d\n", Pinned(obj) ? 1 : 0,
                static_cast<int>(__cgosan::ReportCount()));
        _exit(0);
      },
      ExitedWithCode(0),
      "ERROR: CgoSanitizer: pinner-leak\n.*after: pinned=0 reports=1\n");
}

TEST(PinnerMisuse, KeepsGoingWithoutHalt) {
  EXPECT_EXIT(
      {
        __cgosan::cgosan_flags_dont_use.halt_on_error = false;
        cgosan_pinner *pn = cgosan_pinner_new();
        int local = 0;
        cgosan_pin(pn, &local);
        cgosan_pin(nullptr, &local);
        void *obj = cgosan_new(&kInt64);
        cgosan_pin(pn, obj);
        bool pinned = Pinned(obj);
        cgosan_pinner_free(pn);
        fprintf(stderr, "after: pinned=%d reports=%d\n", pinned ? 1 : 0,
                static_cast<int>(__cgosan::ReportCount()));
        _exit(0);
      },
      ExitedWithCode(0), "after: pinned=1 reports=3\n");
}

TEST(Pinner, KeepsErrno) {
  cgosan_pinner *pn = cgosan_pinner_new();
  void *obj = cgosan_new(&kInt64);
  errno = 1234;
  cgosan_pin(pn, obj);
  cgosan_unpin(pn);
  cgosan_pinner_free(cgosan_pinner_new());
  cgosan_pinner_free(pn);
  EXPECT_EQ(errno, 1234);
}

}  // namespace
}  // namespace cgotest
