// errno_test.cpp — the errno contract: cgosan_cgocall clears errno before the
// foreign fn and returns (and leaves in errno) what fn left; every other path
// of the runtime leaves errno exactly as it found it.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <iterator>

#include <thread>
#include <vector>

#include "test_util.h"

namespace cgotest {
namespace {

constexpr int kSentinel = 4242;  // not a real errno value
constexpr int kUntouched = -1;   // the foreign fn does not write errno

// ---- cgosan_cgocall: clear before, return after -------------------------

enum class Where {
  kOnG,                // managed code inside cgosan_run: a real cgocall
  kNoG,                // plain thread, no G: fn runs in place
  kForeignInCgocall,   // foreign code inside a cgocall: fn runs in place
  kCallbackOnExtraM,   // managed code of a callback on a foreign thread
};

struct CgocallErrnoCase {
  const char *name;
  Where where;
  int fn_sets;  // kUntouched or the errno fn stores
};
// Failure messages name the case, not its bytes.
void PrintTo(const CgocallErrnoCase &c, std::ostream *os) { *os << c.name; }

struct CgocallErrnoResult {
  int errno_at_fn_entry = -100;
  int ret = -100;
  int errno_after = -100;
  bool fn_ran = false;
};

struct CgocallErrnoCtx {
  const CgocallErrnoCase *c;
  CgocallErrnoResult r;
};

void ErrnoFn(void *arg) {
  auto *ctx = static_cast<CgocallErrnoCtx *>(arg);
  ctx->r.fn_ran = true;
  ctx->r.errno_at_fn_entry = errno;
  if (ctx->c->fn_sets != kUntouched)
    errno = ctx->c->fn_sets;
}

void DoCgocall(void *arg) {
  auto *ctx = static_cast<CgocallErrnoCtx *>(arg);
  errno = kSentinel;
  ctx->r.ret = cgosan_cgocall(ErrnoFn, ctx);
  ctx->r.errno_after = errno;
}

void ForeignThenCgocall(void *arg) { DoCgocall(arg); }
void ManagedThenForeign(void *arg) { cgosan_cgocall(ForeignThenCgocall, arg); }

class CgocallErrno : public testing::TestWithParam<CgocallErrnoCase> {};

TEST_P(CgocallErrno, ClearedBeforeAndReturnedAfter) {
  CgocallErrnoCtx ctx{&GetParam(), {}};
  int64_t calls_before = cgosan_num_cgocall();
  switch (ctx.c->where) {
    case Where::kOnG:
      ASSERT_EQ(cgosan_run(DoCgocall, &ctx), 0);
      break;
    case Where::kNoG:
      DoCgocall(&ctx);
      break;
    case Where::kForeignInCgocall:
      ASSERT_EQ(cgosan_run(ManagedThenForeign, &ctx), 0);
      break;
    case Where::kCallbackOnExtraM:
      std::thread([&] { cgosan_cgocallback(DoCgocall, &ctx); }).join();
      break;
  }
  int expected = ctx.c->fn_sets == kUntouched ? 0 : ctx.c->fn_sets;
  ASSERT_TRUE(ctx.r.fn_ran);
  EXPECT_EQ(ctx.r.errno_at_fn_entry, 0) << "errno must be cleared before fn";
  EXPECT_EQ(ctx.r.ret, expected);
  EXPECT_EQ(ctx.r.errno_after, expected);
  // Only kOnG/kCallbackOnExtraM (+1 for the outer call of kForeignInCgocall)
  // are managed -> foreign transitions.
  int64_t expected_calls = ctx.c->where == Where::kNoG ? 0 : 1;
  EXPECT_EQ(cgosan_num_cgocall() - calls_before, expected_calls);
}

std::vector<CgocallErrnoCase> CgocallErrnoCases() {
  struct W {
    const char *name;
    Where where;
  };
  struct V {
    const char *name;
    int value;
  };
  static const W kWheres[] = {{"OnG", Where::kOnG},
                              {"NoG", Where::kNoG},
                              {"ForeignInCgocall", Where::kForeignInCgocall},
                              {"CallbackOnExtraM", Where::kCallbackOnExtraM}};
  static const V kValues[] = {{"Untouched", kUntouched},
                              {"Zero", 0},
                              {"EBADF", EBADF},
                              {"EAGAIN", EAGAIN},
                              {"Sentinel", kSentinel}};
  static std::vector<std::string> names;
  std::vector<CgocallErrnoCase> cases;
  names.reserve(std::size(kWheres) * std::size(kValues));
  for (const W &w : kWheres)
    for (const V &v : kValues) {
      names.push_back(std::string(w.name) + "_" + v.name);
      cases.push_back({names.back().c_str(), w.where, v.value});
    }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CgocallErrno, testing::ValuesIn(CgocallErrnoCases()),
    [](const testing::TestParamInfo<CgocallErrnoCase> &info) {
      return std::string(info.param.name);
    });

// A real failing libc call inside the foreign fn: its errno comes back.
void FailingOpen(void *) {
  int fd = open("/nonexistent/cgosan/unit", O_RDONLY);
  if (fd >= 0)
    close(fd);
}
void CallFailingOpen(void *arg) {
  int *out = static_cast<int *>(arg);
  out[0] = cgosan_cgocall(FailingOpen, nullptr);
  out[1] = errno;
}

TEST(CgocallErrno, LibcFailureIsReturned) {
  int out[2] = {-1, -1};
  ASSERT_EQ(cgosan_run(CallFailingOpen, out), 0);
  EXPECT_EQ(out[0], ENOENT);
  EXPECT_EQ(out[1], ENOENT);
}

// ---- every other path: errno untouched ----------------------------------

// A path of the runtime that must be errno-transparent. It records the errno
// seen at each checkpoint; each must equal the expected value.
struct Checkpoint {
  const char *what;
  int expected;
  int actual;
};
using Checkpoints = std::vector<Checkpoint>;

void Check(Checkpoints *cp, const char *what, int expected) {
  int e = errno;
  cp->push_back({what, expected, e});
  errno = e;  // push_back may allocate; keep errno as it was
}

struct PreservationCase {
  const char *name;
  void (*scenario)(Checkpoints *);
};
// Failure messages name the case, not its bytes.
void PrintTo(const PreservationCase &c, std::ostream *os) { *os << c.name; }

void InManagedOutside(Checkpoints *cp) {
  errno = kSentinel;
  (void)cgosan_in_managed();
  Check(cp, "after cgosan_in_managed outside", kSentinel);
}

void NumCgocall(Checkpoints *cp) {
  errno = kSentinel;
  (void)cgosan_num_cgocall();
  Check(cp, "after cgosan_num_cgocall", kSentinel);
}

void RunFnChecks(void *arg) {
  auto *cp = static_cast<Checkpoints *>(arg);
  Check(cp, "at entry of run fn", kSentinel);
  errno = kSentinel + 1;
  (void)cgosan_in_managed();
  Check(cp, "after cgosan_in_managed on G", kSentinel + 1);
  (void)cgosan_num_cgocall();
  Check(cp, "after cgosan_num_cgocall on G", kSentinel + 1);
  errno = kSentinel + 2;  // what the caller of cgosan_run must see
}

void Run(Checkpoints *cp) {
  errno = kSentinel;
  int ret = cgosan_run(RunFnChecks, cp);
  Check(cp, "after cgosan_run", kSentinel + 2);
  cp->push_back({"cgosan_run returned", 0, ret});
}

void RunFirstContactOnNewThread(Checkpoints *cp) {
  std::thread([cp] {
    EXPECT_EQ(__cgosan::CurrentM(), nullptr);  // first contact is the run
    Run(cp);
  }).join();
}

void CallbackChecks(void *arg) {
  auto *cp = static_cast<Checkpoints *>(arg);
  Check(cp, "at entry of callback", kSentinel + 3);
  (void)cgosan_in_managed();
  Check(cp, "after cgosan_in_managed in callback", kSentinel + 3);
  errno = kSentinel + 4;
}

void ForeignCallsBack(void *arg) {
  auto *cp = static_cast<Checkpoints *>(arg);
  (void)cgosan_in_managed();
  Check(cp, "after cgosan_in_managed in foreign fn", 0);
  errno = kSentinel + 3;
  cgosan_cgocallback(CallbackChecks, cp);
  Check(cp, "after cgosan_cgocallback in foreign fn", kSentinel + 4);
  errno = kSentinel + 5;
}

void ManagedCallsForeign(void *arg) {
  auto *cp = static_cast<Checkpoints *>(arg);
  int ret = cgosan_cgocall(ForeignCallsBack, cp);
  Check(cp, "after the cgocall", kSentinel + 5);
  cp->push_back({"cgocall returned", kSentinel + 5, ret});
}

void CallbackInsideCgocall(Checkpoints *cp) {
  errno = kSentinel;
  cgosan_run(ManagedCallsForeign, cp);
}

void CallbackFromThreadWithoutG(Checkpoints *cp) {
  errno = kSentinel + 3;
  cgosan_cgocallback(CallbackChecks, cp);
  Check(cp, "after callback without G", kSentinel + 4);
}

void CallbackFirstContactOnNewThread(Checkpoints *cp) {
  std::thread([cp] {
    EXPECT_EQ(__cgosan::CurrentM(), nullptr);  // first contact: needm
    CallbackFromThreadWithoutG(cp);
    // Later callbacks on the same (now bound) thread, too.
    CallbackFromThreadWithoutG(cp);
  }).join();
}

class ErrnoPreserved : public testing::TestWithParam<PreservationCase> {};

TEST_P(ErrnoPreserved, RuntimeLeavesErrnoAlone) {
  Checkpoints cp;
  cp.reserve(64);
  GetParam().scenario(&cp);
  ASSERT_FALSE(cp.empty());
  for (const Checkpoint &c : cp)
    EXPECT_EQ(c.actual, c.expected) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, ErrnoPreserved,
    testing::Values(
        PreservationCase{"InManagedOutside", InManagedOutside},
        PreservationCase{"NumCgocall", NumCgocall},
        PreservationCase{"Run", Run},
        PreservationCase{"RunFirstContactOnNewThread", RunFirstContactOnNewThread},
        PreservationCase{"CallbackInsideCgocall", CallbackInsideCgocall},
        PreservationCase{"CallbackFromThreadWithoutG", CallbackFromThreadWithoutG},
        PreservationCase{"CallbackFirstContactOnNewThread",
                         CallbackFirstContactOnNewThread}),
    [](const testing::TestParamInfo<PreservationCase> &info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace cgotest
