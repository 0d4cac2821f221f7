// flags_test.cpp — CGOSAN_OPTIONS, through a child process: the runtime reads
// the options once, when it loads.
#include <unistd.h>

#include <string>

#include "test_util.h"

namespace cgotest {
namespace {

struct FlagCase {
  const char *name;
  const char *options;       // CGOSAN_OPTIONS, or null for unset
  const char *mode;          // helper mode
  bool success;              // exit status 0, or non-zero
  std::string must_contain;  // literal text
  std::string must_not_contain = "";
};
// Failure messages name the case, not its bytes.
void PrintTo(const FlagCase &c, std::ostream *os) { *os << c.name; }

class Flags : public testing::TestWithParam<FlagCase> {};

TEST_P(Flags, ChildBehaves) {
  const FlagCase &c = GetParam();
  ChildResult r = RunChild({HelperPath(), c.mode}, c.options);
  ASSERT_TRUE(r.exited) << "killed by signal " << r.signal << "\n" << r.output;
  if (c.success)
    EXPECT_EQ(r.exit_code, 0) << r.output;
  else  // bad options, whatever they are: 1, never exitcode (a report's)
    EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(c.must_contain), std::string::npos)
      << "expected to find:\n" << c.must_contain << "\nin:\n" << r.output;
  if (!c.must_not_contain.empty())
    EXPECT_EQ(r.output.find(c.must_not_contain), std::string::npos) << r.output;
}

const std::string kPage = std::to_string(sysconf(_SC_PAGESIZE));
const std::string kLongLogFormat = "log_format='" + std::string(70, 'x') + "'";
const std::string kSparsePages = std::to_string((6 << 20) / sysconf(_SC_PAGESIZE));

INSTANTIATE_TEST_SUITE_P(
    Table, Flags,
    testing::Values(
        FlagCase{"DefaultStackSize", nullptr, "stack-size", true,
                 "usable=65536 guard=" + kPage + "\n"},
        FlagCase{"StackSize131072", "stack_size=131072", "stack-size", true,
                 "usable=131072 guard=" + kPage + "\n"},
        FlagCase{"StackSizeMinimum", "stack_size=16384", "stack-size", true,
                 "usable=16384 guard=" + kPage + "\n"},
        FlagCase{"StackSizeRoundedUpToAPage", "stack_size=100000", "stack-size",
                 true, "usable=102400 guard=" + kPage + "\n"},
        FlagCase{"StackSizeWithOtherFlags",
                 "verbosity=0:stack_size=262144:halt_on_error=1", "stack-size",
                 true, "usable=262144 guard="},
        FlagCase{"StackSizeTooSmall", "stack_size=100", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: stack_size=100 is out of "
                 "range [16384, 1073741824]\n"},
        FlagCase{"StackSizeTooLarge", "stack_size=1073741825", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: stack_size=1073741825 is "
                 "out of range [16384, 1073741824]\n"},
        FlagCase{"EmptySpansReleasedAfterFourCollectionsByDefault", nullptr,
                 "released", true, "released=all\n"},
        FlagCase{"EmptySpansReleasedAfterOneCollection", "gc_release_after=1",
                 "released", true, "released=all\n"},
        FlagCase{"EmptySpansNotYetReleased", "gc_release_after=6", "released",
                 true, "released=none\n"},
        FlagCase{"EmptySpansNeverReleased", "gc_release_after=0", "released",
                 true, "released=none\n"},
        FlagCase{"GcReleaseAfterNegative", "gc_release_after=-1", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: gc_release_after=-1 is out "
                 "of range [0, 1000]\n"},
        FlagCase{"GcReleaseAfterTooLarge", "gc_release_after=1001", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: gc_release_after=1001 is out "
                 "of range [0, 1000]\n"},
        // Allocation sites: whole walks by default (the depths differ, so
        // each site has two stacks); malloc_context_size=1 keeps the call
        // site alone, one stack per site whatever the depth or G.
        FlagCase{"AllocSitesKeepTheirCallers", nullptr, "alloc-sites", true,
                 "site 0: stacks=2 most_frames=5 frame0_in_site=yes\n"
                 "site 1: stacks=2 most_frames=5 frame0_in_site=yes\n"
                 "lost=0\n"},
        FlagCase{"AllocSitesKeepTwoFrames", "malloc_context_size=2", "alloc-sites",
                 true,
                 "site 0: stacks=2 most_frames=2 frame0_in_site=yes\n"
                 "site 1: stacks=2 most_frames=2 frame0_in_site=yes\n"
                 "lost=0\n"},
        FlagCase{"AllocSitesByCallSiteOnly", "malloc_context_size=1", "alloc-sites",
                 true,
                 "site 0: stacks=1 most_frames=1 frame0_in_site=yes\n"
                 "site 1: stacks=1 most_frames=1 frame0_in_site=yes\n"
                 "lost=0\n"},
        FlagCase{"AllocSitesOfZeroFramesKeepTheCallSite", "malloc_context_size=0",
                 "alloc-sites", true,
                 "site 0: stacks=1 most_frames=1 frame0_in_site=yes\n"
                 "site 1: stacks=1 most_frames=1 frame0_in_site=yes\n"
                 "lost=0\n"},
        FlagCase{"MallocContextSizeNegative", "malloc_context_size=-1", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: malloc_context_size=-1 is out "
                 "of range [0, 2147483647]\n"},
        // A dead large object's untouched pages are dropped, not written;
        // where the kernel refuses the drop, they are written (6 MiB, one
        // page touched).
        FlagCase{"DeadSparseObjectUntouchedPagesDropped", nullptr, "scrub", true,
                 "pages=" + kSparsePages + " resident=1 poison=1 zero=" +
                     std::to_string(std::stoul(kSparsePages) - 1) + "\n"},
        FlagCase{"DeadSparseObjectPagesWrittenWhereDropRefused", nullptr,
                 "scrub-madvise-refused", true,
                 "pages=" + kSparsePages + " resident=" + kSparsePages +
                     " poison=" + kSparsePages + " zero=0\n"},
        FlagCase{"GcPercentNegative", "gc_percent=-1", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: gc_percent=-1 is out of "
                 "range [0, 1000000]\n"},
        // retention=: annotations by default; guard and full check the
        // annotations too.
        FlagCase{"RetentionAnnotationsByDefault", "exitcode=0", "retained-unpinned",
                 true,
                 "ERROR: CgoSanitizer: retained-pointer\nlib_keep retains argument 1 "
                 "until lib_release, and it points into an unpinned managed object\n"},
        FlagCase{"RetentionAnnotations", "retention=annotations:exitcode=0",
                 "retained-unpinned", true, "retained-pointer"},
        FlagCase{"RetentionOff", "retention=off", "retained-unpinned", true,
                 "after\n", "retained-pointer"},
        FlagCase{"RetentionGuard", "retention=guard:exitcode=0",
                 "retained-unpinned", true, "retained-pointer"},
        FlagCase{"RetentionFull", "retention=full:exitcode=0",
                 "retained-unpinned", true, "retained-pointer"},
        FlagCase{"RetentionMalformed", "retention=sometimes", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: retention=sometimes is not "
                 "one of off, annotations, guard, full\n"},
        FlagCase{"RetentionEmpty", "retention=", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: retention= is not "
                 "one of off, annotations, guard, full\n"},
        FlagCase{"HelpListsRetention", "help=1", "noop", true,
                 "\tretention\n\t\t- Rule 2, foreign code keeping"},
        // gc_at_return: an object only foreign code keeps dies as a foreign
        // call returns, and foreign code then reads its poison.
        FlagCase{"NoCollectionAtReturnByDefault", nullptr, "gc-at-return", true,
                 "kept=0x61 collections=0\n"},
        FlagCase{"CollectionAtEveryReturn", "gc_at_return=1", "gc-at-return", true,
                 "kept=0xca collections=2\n"},
        // The process's returns: 1 (the call that kept it), 2 (the empty
        // call), 3 (the call that reads it).
        FlagCase{"CollectionAtEverySecondReturn", "gc_at_return=2", "gc-at-return",
                 true, "kept=0xca collections=1\n"},
        FlagCase{"CollectionAtEveryThirdReturn", "gc_at_return=3", "gc-at-return",
                 true, "kept=0x61 collections=1\n"},
        FlagCase{"GcAtReturnNegative", "gc_at_return=-1", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: gc_at_return=-1 is out of "
                 "range [0, 1000000]\n"},
        FlagCase{"UnknownFlag", "no_such_flag=1", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: unknown flag "
                 "'no_such_flag' (help=1 lists the flags)\n"},
        FlagCase{"UnknownFlagAfterKnownOnes", "halt_on_error=1:stack_sise=65536",
                 "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: unknown flag 'stack_sise'"},
        // A value FlagParser cannot read, said in one line (it would say
        // two, neither naming the flag); a value is shown on that line.
        FlagCase{"IntegerFlagOfText", "stack_size=64k", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: stack_size=64k is not an "
                 "integer\n",
                 "Flag parsing failed"},
        FlagCase{"BooleanFlagOfText", "halt_on_error=maybe", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: halt_on_error=maybe is not "
                 "a boolean (0, 1, no, yes, false, true)\n",
                 "Flag parsing failed"},
        FlagCase{"SignalFlagOutOfItsWords", "handle_segv=3", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: handle_segv=3 is not one "
                 "of 0, 1, 2, no, yes, false, true, exclusive\n",
                 "Flag parsing failed"},
        FlagCase{"QuotedIntegerOfTwoWords", "cgocheck='1 2'", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: cgocheck=1 2 is not an "
                 "integer\n"},
        FlagCase{"ValueShownOnOneLine", "race='a\nb'", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: race=a?b is not one of "
                 "off, go, precise\n"},
        FlagCase{"LongValueShownCut", kLongLogFormat.c_str(), "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: log_format=" +
                     std::string(64, 'x') + "... is not one of text, sarif\n"},
        FlagCase{"EveryWordOfBooleansAndSignals",
                 "symbolize=yes:halt_on_error=true:handle_segv=exclusive:"
                 "handle_abort=0:stack_size='131072'",
                 "stack-size", true, "usable=131072"},
        FlagCase{"ExitcodeOutOfRange", "exitcode=300", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: exitcode=300 is out of "
                 "range [0, 255]\n"},
        FlagCase{"LogFormatUnknown", "log_format=json", "noop", false,
                 "ERROR: CgoSanitizer: CGOSAN_OPTIONS: log_format=json is not "
                 "one of text, sarif\n"},
        FlagCase{"LogFormatSarifWithoutReportsIsAnEmptyLog", "log_format=sarif",
                 "noop", true, "\"results\":[]}]}\n"},
        FlagCase{"IncludeIfExistsOfNoFile",
                 "include_if_exists=/nonexistent/cgosan.options:stack_size=131072",
                 "stack-size", true, "usable=131072 guard="},
        FlagCase{"CommonFlagIsKnown", "symbolize=1:exitcode=66", "stack-size",
                 true, "usable=65536", "unknown flag"},
        FlagCase{"Help", "help=1", "noop", true,
                 "Available flags for CgoSanitizer:\n"},
        FlagCase{"HelpListsStackSize", "help=1", "noop", true,
                 "\tstack_size\n\t\t- Bytes of each G (goroutine) stack"},
        FlagCase{"HelpListsHaltOnError", "help=1", "noop", true,
                 "\thalt_on_error\n\t\t- End the process with exitcode"},
        FlagCase{"HelpShowsParsedValues", "help=1:stack_size=131072:halt_on_error=0",
                 "noop", true, "Between 16384 and 1073741824. (Current Value: 0x20000)\n"},
        FlagCase{"HelpShowsCgosanExitcodeDefault", "help=1", "noop", true,
                 "\texitcode\n\t\t- Override the program exit status if the tool "
                 "found an error (Current Value: 66)\n"}),
    [](const testing::TestParamInfo<FlagCase> &info) {
      return std::string(info.param.name);
    });

// The flags are in effect in this process too: the G stacks of this test
// binary have the configured size.
TEST(Flags, StackSizeFlagSizesEveryG) {
  struct Sizes {
    uintptr_t usable = 0;
  } s;
  ASSERT_EQ(cgosan_run(
                [](void *arg) {
                  __cgosan::G *g = CurrentG();
                  static_cast<Sizes *>(arg)->usable = g->stack_hi - g->stack_lo;
                },
                &s),
            0);
  EXPECT_EQ(s.usable, __cgosan::flags()->stack_size);
  EXPECT_EQ(s.usable % static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)), 0u);
}

}  // namespace
}  // namespace cgotest
