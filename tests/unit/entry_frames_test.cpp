// entry_frames_test.cpp — where AddEntryFrames puts the pseudo frame of each
// live entry: before the last frame of the run whose %rbp is the entry's
// frame pointer (the entry's caller), once per entry, dropping the outermost
// frame of a full stack; nothing once the entry has left.
#include <vector>

#include "test_util.h"

#include "entry_frames.h"

namespace cgotest {
namespace {

using __cgosan::AddEntryFrames;
using __cgosan::EnterFrame;
using __cgosan::kEntryFrameTag;
using __cgosan::LeaveFrame;
using __cgosan::uptr;

constexpr uptr kCallerFp = 0x7000, kOuterFp = 0x9000;
constexpr uptr kFn = 0x4000, kOuterFn = 0x4800;

std::vector<uptr> Added(std::vector<uptr> pcs, std::vector<uptr> rbps, uptr max) {
  uptr n = pcs.size();
  pcs.resize(max);
  rbps.resize(max);
  AddEntryFrames(pcs.data(), rbps.data(), &n, max);
  pcs.resize(n);
  return pcs;
}

TEST(EntryFrames, NoEntryNoChange) {
  EXPECT_EQ(Added({1, 2, 3}, {0x10, kCallerFp, 0x20}, 8), (std::vector<uptr>{1, 2, 3}));
}

TEST(EntryFrames, BeforeTheLastFrameOfTheRun) {
  // Frame 1 ran with the entry's %rbp without being the caller (a function
  // without frame pointers); frame 2 is the caller.
  uptr depth = EnterFrame(kCallerFp, kFn);
  EXPECT_EQ(Added({1, 2, 3, 4}, {0x10, kCallerFp, kCallerFp, 0x20}, 8),
            (std::vector<uptr>{1, 2, kFn | kEntryFrameTag, 3, 4}));
  LeaveFrame(depth);
  EXPECT_EQ(Added({1, 2, 3}, {0x10, kCallerFp, 0x20}, 8), (std::vector<uptr>{1, 2, 3}));
}

TEST(EntryFrames, NestedEntriesAndAFullStack) {
  uptr depth = EnterFrame(kOuterFp, kOuterFn);
  EnterFrame(kCallerFp, kFn);
  EXPECT_EQ(Added({1, 2, 3, 4}, {kCallerFp, 0x20, kOuterFp, 0x30}, 5),
            (std::vector<uptr>{kFn | kEntryFrameTag, 1, 2, kOuterFn | kEntryFrameTag, 3}));
  LeaveFrame(depth);
}

}  // namespace
}  // namespace cgotest
