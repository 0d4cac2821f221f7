// death_test.cpp — fatal reports: api-misuse, bad-callback,
// unwind-across-boundary, stack-overflow. Each must end the process with
// exitcode 66 and print the exact report: header, message, frame #0 in this
// file's function at the line of the offending call, notes, SUMMARY.
// Non-halting behaviour (halt_on_error=0) is tested through the helper.
#include <errno.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "test_util.h"

#include "report.h"

// The functions that misbehave live outside any namespace and are static, so
// the symbolizer names them exactly "Name()" / "Name(void*)". DEATH_FN puts
// the line constant and the whole function on one source line: frame #0 of the
// report must point at that line.
#define NOINLINE __attribute__((noinline))
#define DEATH_FN(name, params, body) \
  constexpr int name##Line = __LINE__; NOINLINE static void name(params) { body; }

static volatile int sink;
static void Keep(int v) { sink = v; }
static void Nop(void *) {}

// clang-format off
DEATH_FN(RunNull, , Keep(cgosan_run(nullptr, nullptr)))
DEATH_FN(CgocallNull, , Keep(cgosan_cgocall(nullptr, nullptr)))
DEATH_FN(CallbackNull, , cgosan_cgocallback(nullptr, nullptr); Keep(1))
DEATH_FN(ManagedRunsRun, void *, Keep(cgosan_run(Nop, nullptr)))
DEATH_FN(ForeignRunsRun, void *, Keep(cgosan_run(Nop, nullptr)))
DEATH_FN(ManagedCallsBack, void *, cgosan_cgocallback(Nop, nullptr); Keep(1))
DEATH_FN(NoCallbackNull, , Keep(cgosan_cgocall_nocallback(nullptr, nullptr, "f")))
// A foreign function called as nocallback that calls back, or starts a G.
DEATH_FN(BrokenPromiseCallsBack, void *, cgosan_cgocallback(Nop, nullptr); Keep(1))
DEATH_FN(BrokenPromiseRuns, void *, Keep(cgosan_run(Nop, nullptr)))
// clang-format on
static void ManagedCallsNoCallback(void *callee) {
  Keep(cgosan_cgocall_nocallback(BrokenPromiseCallsBack, nullptr,
                                 static_cast<const char *>(callee)));
}

// Allocation with a bad type or count: reported, and no object is made.
static const cgosan_type kInt32 = {"int32_t", 4, 0, nullptr, 0};
// clang-format off
DEATH_FN(NewNull, , Keep(cgosan_new(nullptr) != nullptr))
DEATH_FN(NewArrayNull, , Keep(cgosan_new_array(nullptr, 1) != nullptr))
DEATH_FN(NewArrayOverflow, , Keep(cgosan_new_array(&kInt32, SIZE_MAX / 2) != nullptr))
DEATH_FN(NewArrayOverHeap, , Keep(cgosan_new_array(&kInt32, (64ull << 30) / 4 + 1) != nullptr))
// A type whose own size is over the heap: rounded up to pages it once
// wrapped to a span of 0 pages, which the next object was given too.
static const cgosan_type kHuge = {"huge", SIZE_MAX, 0, nullptr, 0};
DEATH_FN(NewOverHeap, , Keep(cgosan_new(&kHuge) != nullptr))
// As large as the whole arena, with a span in use: a valid request the heap
// cannot meet. Its span is a page more than the array: the byte past the
// end, where the array's end pointer points, is the array's too.
DEATH_FN(NewArrayWholeHeap, , Keep(cgosan_new(&kInt32) != nullptr); Keep(cgosan_new_array(&kInt32, (64ull << 30) / 4) != nullptr))
// Types the heap or a check cannot use: reported, and no object is made or
// nothing is checked. A site that knows its type checks a new one too.
static const uint8_t kWord0[1] = {1};
static const cgosan_type kNoMask = {"nomask", 16, 8, nullptr, 0};
static const cgosan_type kLongPrefix = {"longprefix", 8, 16, kWord0, 0};
static const cgosan_type kPacked = {"packed", 12, 8, kWord0, 0};
DEATH_FN(NewNoMask, , Keep(cgosan_new(&kNoMask) != nullptr))
DEATH_FN(NewArrayPacked, , Keep(cgosan_new_array(&kPacked, 4) != nullptr))
DEATH_FN(NewLongPrefixAtKnownSite, void *, for (int i = 0; i < 2; i++) Keep(cgosan_new(i ? &kLongPrefix : &kInt32) != nullptr))
DEATH_FN(CheckArgNoMask, , cgosan_check_arg(cgosan_new(&kInt32), &kNoMask, "fill", 2))
DEATH_FN(CheckResultLongPrefix, , void *p = cgosan_new(&kInt32); cgosan_pin(cgosan_pinner_new(), p); cgosan_check_result(p, &kLongPrefix, "lookup"))
// Root slots: removing one that is not registered is a bug in the caller's
// bookkeeping (a double remove, or the wrong address).
static void *never_added_root;
DEATH_FN(RemoveRootNull, , cgosan_remove_root(nullptr))
DEATH_FN(RemoveRootNeverAdded, , cgosan_remove_root(&never_added_root))
// A slot no collection could read (it crashed the next one).
DEATH_FN(AddRootUnmapped, , cgosan_add_root(reinterpret_cast<void **>(0x10)))
// A slot not aligned as a pointer: each collection loaded it misaligned
// (undefined behaviour, found by the UBSan build).
alignas(8) static char misaligned_root[16];
DEATH_FN(AddRootMisaligned, , cgosan_add_root(reinterpret_cast<void **>(misaligned_root + 1)))
// clang-format on
NOINLINE static void ManagedCallsForeignRunsRun(void *) {
  Keep(cgosan_cgocall(ForeignRunsRun, nullptr));
}

// Exceptions: frame #0 is the frame that made the crossing the exception
// tried to unwind through.
static void ThrowFromRunFn(void *) { throw std::runtime_error("from run fn"); }
static void ThrowFromForeignFn(void *) { throw std::runtime_error("from foreign fn"); }
static void ThrowFromCallbackFn(void *) { throw std::runtime_error("from callback fn"); }
// clang-format off
DEATH_FN(RunThrower, , Keep(cgosan_run(ThrowFromRunFn, nullptr)))
DEATH_FN(ManagedCallsThrower, void *, Keep(cgosan_cgocall(ThrowFromForeignFn, nullptr)))
DEATH_FN(ForeignCallsBackThrower, void *, cgosan_cgocallback(ThrowFromCallbackFn, nullptr); Keep(1))
// clang-format on
NOINLINE static void CgocallThrower() {
  Keep(cgosan_run(ManagedCallsThrower, nullptr));
}
NOINLINE static void ManagedCallsForeignCallsBackThrower(void *) {
  Keep(cgosan_cgocall(ForeignCallsBackThrower, nullptr));
}
NOINLINE static void CallbackThrower() {
  Keep(cgosan_run(ManagedCallsForeignCallsBackThrower, nullptr));
}

// Stack overflow: recursion that cannot be turned into a loop.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winfinite-recursion"
NOINLINE static void RecurseForever(volatile char *prev) {
  volatile char frame[256];
  frame[0] = prev ? prev[0] + 1 : 0;
  RecurseForever(frame);
  frame[1] = frame[0];
}
#pragma clang diagnostic pop
static void RecurseForeverFn(void *) { RecurseForever(nullptr); }
static void ForeignCallsBackRecursion(void *) {
  cgosan_cgocallback(RecurseForeverFn, nullptr);
}
static void ManagedCallsForeignCallsBackRecursion(void *) {
  cgosan_cgocall(ForeignCallsBackRecursion, nullptr);
}

namespace cgotest {
namespace {

using testing::ExitedWithCode;

constexpr char kFile[] = __FILE__;

std::string Lit(const std::string &s) { return ReEscape(s); }

// ---- api-misuse and bad-callback -------------------------------------------

struct MisuseCase {
  const char *name;
  void (*statement)();
  const char *kind;
  std::string message_re;
  const char *function;  // frame #0
  int line;
};
// Failure messages name the case, not its bytes.
void PrintTo(const MisuseCase &c, std::ostream *os) { *os << c.name; }

class MisuseDeath : public testing::TestWithParam<MisuseCase> {};

TEST_P(MisuseDeath, ReportsAndExits66) {
  const MisuseCase &c = GetParam();
  EXPECT_EXIT(c.statement(), ExitedWithCode(66),
              ReportRegex(c.kind, c.message_re, c.function, kFile, c.line));
}

const std::string kG = "[0-9]+";

INSTANTIATE_TEST_SUITE_P(
    Reports, MisuseDeath,
    testing::Values(
        MisuseCase{"RunNull", [] { RunNull(); }, "api-misuse",
                   Lit("cgosan_run called with a NULL function"), "RunNull()",
                   RunNullLine},
        MisuseCase{"CgocallNull", [] { CgocallNull(); }, "api-misuse",
                   Lit("cgosan_cgocall called with a NULL function"),
                   "CgocallNull()", CgocallNullLine},
        MisuseCase{"CallbackNull", [] { CallbackNull(); }, "api-misuse",
                   Lit("cgosan_cgocallback called with a NULL function"),
                   "CallbackNull()", CallbackNullLine},
        MisuseCase{"NewNull", [] { NewNull(); }, "api-misuse",
                   Lit("cgosan_new called with a NULL type"), "NewNull()",
                   NewNullLine},
        MisuseCase{"NewArrayNull", [] { NewArrayNull(); }, "api-misuse",
                   Lit("cgosan_new_array called with a NULL type"),
                   "NewArrayNull()", NewArrayNullLine},
        MisuseCase{"NewArrayOverflow", [] { NewArrayOverflow(); }, "api-misuse",
                   Lit("cgosan_new_array(type 'int32_t' of 4 bytes, "
                       "n=9223372036854775807): the array would be larger "
                       "than the whole managed heap (64 GiB)"),
                   "NewArrayOverflow()", NewArrayOverflowLine},
        MisuseCase{"NewArrayOverHeap", [] { NewArrayOverHeap(); }, "api-misuse",
                   Lit("cgosan_new_array(type 'int32_t' of 4 bytes, "
                       "n=17179869185): the array would be larger than the "
                       "whole managed heap (64 GiB)"),
                   "NewArrayOverHeap()", NewArrayOverHeapLine},
        MisuseCase{"NewOverHeap", [] { NewOverHeap(); }, "api-misuse",
                   Lit("cgosan_new(type 'huge' of 18446744073709551615 bytes): "
                       "the object would be larger than the whole managed heap "
                       "(64 GiB)"),
                   "NewOverHeap()", NewOverHeapLine},
        MisuseCase{"NewArrayWholeHeap", [] { NewArrayWholeHeap(); },
                   "out-of-memory",
                   Lit("managed heap exhausted: 68719484928 more bytes "
                       "requested, ") +
                       "[0-9]+" +
                       Lit(" of the arena's 68719476736 in use (the live "
                           "objects, their quarantine, and the free runs too "
                           "small to hold this span)"),
                   "NewArrayWholeHeap()", NewArrayWholeHeapLine},
        MisuseCase{"NewNoMask", [] { NewNoMask(); }, "api-misuse",
                   Lit("type 'nomask' given to the managed heap is malformed "
                       "(size 16, ptrdata 8): it has a pointer prefix but no "
                       "ptrmask to say which words are pointers"),
                   "NewNoMask()", NewNoMaskLine},
        MisuseCase{"NewArrayPacked", [] { NewArrayPacked(); }, "api-misuse",
                   Lit("type 'packed' given to the managed heap is malformed "
                       "(size 12, ptrdata 8): an array of a type holding "
                       "pointers needs a size that is a whole number of 8-byte "
                       "words, or the pointers of its elements are not aligned "
                       "(a packed struct?)"),
                   "NewArrayPacked()", NewArrayPackedLine},
        MisuseCase{"NewLongPrefixAtKnownSite",
                   [] { cgosan_run(NewLongPrefixAtKnownSite, nullptr); },
                   "api-misuse",
                   Lit("type 'longprefix' given to the managed heap is "
                       "malformed (size 8, ptrdata 16): its pointer prefix "
                       "(ptrdata) is longer than the value"),
                   "NewLongPrefixAtKnownSite(void*)", NewLongPrefixAtKnownSiteLine},
        MisuseCase{"CheckArgNoMask", [] { CheckArgNoMask(); }, "api-misuse",
                   Lit("type 'nomask' of argument 2 of fill is malformed "
                       "(size 16, ptrdata 8): it has a pointer prefix but no "
                       "ptrmask to say which words are pointers"),
                   "CheckArgNoMask()", CheckArgNoMaskLine},
        MisuseCase{"CheckResultLongPrefix", [] { CheckResultLongPrefix(); },
                   "api-misuse",
                   Lit("type 'longprefix' of the result of lookup is malformed "
                       "(size 8, ptrdata 16): its pointer prefix (ptrdata) is "
                       "longer than the value"),
                   "CheckResultLongPrefix()", CheckResultLongPrefixLine},
        MisuseCase{"RemoveRootNull", [] { RemoveRootNull(); }, "api-misuse",
                   Lit("cgosan_remove_root called with a NULL slot"),
                   "RemoveRootNull()", RemoveRootNullLine},
        MisuseCase{"RemoveRootNeverAdded", [] { RemoveRootNeverAdded(); },
                   "api-misuse",
                   "cgosan_remove_root called with 0x[0-9a-f]+" +
                       Lit(", which is not a registered root slot (never "
                           "added with cgosan_add_root, or already removed)"),
                   "RemoveRootNeverAdded()", RemoveRootNeverAddedLine},
        MisuseCase{"AddRootUnmapped", [] { AddRootUnmapped(); }, "api-misuse",
                   Lit("cgosan_add_root called with 0x000000000010, which is not "
                       "readable memory (the collector reads every root slot "
                       "at each collection); the slot was not added"),
                   "AddRootUnmapped()", AddRootUnmappedLine},
        MisuseCase{"AddRootMisaligned", [] { AddRootMisaligned(); },
                   "api-misuse",
                   "cgosan_add_root called with 0x[0-9a-f]+" +
                       Lit(", which is not aligned to 8 bytes (a pointer slot "
                           "must be: the collector loads it as one); the slot "
                           "was not added"),
                   "AddRootMisaligned()", AddRootMisalignedLine},
        MisuseCase{"CgocallNullOnG",
                   [] { cgosan_run([](void *) { CgocallNull(); }, nullptr); },
                   "api-misuse",
                   Lit("cgosan_cgocall called with a NULL function"),
                   "CgocallNull()", CgocallNullLine},
        MisuseCase{"RunFromManaged",
                   [] { cgosan_run(ManagedRunsRun, nullptr); }, "api-misuse",
                   Lit("cgosan_run called from managed code: G ") + kG +
                       Lit(" is already running on this thread (a thread runs "
                           "one G at a time; call the function directly)"),
                   "ManagedRunsRun(void*)", ManagedRunsRunLine},
        MisuseCase{"RunFromForeignInCgocall",
                   [] { cgosan_run(ManagedCallsForeignRunsRun, nullptr); },
                   "api-misuse",
                   Lit("cgosan_run called from foreign code inside a cgocall: "
                       "G ") +
                       kG +
                       Lit(" is parked in cgosan_cgocall on this thread "
                           "(re-enter managed code with cgosan_cgocallback)"),
                   "ForeignRunsRun(void*)", ForeignRunsRunLine},
        MisuseCase{"CallbackFromManaged",
                   [] { cgosan_run(ManagedCallsBack, nullptr); }, "bad-callback",
                   Lit("cgosan_cgocallback called from managed code: G ") + kG +
                       Lit(" is running, not parked in a cgocall (a callback "
                           "must come from foreign code)"),
                   "ManagedCallsBack(void*)", ManagedCallsBackLine},
        MisuseCase{"NoCallbackNull", [] { NoCallbackNull(); }, "api-misuse",
                   Lit("cgosan_cgocall_nocallback called with a NULL function"),
                   "NoCallbackNull()", NoCallbackNullLine},
        MisuseCase{"CallbackFromNoCallback",
                   [] { cgosan_run(ManagedCallsNoCallback, (void *)"sqlite3_column_int"); },
                   "bad-callback",
                   Lit("sqlite3_column_int called back into managed code (callback ") +
                       "0x[0-9a-f]+" + Lit(", G ") + kG +
                       Lit("), but it was called as nocallback: it promised never "
                           "to call back; the callback was not run"),
                   "BrokenPromiseCallsBack(void*)", BrokenPromiseCallsBackLine},
        // With no callee name, the symbolizer names the function.
        MisuseCase{"CallbackFromNoCallbackUnnamed",
                   [] { cgosan_run(ManagedCallsNoCallback, nullptr); }, "bad-callback",
                   Lit("BrokenPromiseCallsBack(void*) called back into managed code "
                       "(callback ") +
                       "0x[0-9a-f]+" + Lit(", G ") + kG +
                       Lit("), but it was called as nocallback: it promised never "
                           "to call back; the callback was not run"),
                   "BrokenPromiseCallsBack(void*)", BrokenPromiseCallsBackLine},
        MisuseCase{"RunFromNoCallback",
                   [] {
                     cgosan_run(
                         [](void *) {
                           Keep(cgosan_cgocall_nocallback(BrokenPromiseRuns, nullptr,
                                                          "crc32"));
                         },
                         nullptr);
                   },
                   "bad-callback",
                   Lit("crc32 called back into managed code (callback ") + "0x[0-9a-f]+" +
                       Lit(", G ") + kG +
                       Lit("), but it was called as nocallback: it promised never "
                           "to call back; the callback was not run"),
                   "BrokenPromiseRuns(void*)", BrokenPromiseRunsLine},
        MisuseCase{"CallbackFromManagedOfExtraM",
                   [] {
                     std::thread([] {
                       cgosan_cgocallback(ManagedCallsBack, nullptr);
                     }).join();
                   },
                   "bad-callback",
                   Lit("cgosan_cgocallback called from managed code: G ") + kG +
                       Lit(" is running, not parked in a cgocall (a callback "
                           "must come from foreign code)"),
                   "ManagedCallsBack(void*)", ManagedCallsBackLine}),
    [](const testing::TestParamInfo<MisuseCase> &info) {
      return std::string(info.param.name);
    });

// ---- unwind-across-boundary ------------------------------------------------

struct UnwindCase {
  const char *name;
  void (*statement)();
  const char *escaped;    // kBoundaryDescriptions
  const char *crossing;   // kBoundaryCrossing
  const char *thrower;    // the fn given to the boundary
  const char *function;   // frame #0: who made the crossing
  int line;
};
// Failure messages name the case, not its bytes.
void PrintTo(const UnwindCase &c, std::ostream *os) { *os << c.name; }

class UnwindDeath : public testing::TestWithParam<UnwindCase> {};

TEST_P(UnwindDeath, ExceptionIsStoppedAndReported) {
  const UnwindCase &c = GetParam();
  std::string message = Lit(std::string("C++ exception of type 'std::runtime_error' ") +
                            c.escaped + " and would unwind through " + c.crossing);
  std::string note = Lit(std::string("  the function was ") + c.thrower + " (") +
                     "0x[0-9a-f]+" +
                     Lit("); the exception was stopped at the boundary");
  EXPECT_EXIT(c.statement(), ExitedWithCode(66),
              ReportRegex("unwind-across-boundary", message, c.function, kFile,
                          c.line, note));
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, UnwindDeath,
    testing::Values(
        UnwindCase{"RunFn", [] { RunThrower(); },
                   "escaped the function run by cgosan_run",
                   "the frames that called cgosan_run", "ThrowFromRunFn(void*)",
                   "RunThrower()", RunThrowerLine},
        UnwindCase{"CgocallFn", [] { CgocallThrower(); },
                   "thrown by the foreign function of cgosan_cgocall",
                   "the managed frames that made the call",
                   "ThrowFromForeignFn(void*)", "ManagedCallsThrower(void*)",
                   ManagedCallsThrowerLine},
        UnwindCase{"CallbackFn", [] { CallbackThrower(); },
                   "escaped the managed callback of cgosan_cgocallback",
                   "the foreign frames that called back",
                   "ThrowFromCallbackFn(void*)", "ForeignCallsBackThrower(void*)",
                   ForeignCallsBackThrowerLine}),
    [](const testing::TestParamInfo<UnwindCase> &info) {
      return std::string(info.param.name);
    });

// An exception thrown and caught on one side is allowed, on every side.
TEST(UnwindAllowed, CaughtOnTheSameSideIsNotReported) {
  __cgosan::uptr reports = __cgosan::ReportCount();
  int caught = 0;
  auto thrower = [](void *arg) {
    try {
      throw std::runtime_error("local");
    } catch (const std::runtime_error &) {
      ++*static_cast<int *>(arg);
    }
  };
  struct Ctx {
    int *caught;
    void (*thrower)(void *);
  } ctx{&caught, thrower};
  ASSERT_EQ(cgosan_run(
                [](void *arg) {
                  auto *c = static_cast<Ctx *>(arg);
                  c->thrower(c->caught);                 // managed side
                  cgosan_cgocall(
                      [](void *arg) {
                        auto *c = static_cast<Ctx *>(arg);
                        c->thrower(c->caught);           // foreign side
                        cgosan_cgocallback(
                            [](void *arg) {
                              auto *c = static_cast<Ctx *>(arg);
                              c->thrower(c->caught);     // callback side
                            },
                            c);
                      },
                      c);
                },
                &ctx),
            0);
  EXPECT_EQ(caught, 3);
  EXPECT_EQ(__cgosan::ReportCount(), reports);
}

// ---- stack-overflow --------------------------------------------------------

struct OverflowCase {
  const char *name;
  void (*statement)();
};
// Failure messages name the case, not its bytes.
void PrintTo(const OverflowCase &c, std::ostream *os) { *os << c.name; }

class OverflowDeath : public testing::TestWithParam<OverflowCase> {};

TEST_P(OverflowDeath, GuardPageHitIsReported) {
  const std::string hex = "0x[0-9a-f]+";
  std::string message = "G [0-9]+" +
                        Lit(" overflowed its " +
                            std::to_string(__cgosan::flags()->stack_size) +
                            "-byte stack: access to ") +
                        hex + Lit(" hit the guard page");
  std::string note = "  G [0-9]+" + Lit(" stack is [") + hex + ", " + hex +
                     Lit("), guard page [") + hex + ", " + hex +
                     Lit("); if the depth is intended, raise "
                         "CGOSAN_OPTIONS=stack_size");
  EXPECT_EXIT(GetParam().statement(), ExitedWithCode(66),
              ReportRegex("stack-overflow", message,
                          "RecurseForever(char volatile*)", kFile, 0, note));
}

INSTANTIATE_TEST_SUITE_P(
    Places, OverflowDeath,
    testing::Values(
        OverflowCase{"InRun", [] { cgosan_run(RecurseForeverFn, nullptr); }},
        OverflowCase{"InCallbackInsideCgocall",
                     [] {
                       cgosan_run(ManagedCallsForeignCallsBackRecursion, nullptr);
                     }},
        OverflowCase{"InCallbackOnForeignThread",
                     [] {
                       std::thread([] {
                         cgosan_cgocallback(RecurseForeverFn, nullptr);
                       }).join();
                     }}),
    [](const testing::TestParamInfo<OverflowCase> &info) {
      return std::string(info.param.name);
    });

// ---- halt_on_error=0: reported, refused, and the process goes on ----------

TEST(HaltOnError, RunNullReturnsEinvalAndExits66AtExit) {
  ChildResult r = RunChild({HelperPath(), "run-null"}, "halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_NE(r.output.find("ERROR: CgoSanitizer: api-misuse\n"
                          "cgosan_run called with a NULL function\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ret=" + std::to_string(EINVAL) + " errno=4242\nafter\n"),
            std::string::npos)
      << r.output;
}

TEST(HaltOnError, DefaultHaltsAtTheFirstReport) {
  ChildResult r = RunChild({HelperPath(), "run-null"}, nullptr);
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_NE(r.output.find("ERROR: CgoSanitizer: api-misuse"), std::string::npos);
  EXPECT_EQ(r.output.find("after"), std::string::npos) << r.output;
}

TEST(HaltOnError, ExitcodeFlagIsUsedAtExit) {
  ChildResult r = RunChild({HelperPath(), "run-null"}, "halt_on_error=0:exitcode=7");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("after\n"), std::string::npos) << r.output;
}

// An exhausted heap ends the run even so: cgosan_new never returns null.
TEST(HaltOnError, HeapExhaustedIsFatal) {
  ChildResult r = RunChild({HelperPath(), "heap-exhausted"}, "halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_NE(r.output.find("ERROR: CgoSanitizer: out-of-memory\n"
                          "managed heap exhausted: 68719484928 more bytes requested"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("after"), std::string::npos) << r.output;
}

// A report made with little of a G's stack left is rendered on the system
// stack: it used to run into the guard page and come out as stack-overflow.
TEST(HaltOnError, AReportNearTheGuardPageIsPrinted) {
  ChildResult r = RunChild({HelperPath(), "deep-report"},
                           "stack_size=16384:halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_NE(r.output.find("ERROR: CgoSanitizer: unpinned-pointer-in-argument\n"
                          "argument 0 of deep_fn has managed pointer to "
                          "unpinned managed pointer\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("stack-overflow"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nafter\n"), std::string::npos) << r.output;
}

TEST(HaltOnError, EveryMisuseIsReportedAndTheRunGoesOn) {
  ChildResult r = RunChild({HelperPath(), "misuse"}, "halt_on_error=0");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 66) << r.output;
  EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("done failures=0\n"), std::string::npos) << r.output;
  // The reports, in order, one per misuse.
  const char *kKinds[] = {"api-misuse",   "api-misuse",
                          "api-misuse",   "api-misuse",
                          "api-misuse",   "bad-callback",
                          "unwind-across-boundary", "unwind-across-boundary",
                          "unwind-across-boundary"};
  size_t pos = 0;
  int found = 0;
  for (const char *kind : kKinds) {
    std::string expected = std::string("ERROR: CgoSanitizer: ") + kind + "\n";
    size_t at = r.output.find("ERROR: CgoSanitizer: ", pos);
    ASSERT_NE(at, std::string::npos) << "missing report " << found << ": " << kind
                                     << "\n" << r.output;
    EXPECT_EQ(r.output.compare(at, expected.size(), expected), 0)
        << "report " << found << " should be " << kind;
    pos = at + 1;
    found++;
  }
  EXPECT_EQ(r.output.find("ERROR: CgoSanitizer: ", pos), std::string::npos)
      << "more reports than misuses:\n" << r.output;
}

}  // namespace
}  // namespace cgotest
