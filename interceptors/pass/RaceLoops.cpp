// RaceLoops.cpp — -cgosan-race: one record before a loop instead of a call
// on every iteration, for loads or stores that walk memory in order.
//
// A loop that fills or reads a buffer element by element makes one access per
// iteration, each next to the last. RaceAccesses.cpp would call the runtime on
// every one (which then merges them into one run, race_shadow.cpp). When the
// loop's shape says in advance exactly which bytes the access touches, its
// preheader records them all at once instead:
//   for (i = 0; i < n; i++) buf[i] = x;
//     -> __cgosan_race_write_range(buf, n * sizeof *buf) before the loop,
//        nothing inside it
// (read_range for a load), at the access's own debug location, so a report
// still names the access's line, and behind the same guard as every other
// call (RaceAccesses.cpp). The vectorizer's interleaved bodies are the same
// walk split among several accesses: `for (i < n) a[i] = x` on ints becomes
// two <4 x i32> stores an iteration, at p and p + 16, each stepping by 32.
// Together they touch each iteration's 32 bytes, so the group is recorded
// the same way: one range of all the loop's bytes, at the debug location of
// the group's first access in program order; nothing for any member.
//
// The pattern, checked with ScalarEvolution, conservatively:
//  - each member's address is an affine recurrence {start,+,step} of the
//    innermost loop holding it, with one constant step for the whole group;
//  - the members are all loads or all stores, and their starts differ by
//    constants (SCEV subtracts them to a SCEVConstant): each iteration they
//    touch [start + offset, start + offset + size) for fixed offsets;
//  - those intervals tile [0, |step|) of the group's lowest start exactly:
//    no gap, no overlap. Every iteration touches the |step| bytes right
//    after (or before) the last. A single access stepping by its own store
//    size is the group of one; when walks at constant distances do not
//    tile their step together, each that steps by its own size is still
//    a group of one;
//  - the loop has one exiting block, its latch, and SCEV computes its
//    backedge-taken count (at most pointer-sized): each time it is entered
//    it runs exactly count + 1 iterations. The record goes in its preheader,
//    made if the optimizer left none;
//  - each member's block dominates the latch: it runs on every iteration
//    (and the members' blocks form a chain of dominators: the first in
//    program order is the one dominating the others);
//  - nothing in the loop, inner loops included, can synchronise or end an
//    iteration early: no atomic, no fence, and no call but intrinsics that
//    are nosync, willreturn and nounwind (so no function call and no inline
//    asm; a foreign call, rewritten into cgosan_cgocall, disqualifies its
//    loop). The race pass's own calls are added after this decision.
// Why recording before the loop is sound: the race checker orders accesses
// by the edges between them (releases, acquires, crossings), and the loop
// holds none, so the thread's epoch and what it has seen are the same in the
// preheader as in every iteration: the one record is ordered before and
// after exactly what the iterations' records would be. And the range is
// exactly the bytes the iterations touch, [lowest, lowest + (count + 1) *
// |step|), lowest being the lowest member's start (walking down: that plus
// count * step, the last iteration's). What changes: a race with the loop
// is found before the loop runs, not at the iteration that makes it, and it
// names the loop's whole range at the first member's line
// (tests/e2e/pass_race_loop.c, pass_race_interleaved.c). The runtime's run
// of merged stores named its whole range only when the race was found at
// the run's end; found at its first store, it named that store's bytes.
// Allowed on purpose: volatile accesses are coalesced like the rest
// (volatile orders nothing between threads); a loop that faults part way
// (a crash anyway) had its whole range recorded; a preheader made for an
// access whose range then cannot be computed there stays, empty; members
// of a group in different blocks (each on every iteration).
// Everything else stays per access (RaceRuns.cpp may still merge those of
// one block): loops with calls or atomics, accesses under a condition,
// unknown trip counts, several exits, groups with a gap or an overlap
// (including a group holding a duplicate of one of its members), loads and
// stores that would tile a step only together, and -O0 code (its induction
// variables live in memory, where SCEV sees no recurrence).
// Cost: LoopInfo, DominatorTree and ScalarEvolution for each function with
// loops, at compile time, and a SCEV subtraction per pair of walks of one
// loop, kind and step (against each group's first); at run time, the
// lowest address and the byte count computed once per loop entry
// (SCEVExpander reuses what the loop already computes: usually an add or a
// multiply, or the vector loop's own count and a shift).
#include "CgosanPass.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

using namespace llvm;

namespace cgosan {

bool neitherSynchronisesNorLeaves(const Instruction &I) {
  if (I.isAtomic())  // atomic loads, stores, RMWs, cmpxchg, and fences
    return false;
  auto *call = dyn_cast<CallBase>(&I);
  return !call || (isa<IntrinsicInst>(call) && call->hasFnAttr(Attribute::NoSync) &&
                   call->willReturn() && call->doesNotThrow());
}

namespace {

// A load or store on every iteration of a counted loop without sync, at an
// address that moves by a constant step each iteration.
struct Walk {
  Instruction *access;
  const SCEVAddRecExpr *address;  // {start,+,step} of the loop
  uint64_t size;                  // bytes it touches each iteration
  int64_t offset;                 // its start minus its group's first walk's
};

const SCEVConstant *stepOf(const Walk &walk, ScalarEvolution &SE) {
  return cast<SCEVConstant>(walk.address->getStepRecurrence(SE));
}

// The bytes `walks` touch in one iteration, [offset, offset + size) each,
// tile one step: no gap, no overlap, |step| bytes in all. Sorts them by
// offset, lowest first. Offsets are taken relative to the lowest, unsigned:
// no overflow whatever the constants.
bool tilesOneStep(MutableArrayRef<Walk> walks, uint64_t step_bytes) {
  llvm::sort(walks, [](const Walk &a, const Walk &b) { return a.offset < b.offset; });
  uint64_t end = 0;
  for (const Walk &walk : walks) {
    if (static_cast<uint64_t>(walk.offset) - static_cast<uint64_t>(walks.front().offset) != end)
      return false;
    end += walk.size;
  }
  return end == step_bytes;
}

class LoopRangeFinder {
 public:
  LoopRangeFinder(Function &F, FunctionAnalysisManager &FAM)
      : DL_(F.getDataLayout()),
        LI_(FAM.getResult<LoopAnalysis>(F)),
        DT_(FAM.getResult<DominatorTreeAnalysis>(F)),
        SE_(FAM.getResult<ScalarEvolutionAnalysis>(F)),
        expander_(SE_, DL_, "cgosan.race", /*PreserveLCSSA=*/false) {}

  void addRanges(ArrayRef<Instruction *> accesses, CoalescedAccesses &coalesced) {
    // A group's members share a loop, a kind (load or store) and a step
    // (SCEV uniques constants): in program order, so the output is too.
    MapVector<std::tuple<const Loop *, unsigned, const SCEV *>, std::vector<Walk>> same_step;
    for (Instruction *I : accesses)
      if (std::optional<Walk> walk = walkOf(*I))
        same_step[{walk->address->getLoop(), I->getOpcode(),
                   walk->address->getStepRecurrence(SE_)}]
            .push_back(*walk);
    for (auto &[key, walks] : same_step) {
      uint64_t step_bytes = stepOf(walks.front(), SE_)->getAPInt().abs().getZExtValue();
      for (std::vector<Walk> &group : groupsAtConstantDistances(walks)) {
        if (tilesOneStep(group, step_bytes)) {
          addRange(group, coalesced);
          continue;
        }
        for (Walk &alone : group)
          if (tilesOneStep(alone, step_bytes))
            addRange(alone, coalesced);
      }
    }
  }

 private:
  std::optional<Walk> walkOf(Instruction &I) {
    Loop *L = LI_.getLoopFor(I.getParent());
    if (!L || !isCountedWithoutSync(*L) || !DT_.dominates(I.getParent(), L->getLoopLatch()))
      return std::nullopt;
    TypeSize size = DL_.getTypeStoreSize(getLoadStoreType(&I));
    auto *address = dyn_cast<SCEVAddRecExpr>(SE_.getSCEV(getLoadStorePointerOperand(&I)));
    if (size.isScalable() || !address || address->getLoop() != L || !address->isAffine() ||
        !isa<SCEVConstant>(address->getStepRecurrence(SE_)))
      return std::nullopt;
    return Walk{&I, address, size.getFixedValue(), /*offset=*/0};
  }

  // Splits walks of one loop, kind and step into groups whose starts are a
  // constant distance apart, setting each walk's offset from its group's
  // first.
  std::vector<std::vector<Walk>> groupsAtConstantDistances(ArrayRef<Walk> walks) {
    std::vector<std::vector<Walk>> groups;
    for (Walk walk : walks) {
      bool joined = false;
      for (std::vector<Walk> &group : groups) {
        if (std::optional<int64_t> offset = startDistance(group.front(), walk)) {
          walk.offset = *offset;
          group.push_back(walk);
          joined = true;
          break;
        }
      }
      if (!joined)
        groups.push_back({walk});
    }
    return groups;
  }

  // to's start minus from's, when SCEV knows it is a constant.
  std::optional<int64_t> startDistance(const Walk &from, const Walk &to) {
    auto *distance = dyn_cast<SCEVConstant>(
        SE_.getMinusSCEV(to.address->getStart(), from.address->getStart()));
    return distance ? distance->getAPInt().trySExtValue() : std::nullopt;
  }

  // One range for `group` (it tiles its step, lowest offset first), in its
  // loop's preheader, at the debug location of its first member in program
  // order: the one that dominates the others (each runs on every iteration,
  // so their blocks form a chain of dominators).
  void addRange(ArrayRef<Walk> group, CoalescedAccesses &coalesced) {
    Instruction *first = min_element(group, [&](const Walk &a, const Walk &b) {
                           return DT_.dominates(a.access, b.access);
                         })->access;
    Loop *L = LI_.getLoopFor(first->getParent());
    const SCEVConstant *step = stepOf(group.front(), SE_);
    // Walking down, the last iteration's lowest member is the lowest.
    const SCEV *backedges = SE_.getBackedgeTakenCount(L);
    const SCEV *lowest = group.front().address->getStart();
    if (step->getAPInt().isNegative()) {
      const SCEV *steps = SE_.getNoopOrZeroExtend(backedges, step->getType());
      lowest = SE_.getAddExpr(lowest, SE_.getMulExpr(steps, step));
    }
    Type *size_ty = DL_.getIntPtrType(first->getContext());
    const SCEV *bytes =
        SE_.getMulExpr(SE_.getTripCountFromExitCount(backedges, size_ty, L),
                       SE_.getConstant(size_ty, step->getAPInt().abs().getZExtValue()));
    BasicBlock *preheader = preheaderOf(*L);
    if (!preheader)
      return;
    Instruction *record_before = preheader->getTerminator();
    if (!expander_.isSafeToExpandAt(lowest, record_before) ||
        !expander_.isSafeToExpandAt(bytes, record_before))
      return;
    Type *address_ty = getLoadStorePointerOperand(first)->getType();
    coalesced.ranges.try_emplace(
        first, AccessRange{record_before,
                           expander_.expandCodeFor(lowest, address_ty, record_before),
                           expander_.expandCodeFor(bytes, size_ty, record_before)});
    for (const Walk &member : group)
      coalesced.members.insert(member.access);
  }

  // Runs a number of iterations known on entry, each to its end, with no
  // edge of the race checker inside.
  bool isCountedWithoutSync(const Loop &L) {
    auto [entry, inserted] = counted_.try_emplace(&L, false);
    if (!inserted)
      return entry->second;
    BasicBlock *latch = L.getLoopLatch();
    if (!latch || L.getExitingBlock() != latch)
      return false;
    const SCEV *backedges = SE_.getBackedgeTakenCount(&L);
    if (isa<SCEVCouldNotCompute>(backedges) ||
        SE_.getTypeSizeInBits(backedges->getType()) >
            DL_.getPointerSizeInBits(/*AddressSpace=*/0))
      return false;
    for (BasicBlock *block : L.blocks())
      for (Instruction &I : *block)
        if (!neitherSynchronisesNorLeaves(I))
          return false;
    return entry->second = true;
  }

  // Where the optimizer left none (an entry block testing n > 0 jumps
  // straight into the loop), one is made: LoopInfo and the dominator tree
  // are kept up to date, and no SCEV changes. Null for a loop entered
  // through an indirectbr or callbr.
  BasicBlock *preheaderOf(Loop &L) {
    if (BasicBlock *preheader = L.getLoopPreheader())
      return preheader;
    return InsertPreheaderForLoop(&L, &DT_, &LI_, /*MSSAU=*/nullptr, /*PreserveLCSSA=*/false);
  }

  const DataLayout &DL_;
  LoopInfo &LI_;
  DominatorTree &DT_;
  ScalarEvolution &SE_;
  SCEVExpander expander_;
  DenseMap<const Loop *, bool> counted_;
};

}  // namespace

CoalescedAccesses loopAccessRanges(Function &F, FunctionAnalysisManager &FAM,
                                   ArrayRef<Instruction *> accesses) {
  CoalescedAccesses coalesced;
  if (!FAM.getResult<LoopAnalysis>(F).empty())
    LoopRangeFinder(F, FAM).addRanges(accesses, coalesced);
  return coalesced;
}

}  // namespace cgosan
