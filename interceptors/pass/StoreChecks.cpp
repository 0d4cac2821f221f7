// StoreChecks.cpp — cgocheck=2 instrumentation (-cgosan-check-stores), rule 4:
// managed code must not store an unpinned managed pointer into memory that
// is not managed. Go checks this in its write barrier; here each write that
// may put a pointer somewhere gets a call the runtime judges:
//   store ptr %v, ptr %slot             -> cgosan_check_store(%slot, %v)
//   store <N x ptr> %v, ptr %slot       -> one check per lane
//   store %struct.S %v, ptr %slot       -> one check per pointer in it
//   cmpxchg / atomicrmw xchg of a ptr   -> cgosan_check_store(%slot, %new)
//   llvm.memcpy / llvm.memmove(d, s, n) -> cgosan_check_memmove_typed(d, s, n, T)
//                                          with T the copied type (a cgosan_type
//                                          of the module: CopiedTypes.cpp),
//                                          else cgosan_check_memmove(d, s, n)
// each placed before the write, at its debug location. A copy carries its
// type as Go's typed copies do: the runtime walks T's pointer map over a
// source outside the heap (a local, a global, foreign memory) and the
// heap's map over a managed one. The pass runs before the optimizer, so it
// sees clang's memcpys, not the loads and stores -O2 later makes of small
// ones (an i64 load and store of a pointer would be an integer's).
// Left out on purpose, because they cannot put a managed pointer outside the
// function's own frame: writes into a stack slot (alloca) whose address never
// escapes the function (at -O0 that is most locals), stores of constants
// (NULL, globals: never managed), copies from constant globals or shorter
// than a pointer, writes to or from another address space than 0 (the
// managed heap is in 0). Copies from a local or global whose type holds no pointer
// are left out too: their bytes are not pointers, as Go's are not. Pointers
// stored as integers (ptrtoint) are integers, as in Go. Cost: one call per
// remaining write; the runtime returns at once unless CGOSAN_OPTIONS=
// cgocheck=2, and then at a range compare for a value that is not managed.
#include "CgosanPass.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

#include <optional>

using namespace llvm;

namespace cgosan {
namespace {

// A write that may put managed pointers at `slot`: `value`, a pointer, a
// vector of pointers, or an aggregate holding some.
struct PointerWrite {
  Value *slot;
  Value *value;
};

std::optional<PointerWrite> pointerWrite(Instruction &I) {
  Value *slot = nullptr, *value = nullptr;
  if (auto *store = dyn_cast<StoreInst>(&I)) {
    slot = store->getPointerOperand();
    value = store->getValueOperand();
  } else if (auto *cmpxchg = dyn_cast<AtomicCmpXchgInst>(&I)) {
    slot = cmpxchg->getPointerOperand();
    value = cmpxchg->getNewValOperand();
  } else if (auto *rmw = dyn_cast<AtomicRMWInst>(&I);
             rmw && rmw->getOperation() == AtomicRMWInst::Xchg) {
    slot = rmw->getPointerOperand();
    value = rmw->getValOperand();
  }
  if (!value || isa<Constant>(value) || slot->getType()->getPointerAddressSpace() != 0 ||
      !mayHoldPointers(value->getType()))
    return std::nullopt;
  return PointerWrite{slot, value};
}

// A cgosan_check_store for each pointer in `value`, written at `offset`
// bytes from `slot`; returns how many.
unsigned checkPointersIn(IRBuilder<> &B, Value *slot, uint64_t offset, Value *value,
                         RuntimeApi &api) {
  const DataLayout &DL = api.module.getDataLayout();
  Type *type = value->getType();
  if (!mayHoldPointers(type))
    return 0;
  if (type->isPointerTy()) {
    Value *at = offset ? B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), slot, offset) : slot;
    B.CreateCall(api.check_store, {at, value});
    return 1;
  }
  unsigned checks = 0;
  if (auto *st = dyn_cast<StructType>(type)) {
    const StructLayout *layout = DL.getStructLayout(st);
    for (unsigned i = 0; i < st->getNumElements(); ++i)
      if (mayHoldPointers(st->getElementType(i)))
        checks += checkPointersIn(B, slot, offset + layout->getElementOffset(i),
                                  B.CreateExtractValue(value, i), api);
    return checks;
  }
  if (auto *array = dyn_cast<ArrayType>(type)) {
    uint64_t stride = DL.getTypeAllocSize(array->getElementType()).getFixedValue();
    for (unsigned i = 0; i < array->getNumElements(); ++i)
      checks += checkPointersIn(B, slot, offset + i * stride,
                                B.CreateExtractValue(value, i), api);
    return checks;
  }
  auto *vector = cast<FixedVectorType>(type);
  uint64_t stride = DL.getTypeAllocSize(vector->getElementType()).getFixedValue();
  for (unsigned lane = 0; lane < vector->getNumElements(); ++lane)
    checks += checkPointersIn(B, slot, offset + lane * stride,
                              B.CreateExtractElement(value, lane), api);
  return checks;
}

// The check before a copy, if it needs one: typed when the pass knows what
// is copied, untyped when it does not, none when a local or a global
// without pointers is copied.
unsigned checkCopy(IRBuilder<> &B, MemTransferInst &copy, RuntimeApi &api) {
  const DataLayout &DL = api.module.getDataLayout();
  std::optional<CopiedLayout> copied = copiedLayout(copy, DL);
  if (copied && !copied->layout.hasPointers() && copied->from_frame_or_global)
    return 0;
  Value *length = B.CreateZExtOrTrunc(copy.getLength(), DL.getIntPtrType(B.getContext()));
  if (copied && copied->layout.hasPointers())
    B.CreateCall(api.check_memmove_typed, {copy.getRawDest(), copy.getRawSource(),
                                           length, api.typeFor(copied->layout)});
  else
    B.CreateCall(api.check_memmove, {copy.getRawDest(), copy.getRawSource(), length});
  return 1;
}

}  // namespace

unsigned instrumentStores(Function &F, RuntimeApi &api) {
  unsigned pointer_size = api.module.getDataLayout().getPointerSize();
  PrivateSlots private_slots;

  std::vector<Instruction *> writes;
  for (Instruction &I : instructions(F)) {
    if (auto *copy = dyn_cast<MemTransferInst>(&I)) {
      auto *length = dyn_cast<ConstantInt>(copy->getLength());
      if ((length && length->getZExtValue() < pointer_size) ||
          copy->getDestAddressSpace() != 0 || copy->getSourceAddressSpace() != 0 ||
          private_slots.contains(copy->getRawDest()) ||
          isConstantGlobal(copy->getRawSource()))
        continue;
      writes.push_back(&I);
    } else if (std::optional<PointerWrite> write = pointerWrite(I)) {
      if (!private_slots.contains(write->slot))
        writes.push_back(&I);
    }
  }

  unsigned checks = 0;
  for (Instruction *I : writes) {
    IRBuilder<> B(I);
    B.SetCurrentDebugLocation(I->getDebugLoc());
    if (auto *copy = dyn_cast<MemTransferInst>(I)) {
      checks += checkCopy(B, *copy, api);
    } else {
      PointerWrite write = *pointerWrite(*I);
      checks += checkPointersIn(B, write.slot, 0, write.value, api);
    }
  }
  return checks;
}

}  // namespace cgosan
