// StoreChecks.cpp — cgocheck=2 instrumentation (-cgosan-check-stores), rule 4:
// managed code must not store an unpinned managed pointer into memory that
// is not managed. Go checks this in its write barrier; here each write that
// may put a pointer somewhere gets a call the runtime judges:
//   store ptr %v, ptr %slot             -> cgosan_check_store(%slot, %v)
//   store <N x ptr> %v, ptr %slot       -> one check per lane
//   cmpxchg / atomicrmw xchg of a ptr   -> cgosan_check_store(%slot, %new)
//   llvm.memcpy / llvm.memmove(d, s, n) -> cgosan_check_memmove(d, s, n)
// each placed before the write, at its debug location.
// Left out on purpose, because they cannot put a managed pointer outside the
// function's own frame: writes into a stack slot (alloca) whose address never
// escapes the function (at -O0 that is most locals), stores of constants
// (NULL, globals: never managed), copies from constant globals or shorter
// than a pointer. Pointers stored as integers (ptrtoint) are integers, as in
// Go. Cost: one call per remaining write; the runtime returns at once unless
// CGOSAN_OPTIONS=cgocheck=2, and then at a range compare for a value that is
// not managed.
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

// A write that may put managed pointers at `slot`: a pointer `value`, or a
// vector of `lanes` pointers stored side by side.
struct PointerWrite {
  Value *slot;
  Value *value;
  unsigned lanes;  // 0 for a single pointer
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
  if (!value || isa<Constant>(value) || slot->getType()->getPointerAddressSpace() != 0)
    return std::nullopt;
  Type *type = value->getType();
  if (type->isPointerTy())
    return PointerWrite{slot, value, 0};
  if (auto *vector = dyn_cast<FixedVectorType>(type);
      vector && vector->getElementType()->isPointerTy())
    return PointerWrite{slot, value, unsigned(vector->getNumElements())};
  return std::nullopt;
}

}  // namespace

unsigned instrumentStores(Function &F, RuntimeApi &api) {
  const DataLayout &DL = api.module.getDataLayout();
  LLVMContext &ctx = F.getContext();
  Type *i8 = Type::getInt8Ty(ctx);
  unsigned pointer_size = DL.getPointerSize();
  PrivateSlots private_slots;

  std::vector<Instruction *> writes;
  for (Instruction &I : instructions(F)) {
    if (auto *copy = dyn_cast<MemTransferInst>(&I)) {
      auto *length = dyn_cast<ConstantInt>(copy->getLength());
      if ((length && length->getZExtValue() < pointer_size) ||
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
      B.CreateCall(api.check_memmove,
                   {copy->getRawDest(), copy->getRawSource(),
                    B.CreateZExtOrTrunc(copy->getLength(), DL.getIntPtrType(ctx))});
      ++checks;
      continue;
    }
    PointerWrite write = *pointerWrite(*I);
    if (write.lanes == 0) {
      B.CreateCall(api.check_store, {write.slot, write.value});
      ++checks;
      continue;
    }
    for (unsigned lane = 0; lane < write.lanes; ++lane) {
      B.CreateCall(api.check_store,
                   {B.CreateConstInBoundsGEP1_64(i8, write.slot, lane * pointer_size),
                    B.CreateExtractElement(write.value, lane)});
      ++checks;
    }
  }
  return checks;
}

}  // namespace cgosan
