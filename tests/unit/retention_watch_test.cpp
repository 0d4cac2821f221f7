// retention_watch_test.cpp — retention=full through a child process
// (tests/unit/retention_watch_helper.cpp): a foreign access to an object after the
// call it was lent to returned is a retained-pointer report, with the
// access, the object, the lending call and (for a dead one) the collection
// that freed it; re-passing, pinning, managed code's own accesses and a
// neighbour on the same page are silent.
#include "retention_test_util.h"

#ifndef CGOSAN_RETENTION_WATCH_HELPER
#error "CGOSAN_RETENTION_WATCH_HELPER must name the retention helper executable"
#endif

namespace cgotest {
namespace {

ChildResult RunMode(const char *mode, const std::string &options = "") {
  std::string all = "retention=full" + (options.empty() ? "" : ":" + options);
  return RunChild({CGOSAN_RETENTION_WATCH_HELPER, mode}, all.c_str());
}

// The helper ended at its one report (halt_on_error): its output.
ChildResult RunReported(const char *mode) {
  ChildResult r = RunMode(mode);
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  return r;
}

// The helper ran silent to its end, having printed `line`.
void ExpectSilentPrinting(const char *mode, const std::string &line) {
  ChildResult r = RunMode(mode);
  ExpectSilent(r);
  EXPECT_NE(r.output.find(line), std::string::npos) << r.output;
}

TEST(RetentionWatch, ForeignReadAfterReturnIsReported) {
  ChildResult r = RunReported("kept-read");
  EXPECT_TRUE(Matches(r.output,
      "foreign code read managed memory at 0x[0-9a-f]+ after the call it "
      "was lent to returned \\(argument 1 of lib_keep\\)\n"
      "    #0 0x[0-9a-f]+ in LibReadKept\\(void\\*\\) .*retention_watch_helper.cpp:109:"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  0x[0-9a-f]+ is 3 bytes into object 0x[0-9a-f]+ of type 'char\\[64\\]' "
      "\\(64 bytes\\)\n"
      "  the access is a 1-byte read by foreign code on thread [0-9]+\n"
      "  lent as argument 1 of lib_keep, which returned 1 foreign call and "
      "[0-9]+ ms before this access: foreign code may not keep a managed "
      "pointer after the call\n"
      "  fix: pin the object for as long as the library keeps it "
      "\\(cgosan_pin\\), or pass a copy in C memory, or a handle\n"
      "  0x[0-9a-f]+ was allocated at:\n"
      "    #0 0x[0-9a-f]+ in NewBytes\\(\\) .*retention_watch_helper.cpp:[0-9]+"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  lent to lib_keep at:\n"
      "    #0 0x[0-9a-f]+ in Keep\\(char\\*\\) .*retention_watch_helper.cpp:"))
      << r.output;
  EXPECT_EQ(r.output.find("done"), std::string::npos) << r.output;
}

TEST(RetentionWatch, ForeignWriteProceedsWithHaltOnErrorZero) {
  ChildResult r = RunMode("kept-write", "halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_TRUE(Matches(r.output, "foreign code wrote managed memory at 0x[0-9a-f]+ "
                                "after the call it was lent to returned"))
      << r.output;
  EXPECT_NE(r.output.find("the write landed: w\ndone reports=1\n"),
            std::string::npos)
      << r.output;
}

TEST(RetentionWatch, RepassOpensForThatCallOnly) {
  ChildResult r = RunMode("repass", "halt_on_error=0");
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  size_t repassed = r.output.find("re-passed\n");
  size_t report = r.output.find(kKind);
  EXPECT_TRUE(repassed != std::string::npos && report > repassed) << r.output;
  EXPECT_TRUE(Matches(r.output, "after the call it was lent to returned "
                                "\\(argument 1 of lib_use\\)"))
      << r.output;
}

// The watch of an object waits for the next foreign entry, which protects
// only what it was not handed: an object handed to every call is never
// protected while the G runs (with the watch starting at each return, this
// was 100 protections).
TEST(RetentionWatch, RepassedToEveryCallIsNeverProtected) {
  ChildResult r = RunMode("repass-loop", "verbosity=1");
  ExpectSilent(r);
  EXPECT_NE(r.output.find("re-passed 100 times\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CgoSanitizer: retention=full: 1 page protections\n"),
            std::string::npos)
      << r.output;
}

// What must still be caught while a watch could wait: foreign code that
// runs with no cgocall of this G between the return and its access. Each
// is silent when the watch waits for the next cgocall regardless.
void ExpectReportedAt(const char *mode, const char *access, const char *frame) {
  ChildResult r = RunReported(mode);
  std::string expected = std::string("foreign code ") + access +
                         " managed memory at 0x[0-9a-f]+ after the call it was "
                         "lent to returned \\(argument 1 of lib_keep\\)\n"
                         "    #0 0x[0-9a-f]+ in " + frame;
  EXPECT_TRUE(Matches(r.output, expected.c_str())) << r.output;
}

TEST(RetentionWatch, WaitingLibraryThreadWriteIsReported) {
  ExpectReportedAt("thread-waiting", "wrote", "LibThreadWritesWhenTold");
}

TEST(RetentionWatch, OtherGsForeignCallReadIsReported) {
  ExpectReportedAt("other-g", "read", "LibWaitThenReadKept");
}

TEST(RetentionWatch, ThreadManagedCodeCreatesAfterTheReturnIsReported) {
  ExpectReportedAt("thread-new", "wrote", "LibThreadWrites");
}

TEST(RetentionWatch, ForeignCallerOfACallbackThatLentIsReported) {
  ExpectReportedAt("callback", "read", "LibCallsBackThenReadsKept");
}

TEST(RetentionWatch, ForeignCodeAfterTheGEndedIsReported) {
  ExpectReportedAt("after-run", "read", "LibReadKept");
}

TEST(RetentionWatch, PinnedBeforeTheCallIsNotLent) { ExpectSilent(RunMode("pinned")); }

TEST(RetentionWatch, PinnedAfterTheCallMayBeKept) {
  ExpectSilent(RunMode("pinned-after"));
}

// Go: C may keep a pointer while the object is pinned, not after its Unpin.
TEST(RetentionWatch, KeptPastTheUnpinIsReported) {
  ChildResult r = RunReported("unpinned");
  size_t pinned_read = r.output.find("read while pinned\n");
  size_t report = r.output.find(kKind);
  EXPECT_TRUE(pinned_read != std::string::npos && report > pinned_read)
      << r.output;
  EXPECT_TRUE(Matches(r.output, "after the call it was lent to returned "
                                "\\(argument 1 of lib_keep\\)"))
      << r.output;
}

TEST(RetentionWatch, ManagedCodeTouchesWhatItLent) {
  ExpectSilentPrinting("managed", "managed code used it: m\n");
}

TEST(RetentionWatch, ManagedFaultsAreCountedWithVerbosity) {
  ChildResult r = RunMode("managed", "verbosity=1");
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_TRUE(Matches(r.output,
      "CgoSanitizer: retention=full: [1-9][0-9]* faults on watched pages "
      "were not foreign code in a watched object \\(opened, no report\\)\n"))
      << r.output;
}

TEST(RetentionWatch, NeighbourOnTheSamePageIsOpenForItsCall) {
  ExpectSilentPrinting("neighbour", "same page: 1, read 3: abc\n");
}

TEST(RetentionWatch, LibraryThreadWriteIsReported) {
  ChildResult r = RunMode("thread");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_TRUE(Matches(r.output,
      "foreign code wrote managed memory at 0x[0-9a-f]+ after the call it "
      "was lent to returned \\(argument 1 of lib_keep\\)\n"
      "    #0 0x[0-9a-f]+ in LibThreadWrites\\(void\\*\\) "))
      << r.output;
}

// The lender and the collection lines of a freed object's report.
constexpr char kFreedByCollectionOne[] =
    "  lent as argument 1 of lib_keep, which returned 1 foreign call and "
    "[0-9]+ ms before this access: foreign code may not keep a managed "
    "pointer after the call\n"
    "  the object was freed by collection 1; its memory is poisoned\n";

TEST(RetentionWatch, FreedObjectStaysWatched) {
  ChildResult r = RunMode("freed");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_TRUE(Matches(r.output, kFreedByCollectionOne)) << r.output;
}

// The freed object's slot stays quarantined while it is watched: a read
// three collections later is still the report, naming the collection that
// freed it. Without the keeping, the next collection released the slot and
// the read was silent.
TEST(RetentionWatch, FreedObjectStaysWatchedPastLaterCollections) {
  ChildResult r = RunReported("freed-later");
  EXPECT_TRUE(Matches(r.output, kFreedByCollectionOne)) << r.output;
}

// retention_quarantine_kb=0: a freed object is watched until the next
// collection releases its slot, as any quarantined object.
TEST(RetentionWatch, NoQuarantineBudgetWatchesOneCollection) {
  ExpectSilent(RunMode("freed-later", "retention_quarantine_kb=0"));
  ChildResult r = RunMode("freed", "retention_quarantine_kb=0");
  EXPECT_TRUE(Matches(r.output, "  the object was freed by collection 1"))
      << r.output;
}

TEST(RetentionWatch, BadQuarantineBudgetIsRefused) {
  ChildResult r = RunMode("freed", "retention_quarantine_kb=-1");
  EXPECT_TRUE(r.exited && r.exit_code == 1) << r.output;
  EXPECT_NE(r.output.find("ERROR: CgoSanitizer: CGOSAN_OPTIONS: "
                          "retention_quarantine_kb=-1 is out of range "
                          "[0, 16777216]\n"),
            std::string::npos)
      << r.output;
}

// A bad iovec array or message header is the kernel's EFAULT, as without
// the checker: the interceptor reads them only where the kernel could.
TEST(RetentionWatch, BadVectorsFailWithEfault) {
  ExpectSilentPrinting("bad-vectors",
                       "readv -14\nwritev -14\nsendmsg -14\n"
                       "recvmsg -14\nsendmmsg -14\n");
}

// A signal handler's write(2) on a thread that holds the watch table's lock
// must not wait for it (an alarm ends the child if it does). The page stays
// protected: the call gets EFAULT, as it would without the interceptor.
TEST(RetentionWatch, SignalHandlerWriteUnderTheLockReturns) {
  ExpectSilentPrinting("signal-write", "the handler's write returned -14\n");
}

TEST(RetentionWatch, OtherFaultsGoToTheProgramsHandler) {
  ChildResult r = RunMode("chain");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  size_t handled = r.output.find("the program's handler ran\n");
  size_t report = r.output.find(kKind);
  EXPECT_TRUE(handled != std::string::npos && report != std::string::npos &&
              handled < report)
      << r.output;
}

TEST(RetentionWatch, ForeignWriteSaysItsSize) {
  ChildResult r = RunMode("kept-write");
  EXPECT_TRUE(Matches(r.output, "  the access is a 1-byte write by foreign code "
                                "on thread [0-9]+\n"))
      << r.output;
}

TEST(RetentionWatch, RangeInstructionHasNoSize) {
  ChildResult r = RunMode("kept-movs");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_TRUE(Matches(r.output, "  the access is a read of unknown size by "
                                "foreign code on thread [0-9]+\n"))
      << r.output;
}

// Go 1.22's `#cgo noescape`: the callee promised to keep none of its
// pointers, and kept one; the report names the promise and the fix drops it.
TEST(RetentionWatch, BrokenNoescapePromiseIsNamed) {
  ChildResult r = RunReported("noescape-broken");
  EXPECT_TRUE(Matches(r.output,
      "foreign code read managed memory at 0x[0-9a-f]+ after the call it "
      "was lent to returned \\(argument 1 of lib_keep\\)\n"
      "    #0 0x[0-9a-f]+ in LibReadKept\\(void\\*\\) .*retention_watch_helper.cpp:"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  the access is a 1-byte read by foreign code on thread [0-9]+\n"
      "  lent as argument 1 of lib_keep, which returned 1 foreign call and "
      "[0-9]+ ms before this access: foreign code may not keep a managed "
      "pointer after the call\n"
      "  lib_keep promised noescape \\(it keeps none of the managed pointers "
      "it receives\\), but its argument 1 was touched after it returned\n"
      "  fix: lib_keep keeps the pointer, so drop its noescape promise "
      "\\(noescape = yes, -cgosan-noescape\\), and pin the object for as long "
      "as the library keeps it \\(cgosan_pin\\), or pass a copy in C memory, "
      "or a handle\n"
      "  0x[0-9a-f]+ was allocated at:\n"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  lent to lib_keep at:\n"
      "    #0 0x[0-9a-f]+ in KeepNoescape\\(char\\*\\) .*retention_watch_helper.cpp:"))
      << r.output;
}

TEST(RetentionWatch, KeptNoescapePromiseIsSilentWithoutAPin) {
  ExpectSilentPrinting("noescape-kept", "managed code used it: m\n");
}

// A library's system call on a kept buffer is the kernel's access: a
// protected page would be EFAULT to the library, no fault the runtime sees.
// The interceptor reports it, and (halt_on_error=0) the call succeeds.
TEST(RetentionWatch, LibrarysWriteSyscallIsReported) {
  ChildResult r = RunMode("syscall-write", "halt_on_error=0");
  EXPECT_TRUE(r.exited && r.exit_code == 66) << r.output;
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  EXPECT_TRUE(Matches(r.output,
      "foreign code read managed memory at 0x[0-9a-f]+ after the call it "
      "was lent to returned \\(argument 1 of lib_keep\\)\n"
      "    #0 0x[0-9a-f]+ in LibWriteKeptToPipe\\(void\\*\\) "
      ".*retention_watch_helper.cpp:[0-9]+"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  0x[0-9a-f]+ is object of type 'char\\[64\\]' \\(64 bytes\\)\n"
      "  the access is a read of size 64 by foreign code in write\\(2\\) on "
      "thread [0-9]+\n"
      "  lent as argument 1 of lib_keep, which returned 1 foreign call and "
      "[0-9]+ ms before this access"))
      << r.output;
  EXPECT_NE(r.output.find("syscall-write returned 64: \ndone reports=1\n"),
            std::string::npos)
      << r.output;
}

// The other libc calls: the access line names the call, its direction and
// size, and (halt_on_error=0) the call succeeds. An unbuffered stream's
// fwrite is libc's own write(2), not the interceptor's: fwrite reports it.
struct LibcCallCase {
  const char *mode;
  const char *access;  // the access line up to its thread, a regex
  const char *result;  // what the helper prints after the call
};
void PrintTo(const LibcCallCase &c, std::ostream *os) { *os << c.mode; }

class RetentionWatchLibc : public testing::TestWithParam<LibcCallCase> {};

TEST_P(RetentionWatchLibc, LibrarysCallIsReported) {
  const LibcCallCase &c = GetParam();
  ChildResult r = RunMode(c.mode, "halt_on_error=0");
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  std::string access =
      std::string("  the access is a ") + c.access + " on thread [0-9]+\n";
  EXPECT_TRUE(Matches(r.output, access.c_str()))
      << r.output;
  std::string result =
      std::string(c.mode) + " returned " + c.result + "\ndone reports=1\n";
  EXPECT_TRUE(Matches(r.output, result.c_str())) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Calls, RetentionWatchLibc,
    testing::Values(
        LibcCallCase{"syscall-read",
                     "write of size 3 by foreign code in read\\(2\\)", "3: abc"},
        LibcCallCase{"syscall-readv",
                     "write of size 3 by foreign code in readv\\(2\\)", "3: abc"},
        LibcCallCase{"syscall-sendmsg",
                     "read of size 64 by foreign code in sendmsg\\(2\\)", "64: "},
        LibcCallCase{"syscall-fwrite",
                     "read of size 64 by foreign code in fwrite\\(3\\)", "64: "},
        LibcCallCase{"syscall-fstat",
                     "write of size 144 by foreign code in fstat\\(2\\)", "0"},
        LibcCallCase{"syscall-getsockopt",
                     "write of size 4 by foreign code in getsockopt\\(2\\)",
                     "0"},
        LibcCallCase{"syscall-stat",
                     "read of size 2 by foreign code in stat\\(2\\)", "0"},
        LibcCallCase{"syscall-getdents64",
                     "write of size 64 by foreign code in getdents64\\(2\\)",
                     "[0-9]+"},
        LibcCallCase{"syscall-open",
                     "read of size 2 by foreign code in open\\(2\\)", "[0-9]+"},
        LibcCallCase{"syscall-select",
                     "write of size 8 by foreign code in select\\(2\\)", "1"},
        LibcCallCase{"syscall-ioctl",
                     "write of size 4 by foreign code in ioctl\\(2\\)", "0"},
        LibcCallCase{"syscall-lio_listio",
                     "write of size 3 by foreign code in lio_listio\\(3\\)",
                     "3: abc"}),
    [](const testing::TestParamInfo<LibcCallCase> &info) {
      return std::string(info.param.mode + 8);  // past "syscall-"
    });

// Managed code may write(2) what it lent: the page is opened (counted), and
// the kernel's read succeeds.
TEST(RetentionWatch, ManagedWriteSyscallOpensThePage) {
  ChildResult r = RunMode("managed-write", "verbosity=1");
  EXPECT_TRUE(r.exited && r.exit_code == 0) << r.output;
  EXPECT_EQ(Count(r.output, "ERROR:"), 0u) << r.output;
  EXPECT_NE(r.output.find("managed write returned 64\n"), std::string::npos)
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "CgoSanitizer: retention=full: [1-9][0-9]* faults on watched pages"))
      << r.output;
}

// The same for the calls of retention_buffer_calls.cpp's table: a buffer
// the kernel stores into, a path it reads.
TEST(RetentionWatch, ManagedStatCallsOpenThePage) {
  ExpectSilentPrinting("managed-fstat", "managed fstat returned 0\n");
  ExpectSilentPrinting("managed-stat", "managed stat returned 0\n");
}

// Every path call of retention_path_calls.cpp and the structure calls
// added with it, handed a watched object by managed code: the kernel reads
// the path (ENOENT), or stores into the structure, and none fails with
// EFAULT.
TEST(RetentionWatch, ManagedPathAndStructureCallsOpenThePage) {
  ExpectSilentPrinting("managed-calls",
                       "managed calls: 91 made, 0 failed with EFAULT\n");
}

// execve's vectors and their strings in a watched object: the new program
// runs.
TEST(RetentionWatch, ManagedExecVectorsOpenThePage) {
  ExpectSilentPrinting("managed-exec", "exec child exited 0\n");
}

// stdio on a watched object, unbuffered and buffered, and a library's
// flush of stdio's own buffer: every byte arrives, and nothing is reported.
TEST(RetentionWatch, ManagedStdioMovesEveryByte) {
  ExpectSilentPrinting(
      "managed-stdio",
      "stdio moved 59995 of 59995 bytes (59995 right), errors 0\n");
}

// A library's fputs of what it kept: libc's own read of the string (its
// strlen) faults, and is the report, from inside fputs.
TEST(RetentionWatch, LibrarysFputsIsReported) {
  ChildResult r = RunMode("stdio-fputs", "halt_on_error=0");
  EXPECT_EQ(Count(r.output, kKind), 1u) << r.output;
  EXPECT_TRUE(Matches(r.output, "    #1 0x[0-9a-f]+ in (_IO_)?fputs"))
      << r.output;
  EXPECT_TRUE(Matches(r.output,
      "  the access is a read of unknown size by foreign code on thread"))
      << r.output;
  EXPECT_NE(r.output.find("fputs returned 1\ndone reports=1\n"),
            std::string::npos)
      << r.output;
}

// POSIX aio and setvbuf keep the buffer past the call: managed code
// handing them an unpinned object is the report at the call, in the default
// mode. Each mode prints `result` after the call (and its wait).
struct KeptByLibcCase {
  const char *mode;
  const char *message;  // the report's first line; null: silent
  const char *result;
};
void PrintTo(const KeptByLibcCase &c, std::ostream *os) { *os << c.mode; }

class RetentionKeptByLibc : public testing::TestWithParam<KeptByLibcCase> {};

TEST_P(RetentionKeptByLibc, JudgedAtTheCall) {
  const KeptByLibcCase &c = GetParam();
  ChildResult r =
      RunChild({CGOSAN_RETENTION_WATCH_HELPER, c.mode}, "halt_on_error=0");
  EXPECT_EQ(Count(r.output, kKind), c.message ? 1u : 0u) << r.output;
  if (c.message)
    EXPECT_NE(r.output.find(std::string(c.message) + "\n"), std::string::npos)
        << r.output;
  std::string end = std::string(c.result) + "\ndone reports=" +
                    (c.message ? "1" : "0") + "\n";
  EXPECT_NE(r.output.find(end), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Calls, RetentionKeptByLibc,
    testing::Values(
        KeptByLibcCase{"aio-unpinned",
                       "aio_read retains argument 1's aio_buf until "
                       "aio_return, and it points into an unpinned managed "
                       "object",
                       "aio read 3: abc"},
        KeptByLibcCase{"lio-unpinned",
                       "lio_listio retains argument 2's aio_buf until "
                       "aio_return, and it points into an unpinned managed "
                       "object",
                       "aio read 3: abc"},
        KeptByLibcCase{"aio-pinned", nullptr, "aio read 3: abc"},
        KeptByLibcCase{"aio-unpinned-early",
                       "unpinned while still retained: aio_read retains "
                       "argument 1 until aio_return",
                       "aio read 3: abc"},
        KeptByLibcCase{"setvbuf-unpinned",
                       "setvbuf retains argument 2 until fclose, and it "
                       "points into an unpinned managed object",
                       "stream closed"},
        KeptByLibcCase{"setvbuf-pinned", nullptr, "stream closed"}),
    [](const testing::TestParamInfo<KeptByLibcCase> &info) {
      std::string name = info.param.mode;
      for (char &ch : name)
        if (ch == '-')
          ch = '_';
      return name;
    });

// The whole report at aio_read: the call's stack, the object, the fix.
TEST(RetentionKeptByLibcReport, NamesTheFieldAndTheFix) {
  ChildResult r = RunChild({CGOSAN_RETENTION_WATCH_HELPER, "aio-unpinned"},
                           "halt_on_error=0");
  EXPECT_TRUE(Matches(r.output,
      "aio_read retains argument 1's aio_buf until aio_return, and it points "
      "into an unpinned managed object\n"
      "    #0 0x[0-9a-f]+ in .*ManagedAio.* .*retention_calls_helper.cpp:"
      "[0-9]+:[0-9]+\n(    #.*\n)*"
      "  0x[0-9a-f]+ is object of type 'char\\[12000\\]' \\(12000 bytes\\), "
      "not pinned\n"
      "  fix: pin the object until aio_return is called \\(cgosan_pin\\), or "
      "pass a copy in C memory, or a handle\n"))
      << r.output;
}

// retention=off judges no call.
TEST(RetentionKeptByLibcReport, OffReportsNothing) {
  ExpectSilent(RunChild({CGOSAN_RETENTION_WATCH_HELPER, "aio-unpinned"},
                        "retention=off"));
}

TEST(RetentionWatch, OffWatchesNothing) {
  ChildResult r = RunChild({CGOSAN_RETENTION_WATCH_HELPER, "kept-read"}, "retention=off");
  ExpectSilent(r);
}

}  // namespace
}  // namespace cgotest
