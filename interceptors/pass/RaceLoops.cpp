// RaceLoops.cpp — -cgosan-race: one record before a loop instead of a call
// on every iteration, for a load or store that walks memory in order.
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
// call (RaceAccesses.cpp).
//
// The pattern, checked with ScalarEvolution, conservatively:
//  - the address is an affine recurrence {start,+,step} of the innermost loop
//    holding the access, with |step| == the access's store size: every
//    iteration touches the bytes right after (or before) the last, no gap
//    and no overlap;
//  - the loop has one exiting block, its latch, and SCEV computes its
//    backedge-taken count (at most pointer-sized): each time it is entered
//    it runs exactly count + 1 iterations. The record goes in its preheader,
//    made if the optimizer left none;
//  - the access's block dominates the latch: it runs on every iteration;
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
// size). What changes: a race with the loop is found before the loop runs,
// not at the iteration that makes it, and it names the loop's whole range
// at the access's line (tests/e2e/pass_race_loop.c). The runtime's run of
// merged stores named its whole range only when the race was found at the
// run's end; found at its first store, it named that store's bytes.
// Allowed on purpose: volatile accesses are coalesced like the rest
// (volatile orders nothing between threads); a loop that faults part way
// (a crash anyway) had its whole range recorded; a preheader made for an
// access whose range then cannot be computed there stays, empty.
// Everything else stays per access: loops with calls or atomics, accesses
// under a condition, unknown trip counts, several exits, strides other than
// the access size (which includes vector bodies the vectorizer interleaved:
// two stores an iteration, each stepping by twice its size), and -O0 code
// (its induction variables live in memory, where SCEV sees no recurrence).
// Cost: LoopInfo, DominatorTree and ScalarEvolution for each function with
// loops, at compile time; at run time, the lowest address and the byte
// count computed once per loop entry (SCEVExpander reuses what the loop
// already computes: usually an add or a multiply).
#include "CgosanPass.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

using namespace llvm;

namespace cgosan {
namespace {

// An instruction after which the iteration goes on, and that orders nothing
// between threads.
bool neitherSynchronisesNorLeaves(const Instruction &I) {
  if (I.isAtomic())  // atomic loads, stores, RMWs, cmpxchg, and fences
    return false;
  auto *call = dyn_cast<CallBase>(&I);
  return !call || (isa<IntrinsicInst>(call) && call->hasFnAttr(Attribute::NoSync) &&
                   call->willReturn() && call->doesNotThrow());
}

class LoopRangeFinder {
 public:
  LoopRangeFinder(Function &F, FunctionAnalysisManager &FAM)
      : DL_(F.getDataLayout()),
        LI_(FAM.getResult<LoopAnalysis>(F)),
        DT_(FAM.getResult<DominatorTreeAnalysis>(F)),
        SE_(FAM.getResult<ScalarEvolutionAnalysis>(F)),
        expander_(SE_, DL_, "cgosan.race", /*PreserveLCSSA=*/false) {}

  std::optional<LoopAccessRange> rangeOf(Instruction &I) {
    Loop *L = LI_.getLoopFor(I.getParent());
    if (!L || !isCountedWithoutSync(*L) || !DT_.dominates(I.getParent(), L->getLoopLatch()))
      return std::nullopt;
    Value *address = getLoadStorePointerOperand(&I);
    TypeSize size = DL_.getTypeStoreSize(getLoadStoreType(&I));
    auto *walk = dyn_cast<SCEVAddRecExpr>(SE_.getSCEV(address));
    if (size.isScalable() || !walk || walk->getLoop() != L || !walk->isAffine())
      return std::nullopt;
    auto *step = dyn_cast<SCEVConstant>(walk->getStepRecurrence(SE_));
    if (!step || step->getAPInt().abs() != size.getFixedValue())
      return std::nullopt;
    // Walking down, the last iteration's address is the lowest.
    const SCEV *backedges = SE_.getBackedgeTakenCount(L);
    const SCEV *lowest = walk->getStart();
    if (step->getAPInt().isNegative()) {
      const SCEV *steps = SE_.getNoopOrZeroExtend(backedges, step->getType());
      lowest = SE_.getAddExpr(lowest, SE_.getMulExpr(steps, step));
    }
    Type *size_ty = DL_.getIntPtrType(I.getContext());
    const SCEV *bytes =
        SE_.getMulExpr(SE_.getTripCountFromExitCount(backedges, size_ty, L),
                       SE_.getConstant(size_ty, size.getFixedValue()));
    BasicBlock *preheader = preheaderOf(*L);
    if (!preheader)
      return std::nullopt;
    Instruction *record_before = preheader->getTerminator();
    if (!expander_.isSafeToExpandAt(lowest, record_before) ||
        !expander_.isSafeToExpandAt(bytes, record_before))
      return std::nullopt;
    return LoopAccessRange{record_before,
                           expander_.expandCodeFor(lowest, address->getType(), record_before),
                           expander_.expandCodeFor(bytes, size_ty, record_before)};
  }

 private:
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

DenseMap<Instruction *, LoopAccessRange> loopAccessRanges(
    Function &F, FunctionAnalysisManager &FAM, ArrayRef<Instruction *> accesses) {
  DenseMap<Instruction *, LoopAccessRange> ranges;
  if (FAM.getResult<LoopAnalysis>(F).empty())
    return ranges;
  LoopRangeFinder finder(F, FAM);
  for (Instruction *I : accesses)
    if (std::optional<LoopAccessRange> range = finder.rangeOf(*I))
      ranges.try_emplace(I, *range);
  return ranges;
}

}  // namespace cgosan
