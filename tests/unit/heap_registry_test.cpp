// heap_registry_test.cpp — bring your own heap (include/cgosan/heap.h,
// rtl/heap/heap_registry.cpp, checkers/check_hidden_pointer.cpp): a fake
// foreign heap registered beside cgosan's own, its misuse, and the checks on
// its objects, with the exact reports. A registration lasts as long as the
// process, so every test that registers runs in a death-test child.
#include <cgosan/heap.h>

#include "check_test_util.h"

#define NOINLINE __attribute__((noinline))

// The fake heap: four objects of four words. Object 0 may be held (an
// uncollectable one), object 3 holds no pointers (so it is not scanned);
// the heap scans its objects but that one, and `scanned_root`.
static constexpr size_t kWords = 4;
alignas(64) static uintptr_t objects[4][kWords];
static uintptr_t scanned_root;
static int fake_id;

static bool InFake(const void *p, size_t *index) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uintptr_t lo = reinterpret_cast<uintptr_t>(objects);
  if (a - lo >= sizeof(objects))
    return false;
  *index = (a - lo) / sizeof(objects[0]);
  return true;
}
static int FakeFind(void *, const void *p, cgosan_heap_object *out) {
  size_t i;
  if (!InFake(p, &i))
    return 0;
  out->base = objects[i];
  out->size = sizeof(objects[i]);
  out->type = nullptr;
  out->may_be_held = i == 0;
  return 1;
}
static int FakeScans(void *, const void *p) {
  size_t i;
  return (InFake(p, &i) && i != 3) || p == &scanned_root;
}
static void FakeWatch(void *, const void *) {}
static const cgosan_heap_ops kFakeOps = {"fake", FakeFind, FakeScans, FakeWatch, nullptr};

static void RegisterFake() {
  fake_id = cgosan_heap_register(&kFakeOps, nullptr);
  if (fake_id <= 0)
    abort();
}

static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;
const std::string kHex = "0x[0-9a-f]+";

// Runs statement with halt_on_error=0 and cgocheck as given, and writes
// what it reported to stderr, then exits 0: a death test's regex sees the
// reports whole.
template <typename F>
[[noreturn]] void ShowReports(int cgocheck, F &&statement) {
  Reported r = ReportsOf(cgocheck, statement);
  fprintf(stderr, "%zu reports\n%s", r.count, r.text.c_str());
  fflush(stderr);
  _exit(0);
}

// ---- Registration ------------------------------------------------------------------
constexpr int RegisterMissingLine = __LINE__ + 3;
NOINLINE void RegisterMissing() {
  static const cgosan_heap_ops kNoScans = {"broken", FakeFind, nullptr, nullptr, nullptr};
  cgosan_heap_register(&kNoScans, nullptr);
}

TEST(HeapRegistryDeath, AMissingFunctionIsMisuse) {
  EXPECT_EXIT(RegisterMissing(), ExitedWithCode(66),
              ReportRegex("api-misuse",
                          ReEscape("cgosan_heap_register: the heap's scans is "
                                   "missing (NULL)"),
                          "cgotest::(anonymous namespace)::RegisterMissing()",
                          kFile, RegisterMissingLine));
}

constexpr int RegisterTwiceLine = __LINE__ + 3;
NOINLINE void RegisterTwice() {
  RegisterFake();
  cgosan_heap_register(&kFakeOps, nullptr);
}

TEST(HeapRegistryDeath, TheSameHeapTwiceIsMisuse) {
  EXPECT_EXIT(RegisterTwice(), ExitedWithCode(66),
              ReportRegex("api-misuse",
                          ReEscape("cgosan_heap_register: heap 'fake' is already "
                                   "registered (the same ops and cookie)"),
                          "cgotest::(anonymous namespace)::RegisterTwice()",
                          kFile, RegisterTwiceLine));
}

constexpr int UnknownIdLine = __LINE__ + 2;
NOINLINE void EventOfUnknownHeap() {
  cgosan_heap_object_freed(3, objects[1], sizeof(objects[1]));
}

TEST(HeapRegistryDeath, AnEventOfAnUnknownHeapIsMisuse) {
  EXPECT_EXIT(EventOfUnknownHeap(), ExitedWithCode(66),
              ReportRegex("api-misuse",
                          ReEscape("cgosan_heap_object_freed: 3 is not the id "
                                   "of a registered foreign heap"),
                          "cgotest::(anonymous namespace)::EventOfUnknownHeap()",
                          kFile, UnknownIdLine));
}

// A second heap: one object of eight ints, never scanning anything.
static int other_object[8];
static int OtherFind(void *, const void *p, cgosan_heap_object *out) {
  if (static_cast<size_t>(static_cast<const char *>(p) -
                          reinterpret_cast<char *>(other_object)) >=
      sizeof(other_object))
    return 0;
  out->base = other_object;
  out->size = sizeof(other_object);
  return 1;
}
static int OtherScans(void *, const void *) { return 0; }

NOINLINE void FindInSeveralHeaps() {
  RegisterFake();
  static const cgosan_heap_ops kOther = {"other", OtherFind, OtherScans, nullptr, nullptr};
  int other = cgosan_heap_register(&kOther, nullptr);
  void *own = cgosan_new(&kInt);
  cgosan_heap_object o;
  bool own_ok = cgosan_heap_find(own, &o) == 0 && o.base == own &&
                o.size == 8 && o.type == &kInt;
  bool fake_ok = cgosan_heap_find(&objects[2][1], &o) == fake_id &&
                 o.base == objects[2] && o.size == 32;
  bool other_ok = cgosan_heap_find(&other_object[3], &o) == other &&
                  o.base == other_object;
  int none = cgosan_heap_find(&scanned_root, &o);
  fprintf(stderr, "ids %d %d; own %d fake %d other %d none %d\n", fake_id,
          other, own_ok, fake_ok, other_ok, none);
  _exit(0);
}

TEST(HeapRegistryDeath, SeveralHeapsAtOnce) {
  EXPECT_EXIT(FindInSeveralHeaps(), ExitedWithCode(0),
              "ids 1 2; own 1 fake 1 other 1 none -1\n");
}

// ---- Rule 4: pointers hidden from the foreign collector ---------------------------
static uintptr_t *hidden_slot;

constexpr int HideLine = __LINE__ + 3;
NOINLINE void HideObject1() {
  hidden_slot = static_cast<uintptr_t *>(malloc(sizeof(uintptr_t)));
  cgosan_check_store(reinterpret_cast<void **>(hidden_slot), &objects[1][1]);
  *hidden_slot = reinterpret_cast<uintptr_t>(&objects[1][1]);
}

constexpr int FreeLine = __LINE__ + 2;
NOINLINE void CollectObject1() {
  cgosan_heap_object_freed(fake_id, objects[1], sizeof(objects[1]));
}

TEST(HeapRegistryDeath, AHiddenPointerIsReportedAtItsStoreAndAtTheFree) {
  // Off any G: the foreign collector knows no G, so neither does the rule.
  EXPECT_EXIT(
      ShowReports(2,
                  [] {
                    RegisterFake();
                    HideObject1();
                    cgosan_heap_collection_begin(fake_id);
                    CollectObject1();
                    cgosan_heap_collection_end(fake_id);
                  }),
      ExitedWithCode(0),
      "^2 reports\n" +
          ReportRegex(
              "unpinned-pointer-store",
              "stored pointer " + kHex +
                  " to an object of heap 'fake' into memory that heap does "
                  "not scan, at " +
                  kHex + ReEscape(" (a hidden pointer)"),
              "cgotest::(anonymous namespace)::HideObject1()", kFile, HideLine,
              "  " + kHex +
                  ReEscape(" is 8 bytes into object ") + kHex +
                  ReEscape(" of heap 'fake' (32 bytes), which foreign code "
                           "may not hold") +
                  "\n  the collector does not scan " + kHex +
                  ReEscape(": it may free the object while the pointer stays "
                           "there; make the object one foreign code may hold "
                           "(bdwgc: GC_MALLOC_UNCOLLECTABLE), or keep a "
                           "reference where the collector looks")) +
          ReportRegex(
              "retained-pointer",
              "object " + kHex +
                  " of heap 'fake' freed by collection 1 while memory that "
                  "heap does not scan still points to it, at " +
                  kHex,
              "cgotest::(anonymous namespace)::CollectObject1()", kFile,
              FreeLine,
              "  " + kHex + " holds " + kHex + "\n  the pointer was stored into " +
                  kHex + " at:\n    #0 " + kHex +
                  " in cgotest::\\(anonymous namespace\\)::HideObject1\\(\\) "
                  "[^\n]*heap_registry_test.cpp:" +
                  std::to_string(HideLine) + "(:[0-9]+)?\n.*"));
}

TEST(HeapRegistryDeath, AHiddenPointerToAMovedObjectIsReported) {
  EXPECT_EXIT(
      ShowReports(2,
                  [] {
                    RegisterFake();
                    HideObject1();
                    cgosan_heap_collection_begin(fake_id);
                    cgosan_heap_object_moved(fake_id, objects[1], objects[2],
                                             sizeof(objects[1]));
                  }),
      ExitedWithCode(0),
      "^2 reports\n(.*\n)*==[0-9]+==ERROR: CgoSanitizer: retained-pointer\n"
      "object " +
          kHex + " of heap 'fake' moved to " + kHex +
          " by collection 1 while memory that heap does not scan still points "
          "to its old place, at " +
          kHex + "\n");
}

TEST(HeapRegistryDeath, AnOverwrittenSlotIsNotReportedAtTheFree) {
  EXPECT_EXIT(ShowReports(2,
                          [] {
                            RegisterFake();
                            HideObject1();
                            *hidden_slot = 0;
                            CollectObject1();
                          }),
              ExitedWithCode(0), "^1 reports\n");
}

TEST(HeapRegistryDeath, StoresTheForeignCollectorSeesAreFine) {
  EXPECT_EXIT(
      ShowReports(2,
                  [] {
                    RegisterFake();
                    uintptr_t *slot = static_cast<uintptr_t *>(malloc(8));
                    // May be held (uncollectable): fine anywhere.
                    cgosan_check_store(reinterpret_cast<void **>(slot), objects[0]);
                    // Into memory the collector scans: its object, a root.
                    cgosan_check_store(reinterpret_cast<void **>(&objects[2][0]),
                                       objects[1]);
                    cgosan_check_store(reinterpret_cast<void **>(&scanned_root),
                                       objects[1]);
                    // Not an object of the heap.
                    cgosan_check_store(reinterpret_cast<void **>(slot), slot);
                    // Off with cgocheck=1 (below).
                    free(slot);
                    // The object dies with no pointer hidden: nothing.
                    cgosan_heap_object_freed(fake_id, objects[1], 32);
                  }),
      ExitedWithCode(0), "^0 reports\n$");
  EXPECT_EXIT(ShowReports(1,
                          [] {
                            RegisterFake();
                            cgosan_check_store(
                                reinterpret_cast<void **>(&objects[3][0]),
                                objects[1]);
                          }),
              ExitedWithCode(0), "^0 reports\n$");
}

TEST(HeapRegistryDeath, ACopyIntoUnscannedMemoryIsJudgedWordByWord) {
  EXPECT_EXIT(
      ShowReports(2,
                  [] {
                    RegisterFake();
                    uintptr_t src[3] = {7, reinterpret_cast<uintptr_t>(objects[2]),
                                        reinterpret_cast<uintptr_t>(objects[0])};
                    // Into the heap's own pointer-free object: not scanned.
                    cgosan_check_memmove(objects[3], src, sizeof(src));
                    memcpy(objects[3], src, sizeof(src));
                  }),
      ExitedWithCode(0),
      "^1 reports\n[^\n]*ERROR: CgoSanitizer: unpinned-pointer-store\ncopied "
      "pointer " +
          kHex +
          " to an object of heap 'fake' into memory that heap does not scan, "
          "at " +
          kHex + ReEscape(" (a hidden pointer; a 24-byte copy from ") + kHex +
          "\\)\n");
}

// ---- Rules 1 and 3 on a foreign heap's objects ----------------------------------
TEST(HeapRegistryDeath, AResultMustBeAnObjectForeignCodeMayHold) {
  EXPECT_EXIT(
      ShowReports(1,
                  [] {
                    RegisterFake();
                    cgosan_check_result(objects[0], nullptr, "held_cb");
                    cgosan_check_result(&objects[2][1], nullptr, "collectable_cb");
                  }),
      ExitedWithCode(0),
      "^1 reports\n[^\n]*ERROR: CgoSanitizer: unpinned-pointer-in-result\n"
      "result of collectable_cb is unpinned managed pointer\n(.*\n)*  " +
          kHex + ReEscape(" is 8 bytes into object ") + kHex +
          ReEscape(" of heap 'fake' (32 bytes), which foreign code may not "
                   "hold\n"));
}

TEST(HeapRegistryDeath, AnArgumentMayNotHoldWhatForeignCodeMayNotHold) {
  EXPECT_EXIT(
      ShowReports(1,
                  [] {
                    RegisterFake();
                    objects[1][2] = reinterpret_cast<uintptr_t>(objects[2]);
                    objects[0][0] = reinterpret_cast<uintptr_t>(objects[2]);
                    cgosan_check_arg(objects[0], nullptr, "f", 1);  // held: scanned
                    cgosan_check_arg(objects[1], nullptr, "g", 2);
                  }),
      ExitedWithCode(0),
      "^1 reports\n[^\n]*ERROR: CgoSanitizer: unpinned-pointer-in-argument\n"
      "argument 2 of g has managed pointer to unpinned managed pointer\n(.*\n)*"
      "  object " +
          kHex + ReEscape(" of heap 'fake' (32 bytes), field at offset 16\n") +
          "  holds " + kHex + ReEscape(", object of heap 'fake' (32 bytes), which foreign code may not hold\n"));
}

// ---- Rule 2: an object a library keeps, freed by the foreign collector -------------
static int statement;  // the owner: sqlite3_stmt * in life
static const char *const kUntil[] = {"reset", "finalize", nullptr};

constexpr int RetainLine = __LINE__ + 3;
NOINLINE void RetainObject(int index) {
  // As the interposer calls it off a G: the program's code is the managed side.
  cgosan_check_retained_foreign(&objects[index][1], &statement, "bind", 2,
                                "reset/finalize", kUntil);
}

TEST(HeapRegistryDeath, ARetainedObjectFreedByTheCollectorIsReported) {
  EXPECT_EXIT(
      ShowReports(1,
                  [] {
                    RegisterFake();
                    RetainObject(1);
                    cgosan_heap_collection_begin(fake_id);
                    CollectObject1();
                    cgosan_heap_collection_end(fake_id);
                    CollectObject1();  // the record went with its report
                  }),
      ExitedWithCode(0),
      "^1 reports\n" +
          ReportRegex(
              "retained-pointer",
              "object " + kHex +
                  ReEscape(" of heap 'fake' freed by collection 1 while bind "
                           "retains argument 2 until reset/finalize"),
              "cgotest::(anonymous namespace)::CollectObject1()", kFile,
              FreeLine,
              "  " + kHex +
                  ReEscape(" is object of heap 'fake' (32 bytes), which "
                           "foreign code may not hold\n  fix: keep a reference "
                           "where the collector scans (a global, a field of a "
                           "collected object) until reset/finalize is called, "
                           "or make the object one foreign code may hold "
                           "(bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy "
                           "the library owns\n  retained by bind (argument 2, "
                           "owner ") +
                  kHex + ReEscape(") at:\n    #0 ") + kHex +
                  " in cgotest::\\(anonymous namespace\\)::RetainObject\\(int\\) "
                  "[^\n]*heap_registry_test.cpp:" +
                  std::to_string(RetainLine) + "(:[0-9]+)?\n.*"));
}

TEST(HeapRegistryDeath, ARetentionEndedOrAHeldObjectIsNotReportedAtTheFree) {
  EXPECT_EXIT(ShowReports(1,
                          [] {
                            RegisterFake();
                            RetainObject(1);
                            cgosan_retention_end(&statement, "other");
                            cgosan_retention_end(&statement, "finalize");
                            CollectObject1();
                            RetainObject(0);  // may be held: not recorded
                            cgosan_heap_object_freed(fake_id, objects[0], 32);
                            cgosan_check_retained_foreign(&statement, &statement,
                                                          "bind", 2, "reset", kUntil);
                          }),
              ExitedWithCode(0), "^0 reports\n$");
}

// retention is not full: the heap may not keep anything, and an
// unreachable object it asks about is freed, with the events of a free.
constexpr int UnreachableLine = __LINE__ + 2;
NOINLINE int Object1Unreachable() {
  return cgosan_heap_object_unreachable(fake_id, objects[1], 32);
}

TEST(HeapRegistryDeath, AnUnreachableObjectIsFreedUnlessRetentionKeepsIt) {
  EXPECT_EXIT(
      ShowReports(1,
                  [] {
                    RegisterFake();
                    if (cgosan_heap_keeps_unreachable(fake_id))
                      _exit(3);
                    RetainObject(1);
                    cgosan_heap_collection_begin(fake_id);
                    int kept = Object1Unreachable();
                    cgosan_heap_collection_end(fake_id);
                    if (kept)
                      _exit(4);
                  }),
      ExitedWithCode(0),
      "^1 reports\n" +
          ReportRegex("retained-pointer",
                      "object " + kHex +
                          ReEscape(" of heap 'fake' freed by collection 1 "
                                   "while bind retains argument 2 until "
                                   "reset/finalize"),
                      "cgotest::(anonymous namespace)::Object1Unreachable()",
                      kFile, UnreachableLine, ".*"));
}

}  // namespace
}  // namespace cgotest
