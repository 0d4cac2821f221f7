// RaceRuns.cpp — -cgosan-race: one record for a run of loads or stores that
// together cover consecutive bytes, in straight-line code.
//
// The optimizer turns a fill or a copy with a constant count into one
// access after another in one block: a 256-byte fill becomes 16 `store <16 x
// i8>` at p, p+16, ..., p+240; `s->a = x, s->b = y;` two stores side by side.
// RaceAccesses.cpp would call the runtime for each (which merges them into
// one run, race_shadow.cpp); here the whole run is recorded once, before its
// first member in program order, at that member's debug location:
//   store <16 x i8> at p, p+16, ..., p+240
//     -> __cgosan_race_write_range(p, 256) before the first, nothing else
// through the entry for the run's size when it has one (two 4-byte stores:
// __cgosan_race_write8), behind the same guard as every other call.
//
// The pattern, conservatively, within ONE basic block:
//  - members are loads (or stores: the two kinds never mix) that
//    RaceAccesses.cpp would record one by one: plain, may be shared, and
//    not already in a range of their loop (RaceLoops.cpp);
//  - their addresses are one base plus constant offsets
//    (GetPointerBaseWithConstantOffset: through GEPs with constant indices
//    and casts), the base of the same address space;
//  - sorted by offset, each member starts where the one before ends: no
//    gap, no overlap (a gap or an overlap ends one run and starts another);
//  - their debug locations name the same line (line, scope, and inlining
//    chain): the report, made at the first member, names every member's
//    line and stack;
//  - nothing between the first and the last member, in program order, may
//    synchronise or leave the block early (neitherSynchronisesNorLeaves: no
//    atomic, no fence, no call but intrinsics that are nosync, willreturn
//    and nounwind). The race pass's own calls are added after this decision.
// Why recording before the first member is sound: the race checker orders
// accesses by the edges between them, and there is none among the members,
// so the thread's epoch and what it has seen are the same at the first
// member as at every other: the one record is ordered before and after
// exactly what the members' records would be. Every instruction in between
// returns, so once the first member runs, so does every other, and the
// range is exactly the bytes they touch, [lowest, lowest + the sizes' sum).
// What changes: a race with any member is found at the first and names the
// run's whole range, at the (common) line.
// Allowed on purpose: other accesses between the members (of the other
// kind, at other addresses: a thread's own accesses of one epoch are not
// ordered against each other by the checker, as with RaceLoops.cpp's
// ranges); members in any order in the block (the lowest address is the
// base plus the lowest offset); volatile members (volatile orders nothing
// between threads); a member that faults (a crash anyway) after the run was
// recorded.
// Everything else stays per access: members in different blocks (a branch
// between them could skip one), on different lines, with a variable
// distance between them, or with a call, an atomic or a fence in between;
// scalable vectors; and -O0 code (each statement reloads its pointer from
// its stack slot: one base per access).
// Cost: at compile time, a walk over each block with a map from (kind,
// base, line) to the accesses since the last synchronising instruction; at
// run time, one guarded call per run instead of one per member, its address
// the first member's own or the base plus a constant.
#include "CgosanPass.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace cgosan {
namespace {

// The line a report names for an access: its debug location's line, scope
// and inlining chain (all null without one).
using SourceLine = std::tuple<unsigned, const DILocalScope *, const DILocation *>;

SourceLine sourceLineOf(const Instruction &I) {
  const DILocation *at = I.getDebugLoc().get();
  return at ? SourceLine{at->getLine(), at->getScope(), at->getInlinedAt()} : SourceLine{};
}

// A load or store, `offset` bytes from its base.
struct Member {
  Instruction *access;
  int64_t offset;
  uint64_t size;
};

// `next` starts where `member` ends (offsets taken unsigned: no overflow).
bool follows(const Member &member, const Member &next) {
  return static_cast<uint64_t>(next.offset) - static_cast<uint64_t>(member.offset) ==
         member.size;
}

// The candidates of one stretch of a block with nothing that may
// synchronise or leave, by what a run's members share: kind (opcode), base
// and line.
using Stretch = MapVector<std::tuple<unsigned, Value *, SourceLine>, std::vector<Member>>;

// Whether `value`, an operand of an instruction in I's block, is computed
// before I: it is unless an instruction after I in that block computes it
// (one in another block dominates the whole block).
bool isComputedBefore(const Value *value, const Instruction *I) {
  auto *def = dyn_cast<Instruction>(value);
  return !def || def->getParent() != I->getParent() || def->comesBefore(I);
}

class RunFinder {
 public:
  RunFinder(Function &F, ArrayRef<Instruction *> accesses, CoalescedAccesses &coalesced)
      : DL_(F.getDataLayout()), coalesced_(coalesced) {
    for (Instruction *I : accesses)
      if (!coalesced.members.contains(I))
        candidates_.insert(I);
  }

  void addRuns(BasicBlock &B) {
    Stretch stretch;
    for (Instruction &I : B) {
      if (!neitherSynchronisesNorLeaves(I)) {
        addRunsOf(stretch);
        stretch.clear();
        continue;
      }
      if (!candidates_.contains(&I))
        continue;
      Value *address = getLoadStorePointerOperand(&I);
      TypeSize size = DL_.getTypeStoreSize(getLoadStoreType(&I));
      int64_t offset;
      Value *base = GetPointerBaseWithConstantOffset(address, offset, DL_);
      if (!size.isScalable() && base->getType() == address->getType())
        stretch[{I.getOpcode(), base, sourceLineOf(I)}].push_back(
            {&I, offset, size.getFixedValue()});
    }
    addRunsOf(stretch);
  }

 private:
  void addRunsOf(Stretch &stretch) {
    for (auto &[key, members] : stretch)
      addRunsOf(std::get<Value *>(key), members);
  }

  // Splits `members` (one kind, base and line) into runs over consecutive
  // bytes, and adds each run of two or more.
  void addRunsOf(Value *base, std::vector<Member> &members) {
    llvm::sort(members, [](const Member &a, const Member &b) {
      return a.offset != b.offset ? a.offset < b.offset : a.access->comesBefore(b.access);
    });
    size_t begin = 0;
    for (size_t end = 1; end <= members.size(); ++end) {
      if (end < members.size() && follows(members[end - 1], members[end]))
        continue;
      if (end - begin > 1)
        addRun(base, ArrayRef(members).slice(begin, end - begin));
      begin = end;
    }
  }

  // One range for `run` (sorted by offset), before its first member in
  // program order, at that member's debug location.
  void addRun(Value *base, ArrayRef<Member> run) {
    Instruction *first = min_element(run, [](const Member &a, const Member &b) {
                           return a.access->comesBefore(b.access);
                         })->access;
    // The lowest member's own address if it is computed before the first
    // member; else the base (every member's address is computed from it,
    // so it is there before the first) plus the lowest offset.
    Value *lowest = getLoadStorePointerOperand(run.front().access);
    if (!isComputedBefore(lowest, first)) {
      IRBuilder<> B(first);
      B.SetCurrentDebugLocation(first->getDebugLoc());
      lowest = B.CreatePtrAdd(
          base, ConstantInt::get(DL_.getIndexType(base->getType()), run.front().offset));
    }
    uint64_t bytes = static_cast<uint64_t>(run.back().offset) -
                     static_cast<uint64_t>(run.front().offset) + run.back().size;
    coalesced_.ranges.try_emplace(
        first, AccessRange{first, lowest,
                           ConstantInt::get(DL_.getIntPtrType(first->getContext()), bytes)});
    for (const Member &member : run)
      coalesced_.members.insert(member.access);
  }

  const DataLayout &DL_;
  CoalescedAccesses &coalesced_;
  DenseSet<Instruction *> candidates_;
};

}  // namespace

void addStraightLineRuns(Function &F, ArrayRef<Instruction *> accesses,
                         CoalescedAccesses &coalesced) {
  RunFinder finder(F, accesses, coalesced);
  for (BasicBlock &B : F)
    finder.addRuns(B);
}

}  // namespace cgosan
