// RaceAccesses.cpp — -cgosan-race: the memory accesses of rule 5, recorded
// where the code makes them. The race checker (checkers/race.cpp) orders
// accesses by happens-before; this pass gives it the accesses themselves and
// the synchronisation that atomics carry, in EVERY function the module
// defines: managed code and functions annotated cgosan_foreign alike. One
// instrumentation serves both sides because the runtime tells them apart at
// run time (is the thread on a G?): managed code's loads and stores, and the
// C side's real loads and stores when the C library is compiled with the
// pass too. Each new call sits at the instruction's debug location:
//   load/store of 1, 2, 4, 8, 16 bytes -> __cgosan_race_readN/writeN(p) before
//   a load/store of any other size     -> __cgosan_race_read/write_range(p, n)
//     (x86 long double: 10 bytes; 32-byte vectors; odd integers)
//   llvm.memcpy/memmove(d, s, n)       -> read_range(s, n), write_range(d, n)
//   llvm.memset(d, c, n)               -> write_range(d, n)
//   load atomic (any ordering)         -> __cgosan_race_atomic_read(p, n)
//     after it, after cgosan_acquire(p) if it is acquire|seq_cst
//   store atomic (any ordering)        -> __cgosan_race_atomic_write(p, n)
//     before it, then __cgosan_race_release_store(p) if release|seq_cst
//   atomicrmw, cmpxchg                 -> __cgosan_race_atomic_write(p, n),
//     then cgosan_release(p) before it if the ordering releases,
//     cgosan_acquire(p) after it if it acquires (cmpxchg: its success
//     ordering)
//   a load/store its loop repeats over consecutive bytes, or a group of
//   them tiling each iteration (an interleaved vector body), the loop free
//   of synchronisation                 -> one read/write_range(lowest, bytes)
//     in the loop's preheader, nothing in the loop (RaceLoops.cpp)
//   loads/stores of one block and line over consecutive bytes, nothing
//   that synchronises between them     -> one readN/writeN(lowest) or
//     read/write_range(lowest, bytes) before the first (RaceRuns.cpp)
// A group's record uses the entry for its size when the byte count is a
// constant that has one, the range entry otherwise.
// Every read/write call is guarded: it runs, from a block of its own marked
// unlikely, only when the address is in the range the runtime tracks,
//   if ((uintptr_t)p - __cgosan_race_tracked[0] < __cgosan_race_tracked[1])
// ({0, 0} with race=off, the managed arena otherwise: checkers/race.h), so
// the register allocator spills around the call only on that path. The
// acquire/release calls are edges, taken whatever the address: unguarded.
// Atomics are accesses too (as TSan has them): two atomics never race, but
// an atomic and a plain access of the same bytes, unordered, do; the
// accesses go where TSan's go (a load's after its acquire, a store's and a
// read-modify-write's before its release). A release store replaces the
// sync object's clock, a releasing read-modify-write joins it (C11's
// release sequences, checkers/race_sync.cpp). Volatile accesses are plain accesses
// (volatile orders nothing between threads). Sizes are store sizes, whatever
// the type (a <4 x i32> is a 16-byte access); alignment does not matter.
//
// Left out on purpose, because no other thread can reach the memory or the
// runtime could not use the call: stack slots whose address never escapes
// the function, constant globals, vtable pointer loads (clang tags them in
// TBAA, at -O1 and above), address spaces other than 0, swifterror slots,
// instructions marked !nosanitize by another instrumentation, functions
// marked disable_sanitizer_instrumentation or naked, atomics scoped to one
// thread (signal handlers), and the pass's own code: the trampolines and the
// argument frames of cgosan_cgocall, which stay on the calling thread.
// Fences are left out as well: the engine keys sync objects by address and
// a fence has none (TSan, too, models none), so a fence paired with relaxed
// atomics elsewhere orders nothing here; use acquire/release atomics or
// cgosan_release/cgosan_acquire. Not seen at all: inline asm, masked and
// gather/scatter vector intrinsics, element-wise atomic memcpy, and C library
// calls (which are foreign code: compile that code with the pass, or use the
// interceptors).
//
// Where in the pipeline: last (OptimizerLastEP, like TSan; LLVM 19 runs it
// at -O0 too), not at the start where CgosanPass rewrites foreign calls.
// Instrumented first, every local whose address a call takes would stay in
// memory; instrumented last, only the loads and stores the optimizer kept
// remain, and the foreign-call rewrite is already done, so its frames and
// trampolines can be recognised and skipped. As in TSan, a read followed by
// a write of the same bytes in one block, nothing synchronising between
// them, is recorded by the write alone (dropReadsBeforeWrites).
// Every instrumented function keeps its frame pointer ("frame-pointer"="all"):
// the runtime walks them to capture an access's stack, and C built at -O2
// would otherwise give one-frame stacks. It loses the memory() and nosync
// attributes inferred before the runtime calls were added.
// Cost: per remaining access, two loads, a subtract, a compare and a branch
// when race=off or the memory is not managed (bench/pass_race_bench.cpp); a
// call for a managed access, which updates the shadow (and walks the stack
// only the first time a site is reached in an activation: the frame
// version); a thread-local add at each exit of a function that records.
// A loop RaceLoops.cpp recognises pays that once per entry, not per
// iteration; a run RaceRuns.cpp recognises, once for all its members.
#include "CgosanPass.h"

#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/AtomicOrdering.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/EscapeEnumerator.h"

using namespace llvm;

namespace cgosan {
namespace {

// Sizes with an entry point of their own: 1 << i bytes.
constexpr unsigned kSizedEntries = 5;

enum AccessKind { kRead, kWrite };

// The runtime entry points and the range it tracks, declared once per module.
struct RaceRuntime {
  explicit RaceRuntime(Module &M)
      : size_ty(M.getDataLayout().getIntPtrType(M.getContext())) {
    LLVMContext &ctx = M.getContext();
    Type *ptr = PointerType::getUnqual(ctx);
    Type *void_ty = Type::getVoidTy(ctx);
    AttributeList no_unwind =
        AttributeList().addFnAttribute(ctx, Attribute::NoUnwind);
    const char *const prefixes[] = {"__cgosan_race_read", "__cgosan_race_write"};
    for (AccessKind kind : {kRead, kWrite}) {
      for (unsigned i = 0; i < kSizedEntries; ++i)
        sized[kind][i] = M.getOrInsertFunction(
            (prefixes[kind] + Twine(1u << i)).str(), no_unwind, void_ty, ptr);
      range[kind] = M.getOrInsertFunction(
          (prefixes[kind] + Twine("_range")).str(), no_unwind, void_ty, ptr, size_ty);
    }
    for (AccessKind kind : {kRead, kWrite})
      atomic[kind] = M.getOrInsertFunction(
          (Twine("__cgosan_race_atomic_") + (kind == kRead ? "read" : "write")).str(),
          no_unwind, void_ty, ptr, size_ty);
    acquire = M.getOrInsertFunction("cgosan_acquire", no_unwind, void_ty, ptr);
    release = M.getOrInsertFunction("cgosan_release", no_unwind, void_ty, ptr);
    release_store =
        M.getOrInsertFunction("__cgosan_race_release_store", no_unwind, void_ty, ptr);
    // uptr __cgosan_race_tracked[2] = {lo, size} (checkers/race.h)
    Type *tracked_ty = ArrayType::get(size_ty, 2);
    tracked_lo = M.getOrInsertGlobal("__cgosan_race_tracked", tracked_ty);
    tracked_size = ConstantExpr::getInBoundsGetElementPtr(
        tracked_ty, tracked_lo,
        ArrayRef<Constant *>{ConstantInt::get(size_ty, 0), ConstantInt::get(size_ty, 1)});
    // thread_local uptr __cgosan_race_frame_version (initial-exec, in libcgosan)
    frame_version = cast<GlobalVariable>(
        M.getOrInsertGlobal("__cgosan_race_frame_version", size_ty));
    frame_version->setThreadLocalMode(GlobalValue::InitialExecTLSModel);
  }

  IntegerType *size_ty;                    // uptr, size_t
  FunctionCallee sized[2][kSizedEntries];  // [kind][log2 bytes]
  FunctionCallee range[2];                 // [kind]
  FunctionCallee atomic[2];                // [kind]: (p, n)
  FunctionCallee acquire, release, release_store;
  Constant *tracked_lo, *tracked_size;     // &__cgosan_race_tracked[0], [1]
  GlobalVariable *frame_version;           // __cgosan_race_frame_version
};

bool isVtableLoad(const Instruction &I) {
  MDNode *tag = I.getMetadata(LLVMContext::MD_tbaa);
  return isa<LoadInst>(I) && tag && tag->isTBAAVtableAccess();
}

// Which addresses of one function another thread may also reach.
class SharedMemory {
 public:
  explicit SharedMemory(Function &F) {
    // The argument frames of cgosan_cgocall (and _nocallback): filled and
    // read on this thread around a call that runs on this thread.
    for (Instruction &I : instructions(F))
      if (auto *CB = dyn_cast<CallBase>(&I))
        if (Function *callee = CB->getCalledFunction();
            callee && ((callee->getName() == kCgocallName && CB->arg_size() == 2) ||
                       (callee->getName() == kNoCallbackCgocallName &&
                        CB->arg_size() == 3)))
          if (auto *frame = dyn_cast<AllocaInst>(getUnderlyingObject(CB->getArgOperand(1))))
            frames_.insert(frame);
  }

  bool mayBeShared(const Value *address) {
    if (address->getType()->getPointerAddressSpace() != 0 ||
        address->isSwiftError() || isConstantGlobal(address) ||
        private_slots_.contains(address))
      return false;
    const Value *object = getUnderlyingObject(address);
    if (auto *vtable = dyn_cast<LoadInst>(object); vtable && isVtableLoad(*vtable))
      return false;  // an entry of a vtable: constant
    auto *slot = dyn_cast<AllocaInst>(object);
    return !slot || !frames_.contains(slot);
  }

 private:
  PrivateSlots private_slots_;
  DenseSet<const AllocaInst *> frames_;
};

// Inserts before `where`, at the debug location of the instruction the new
// code belongs to.
struct BuilderAt : IRBuilder<> {
  BuilderAt(Instruction *where, const Instruction &origin) : IRBuilder<>(where) {
    SetCurrentDebugLocation(origin.getDebugLoc());
  }
};

AccessKind kindOf(const Instruction &I) { return isa<StoreInst>(I) ? kWrite : kRead; }

class RaceInstrumenter {
 public:
  RaceInstrumenter(Function &F, RaceRuntime &runtime, FunctionAnalysisManager &FAM)
      : F_(F), runtime_(runtime), FAM_(FAM), DL_(F.getDataLayout()), shared_(F) {}

  void run() {
    std::vector<Instruction *> accesses, atomics;
    std::vector<MemIntrinsic *> copies;
    for (Instruction &I : instructions(F_)) {
      if (I.hasMetadata(LLVMContext::MD_nosanitize))
        continue;
      bool load_or_store = isa<LoadInst>(I) || isa<StoreInst>(I);
      if (load_or_store && !I.isAtomic()) {
        if (!isVtableLoad(I) && shared_.mayBeShared(getLoadStorePointerOperand(&I)))
          accesses.push_back(&I);
      } else if (load_or_store || isa<AtomicRMWInst>(I) || isa<AtomicCmpXchgInst>(I)) {
        atomics.push_back(&I);
      } else if (auto *mem = dyn_cast<MemIntrinsic>(&I)) {
        copies.push_back(mem);
      }
    }
    dropReadsBeforeWrites(accesses);
    // Asked before the first guard splits a block: the loop analyses
    // describe the function as the optimizer left it, and no runtime call
    // stands between the accesses of a straight-line run.
    CoalescedAccesses coalesced = loopAccessRanges(F_, FAM_, accesses);
    addStraightLineRuns(F_, accesses, coalesced);
    for (Instruction *I : accesses) {
      if (auto range = coalesced.ranges.find(I); range != coalesced.ranges.end())
        recordRange(*I, range->second);
      else if (!coalesced.members.contains(I))
        recordAccess(*I);
    }
    for (MemIntrinsic *mem : copies)
      recordRanges(*mem);
    for (Instruction *I : atomics)
      synchronise(*I);
    if (records_)
      bumpFrameVersionOnExit();
  }

 private:
  // Calls `entry` with `args` (the address first) before `where`, at the
  // debug location of `origin`, from a block of its own, marked unlikely,
  // that runs only when the address is in the range the runtime tracks
  // (__cgosan_race_tracked).
  void callIfTracked(Instruction *where, const Instruction &origin,
                     FunctionCallee entry, ArrayRef<Value *> args) {
    BuilderAt B(where, origin);
    LoadInst *lo = B.CreateLoad(runtime_.size_ty, runtime_.tracked_lo);
    LoadInst *size = B.CreateLoad(runtime_.size_ty, runtime_.tracked_size);
    // The runtime's own memory: no instrumentation (TSan's included) records it.
    MDNode *no_sanitize = MDNode::get(F_.getContext(), {});
    lo->setMetadata(LLVMContext::MD_nosanitize, no_sanitize);
    size->setMetadata(LLVMContext::MD_nosanitize, no_sanitize);
    Value *offset = B.CreateSub(B.CreatePtrToInt(args[0], runtime_.size_ty), lo);
    Instruction *tracked = SplitBlockAndInsertIfThen(
        B.CreateICmpULT(offset, size), where, /*Unreachable=*/false,
        MDBuilder(F_.getContext()).createUnlikelyBranchWeights());
    BuilderAt(tracked, origin).CreateCall(entry, args);
    records_ = true;
  }

  // TSan's read-before-write: a load whose bytes a later store of the same
  // block writes at the same address, with nothing between them that
  // synchronises or leaves the block, is not recorded: the store's record
  // covers it. Both are made in one epoch, and a plain write races with
  // everything the read races with (and more), so no race is lost; only
  // the race's report names the store (`x += 1` is a write, as in TSan).
  // Half the calls of a read-modify-write.
  void dropReadsBeforeWrites(std::vector<Instruction *> &accesses) {
    DenseSet<Instruction *> plain(accesses.begin(), accesses.end());
    DenseSet<Instruction *> dropped;
    for (BasicBlock &BB : F_) {
      DenseMap<const Value *, uint64_t> written;  // address -> bytes stored later
      for (Instruction &I : reverse(BB)) {
        if (!plain.contains(&I)) {
          if (!neitherSynchronisesNorLeaves(I))
            written.clear();
          continue;
        }
        TypeSize size = DL_.getTypeStoreSize(getLoadStoreType(&I));
        if (size.isScalable())
          continue;
        const Value *address = getLoadStorePointerOperand(&I);
        if (isa<StoreInst>(I)) {
          uint64_t &bytes = written[address];
          bytes = std::max<uint64_t>(bytes, size.getFixedValue());
        } else if (auto it = written.find(address);
                   it != written.end() && it->second >= size.getFixedValue()) {
          dropped.insert(&I);
        }
      }
    }
    llvm::erase_if(accesses, [&](Instruction *I) { return dropped.contains(I); });
  }

  // Every way out of a function that records accesses (a return, a
  // musttail call, an exception unwinding through it) adds one to the
  // thread's __cgosan_race_frame_version, inline: the runtime's site cache
  // knows from it that the frame of an earlier access still belongs to the
  // same activation (checkers/race.h).
  void bumpFrameVersionOnExit() {
    MDNode *no_sanitize = MDNode::get(F_.getContext(), {});
    EscapeEnumerator exits(F_, "cgosan_race_exit", /*HandleExceptions=*/true);
    while (IRBuilder<> *B = exits.Next()) {
      Value *slot = B->CreateThreadLocalAddress(runtime_.frame_version);
      LoadInst *version = B->CreateLoad(runtime_.size_ty, slot);
      version->setMetadata(LLVMContext::MD_nosanitize, no_sanitize);
      StoreInst *bumped = B->CreateStore(
          B->CreateAdd(version, ConstantInt::get(runtime_.size_ty, 1)), slot);
      bumped->setMetadata(LLVMContext::MD_nosanitize, no_sanitize);
    }
  }

  // A plain load or store that may be shared.
  void recordAccess(Instruction &I) {
    TypeSize size = DL_.getTypeStoreSize(getLoadStoreType(&I));
    recordBytes(&I, I, getLoadStorePointerOperand(&I),
                BuilderAt(&I, I).CreateTypeSize(runtime_.size_ty, size));
  }

  // A group of loads or stores recorded at once, `first` the first of them
  // in program order: its loop's walk (RaceLoops.cpp) or a straight-line run
  // (RaceRuns.cpp).
  void recordRange(Instruction &first, const AccessRange &range) {
    recordBytes(range.record_before, first, range.lowest, range.bytes);
  }

  // `bytes` bytes at `address`, read or written as `origin` does, recorded
  // before `where` at origin's debug location: through the entry for their
  // size when it is a constant that has one (1, 2, 4, 8, 16), else through
  // the range entry.
  void recordBytes(Instruction *where, const Instruction &origin, Value *address,
                   Value *bytes) {
    auto *size = dyn_cast<ConstantInt>(bytes);
    if (size && isPowerOf2_64(size->getZExtValue()) &&
        Log2_64(size->getZExtValue()) < kSizedEntries) {
      callIfTracked(where, origin, runtime_.sized[kindOf(origin)][Log2_64(size->getZExtValue())],
                    {address});
      return;
    }
    callIfTracked(where, origin, runtime_.range[kindOf(origin)], {address, bytes});
  }

  // memcpy/memmove read their source and write their destination; memset
  // writes its destination.
  void recordRanges(MemIntrinsic &mem) {
    if (auto *length = dyn_cast<ConstantInt>(mem.getLength()); length && length->isZero())
      return;
    auto *copy = dyn_cast<MemTransferInst>(&mem);
    Value *source =
        copy && shared_.mayBeShared(copy->getRawSource()) ? copy->getRawSource() : nullptr;
    Value *dest = shared_.mayBeShared(mem.getRawDest()) ? mem.getRawDest() : nullptr;
    if (!source && !dest)
      return;
    Value *length = BuilderAt(&mem, mem).CreateZExtOrTrunc(mem.getLength(), runtime_.size_ty);
    if (source)
      callIfTracked(&mem, mem, runtime_.range[kRead], {source, length});
    if (dest)
      callIfTracked(&mem, mem, runtime_.range[kWrite], {dest, length});
  }

  // An atomic: an access of its bytes, a release before it and an acquire
  // after it, as its ordering says.
  void synchronise(Instruction &I) {
    std::optional<SyncScope::ID> scope = getAtomicSyncScopeID(&I);
    if (scope && *scope == SyncScope::SingleThread)
      return;
    Value *address;
    AtomicOrdering ordering;
    Type *value_ty;
    if (auto *load = dyn_cast<LoadInst>(&I)) {
      address = load->getPointerOperand();
      ordering = load->getOrdering();
      value_ty = load->getType();
    } else if (auto *store = dyn_cast<StoreInst>(&I)) {
      address = store->getPointerOperand();
      ordering = store->getOrdering();
      value_ty = store->getValueOperand()->getType();
    } else if (auto *rmw = dyn_cast<AtomicRMWInst>(&I)) {
      address = rmw->getPointerOperand();
      ordering = rmw->getOrdering();
      value_ty = rmw->getValOperand()->getType();
    } else {
      auto &cmpxchg = cast<AtomicCmpXchgInst>(I);
      address = cmpxchg.getPointerOperand();
      ordering = cmpxchg.getSuccessOrdering();
      value_ty = cmpxchg.getNewValOperand()->getType();
    }
    if (!shared_.mayBeShared(address))
      return;
    bool is_load = isa<LoadInst>(I), is_store = isa<StoreInst>(I);
    Value *bytes = BuilderAt(&I, I).CreateTypeSize(
        runtime_.size_ty, DL_.getTypeStoreSize(value_ty));
    // Everything but a load writes (a failed cmpxchg too, as in TSan), at
    // the thread's epoch before its release.
    if (!is_load)
      callIfTracked(&I, I, runtime_.atomic[kWrite], {address, bytes});
    // A load cannot release and a store cannot acquire, whatever the
    // ordering says (seq_cst).
    if (isReleaseOrStronger(ordering) && !is_load) {
      BuilderAt B(&I, I);
      B.CreateCall(is_store ? runtime_.release_store : runtime_.release, {address});
    }
    Instruction *after = I.getNextNode();
    if (isAcquireOrStronger(ordering) && !is_store) {
      BuilderAt B(after, I);
      after = B.CreateCall(runtime_.acquire, {address})->getNextNode();
    }
    // A load reads at the epoch after its acquire.
    if (is_load)
      callIfTracked(after, I, runtime_.atomic[kRead], {address, bytes});
  }

  Function &F_;
  RaceRuntime &runtime_;
  FunctionAnalysisManager &FAM_;
  const DataLayout &DL_;
  SharedMemory shared_;
  bool records_ = false;  // some access call was added
};

bool isInstrumentable(const Function &F) {
  return !F.isDeclaration() && !F.hasFnAttribute(Attribute::Naked) &&
         !F.hasFnAttribute(Attribute::DisableSanitizerInstrumentation) &&
         !isTrampoline(F);
}

}  // namespace

PreservedAnalyses CgosanRacePass::run(Module &M, ModuleAnalysisManager &MAM) {
  std::vector<Function *> functions;
  for (Function &F : M)
    if (isInstrumentable(F))
      functions.push_back(&F);
  if (functions.empty())
    return PreservedAnalyses::all();
  RaceRuntime runtime(M);  // declares the entry points: the module changes
  FunctionAnalysisManager &FAM =
      MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  for (Function *F : functions) {
    RaceInstrumenter(*F, runtime, FAM).run();
    // The runtime captures each new access's stack by walking frame
    // pointers: keep them, whatever -O2 would do (as -fsanitize=thread
    // users are told to).
    F->addFnAttr("frame-pointer", "all");
    // What the optimizer inferred before the runtime calls existed is no
    // longer true: the function now reads and writes the runtime's memory
    // and synchronises (an LTO link would still trust the attributes).
    F->removeFnAttr(Attribute::Memory);
    F->removeFnAttr(Attribute::NoSync);
  }
  return PreservedAnalyses::none();
}

}  // namespace cgosan
