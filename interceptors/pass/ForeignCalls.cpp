// ForeignCalls.cpp — one call to a foreign function becomes a checked
// cgocall (see CgosanPass.cpp for the whole picture). For
//   %r = call @f(%a, %b)
// it emits, at the call's debug location,
//   call @cgosan_check_arg(%b, null, "f", 1)        ; %b is a pointer
//   store %a, %frame.0 ; store %b, %frame.1
//   call @cgosan_cgocall(@__cgosan_tramp.f, %frame)
//   %r = load %frame.2
// and the trampoline, internal and shared by every call of f with the same
// type, attributes and calling convention:
//   define internal void @__cgosan_tramp.f(ptr %frame) {
//     %a = load %frame.0 ; %b = load %frame.1
//     %r = call @f(%a, %b) ; store %r, %frame.2 ; ret void }
// %b is checked as the call site names it (ArgumentRegions.cpp): a field or
// an array it points into, with a cgosan_type the module carries
// (`call @cgosan_check_arg(%field, @__cgosan_type, "f", 1)`), only
// `call @cgosan_lend(%b, "f", 1)` when that field or array holds no pointer
// (nothing to check; the object is still handed to f, for retention=guard
// and full: behind an inline `if (__cgosan_lending)`, see guardLends),
// a plain `&local` as the local's type (it is on the G stack, where the
// runtime has no object to look at; an out-parameter not written before the
// call holds stale stack words and is left untyped: nothing is checked
// there; a local without pointers, nothing at all), and the whole object
// (null type) for any other pointer.
// Argument numbers count the C parameters from 0 (an sret slot is not one).
// A byval argument is the caller's copy of a struct passed by value: the
// callee receives its own copy, so it is forwarded but not checked; an sret
// pointer is where the result goes, on the caller's stack, and is not checked
// either. A constant pointer (NULL, a global, a string literal) is never
// managed and is not checked, nor is one in another address space than 0
// (`__seg_gs`, address_space(N)): the managed heap is in address space 0.
#include "CgosanPass.h"

#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace cgosan {

RuntimeApi::RuntimeApi(Module &M) : module(M) {
  LLVMContext &ctx = M.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  Type *void_ty = Type::getVoidTy(ctx);
  Type *int_ty = Type::getInt32Ty(ctx);
  Type *size_ty = M.getDataLayout().getIntPtrType(ctx);
  AttributeList no_unwind = AttributeList().addFnAttribute(ctx, Attribute::NoUnwind);
  cgocall = M.getOrInsertFunction(kCgocallName, int_ty, ptr, ptr);
  cgocall_nocallback = M.getOrInsertFunction(kNoCallbackCgocallName, int_ty, ptr, ptr, ptr);
  check_arg = M.getOrInsertFunction("cgosan_check_arg", no_unwind, void_ty, ptr,
                                    ptr, ptr, int_ty);
  lend = M.getOrInsertFunction("cgosan_lend", no_unwind, void_ty, ptr, ptr, int_ty);
  lend_noescape = M.getOrInsertFunction("cgosan_lend_noescape", no_unwind, void_ty,
                                        ptr, ptr, int_ty);
  lending = M.getOrInsertGlobal("__cgosan_lending", Type::getInt8Ty(ctx));
  check_store = M.getOrInsertFunction("cgosan_check_store", no_unwind, void_ty,
                                      ptr, ptr);
  check_memmove = M.getOrInsertFunction("cgosan_check_memmove", no_unwind,
                                        void_ty, ptr, ptr, size_ty);
  check_memmove_typed = M.getOrInsertFunction("cgosan_check_memmove_typed", no_unwind,
                                              void_ty, ptr, ptr, size_ty, ptr);
  check_retained_by = M.getOrInsertFunction("cgosan_check_retained_by", no_unwind,
                                            void_ty, ptr, ptr, ptr, int_ty, ptr, ptr);
  check_retained_in_slot = M.getOrInsertFunction(
      "cgosan_check_retained_in_slot", no_unwind, void_ty, ptr, ptr,
      Type::getInt64Ty(ctx), ptr, int_ty, ptr, ptr);
  retention_failed = M.getOrInsertFunction("cgosan_retention_failed", no_unwind,
                                           void_ty, ptr, ptr, ptr);
  retention_end = M.getOrInsertFunction("cgosan_retention_end", no_unwind, void_ty,
                                        ptr, ptr);
  retention_end_slot = M.getOrInsertFunction("cgosan_retention_end_slot", no_unwind,
                                             void_ty, ptr, Type::getInt64Ty(ctx));
}

GlobalVariable *RuntimeApi::calleeName(StringRef name) {
  GlobalVariable *&text = callee_names_[name];
  if (!text) {
    Constant *init = ConstantDataArray::getString(module.getContext(), name);
    text = new GlobalVariable(module, init->getType(), /*isConstant=*/true,
                              GlobalValue::PrivateLinkage, init,
                              "__cgosan_callee." + name);
    text->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    text->setAlignment(Align(1));
  }
  return text;
}

namespace {

// Attributes of the calling function the trampoline must share: the same
// frame-pointer policy (stacks are walked through it) and target features
// (vector arguments are passed the way the caller passes them).
const char *const kInheritedFnAttributes[] = {"frame-pointer", "target-cpu",
                                              "target-features", "tune-cpu"};

// Why the pass leaves CB alone, or nullptr when it can rewrite it.
const char *reasonToSkip(const CallBase &CB) {
  const Function *callee = CB.getCalledFunction();
  if (CB.getFunctionType()->isVarArg())
    return "it is variadic";
  if (callee->hasFnAttribute(Attribute::ReturnsTwice) ||
      CB.hasFnAttr(Attribute::ReturnsTwice))
    return "it returns twice (setjmp-like)";
  if (callee->doesNotReturn() || CB.doesNotReturn())
    return "it never returns to the parked G";
  if (CB.hasOperandBundles())
    return "the call has operand bundles";
  if (auto *call = dyn_cast<CallInst>(&CB); call && call->isMustTailCall())
    return "the call is musttail";
  return nullptr;
}

Function *trampolineFor(CallBase &CB, StructType *frame_ty, RuntimeApi &api) {
  Function *callee = CB.getCalledFunction();
  FunctionType *call_ty = CB.getFunctionType();
  auto key = std::make_tuple(callee, call_ty, CB.getAttributes().getRawPointer(),
                             unsigned(CB.getCallingConv()));
  Function *&tramp = api.trampolines[key];
  if (tramp)
    return tramp;

  LLVMContext &ctx = api.module.getContext();
  tramp = Function::Create(
      FunctionType::get(Type::getVoidTy(ctx), {PointerType::getUnqual(ctx)}, false),
      GlobalValue::InternalLinkage, kTrampolinePrefix + callee->getName(),
      api.module);
  const Function *caller = CB.getFunction();
  for (const char *name : kInheritedFnAttributes)
    if (caller->hasFnAttribute(name))
      tramp->addFnAttr(caller->getFnAttribute(name));
  tramp->setUWTableKind(caller->getUWTableKind());

  IRBuilder<> B(BasicBlock::Create(ctx, "entry", tramp));
  Value *frame = tramp->getArg(0);
  SmallVector<Value *, 8> args;
  for (unsigned i = 0; i < call_ty->getNumParams(); ++i)
    args.push_back(B.CreateLoad(call_ty->getParamType(i),
                                B.CreateStructGEP(frame_ty, frame, i)));
  CallInst *call = B.CreateCall(call_ty, callee, args);
  call->setCallingConv(CB.getCallingConv());
  call->setAttributes(CB.getAttributes());
  if (!call_ty->getReturnType()->isVoidTy())
    B.CreateStore(call, B.CreateStructGEP(frame_ty, frame, call_ty->getNumParams()));
  B.CreateRetVoid();
  return tramp;
}

AllocaInst *frameFor(Function &F, StructType *frame_ty, RuntimeApi &api) {
  AllocaInst *&frame = api.frames[{&F, frame_ty}];
  if (!frame) {
    BasicBlock &entry = F.getEntryBlock();
    IRBuilder<> B(&entry, entry.getFirstInsertionPt());
    frame = B.CreateAlloca(frame_ty, api.module.getDataLayout().getAllocaAddrSpace(),
                           nullptr, "cgosan.frame");
  }
  return frame;
}

// Whether I writes memory through `address` (stores to it, a memset or
// copy into it, or passes it to a call that may).
bool writesThrough(const Instruction &I, const Value *address) {
  if (auto *store = dyn_cast<StoreInst>(&I))
    return store->getPointerOperand() == address;
  if (auto *set = dyn_cast<MemIntrinsic>(&I))
    return set->getDest() == address;
  auto *call = dyn_cast<CallBase>(&I);
  if (!call || call->isLifetimeStartOrEnd() || isa<DbgInfoIntrinsic>(call))
    return false;
  return is_contained(call->args(), address);
}

// Whether something writes the local `slot` (through its address or an
// address into it) before CB on every path: earlier in CB's block, or in
// the entry block, which comes before every other.
bool writtenBefore(AllocaInst &slot, CallBase &CB) {
  SmallVector<const Value *, 8> addresses = {&slot};
  for (const User *user : slot.users())
    if (isa<GetElementPtrInst>(user))
      addresses.push_back(user);
  BasicBlock *entry = &CB.getFunction()->getEntryBlock();
  for (const Value *address : addresses) {
    for (const User *user : address->users()) {
      auto *I = dyn_cast<Instruction>(user);
      if (!I || I == &CB || !writesThrough(*I, address))
        continue;
      if (I->getParent() == CB.getParent() ? I->comesBefore(&CB)
                                           : I->getParent() == entry)
        return true;
    }
  }
  return false;
}

// The type of a plain `&local` argument: the local's own type, when it is
// one fixed-size value and written before the call (an out-parameter,
// `sqlite3_stmt *st; prepare(..., &st)`, holds whatever the frame held
// before, which is no value of the program's to check).
Type *localType(Value *arg, CallBase &CB) {
  auto *slot = dyn_cast<AllocaInst>(arg);
  if (!slot || slot->isArrayAllocation() || !writtenBefore(*slot, CB))
    return nullptr;
  return slot->getAllocatedType();
}

// A call that hands `p`, argument `argno`, to the callee: `fn` is
// cgosan_lend or cgosan_lend_noescape.
struct Lend {
  FunctionCallee fn;
  Value *p;
  unsigned argno;
};

// cgosan_check_arg before CB for its C argument `argno`, `arg`: the field or
// array the address names, with its type, or a local's own type (on the G
// stack, with no object around it), or the whole object (NULL type).
// A field or array that holds no pointer has nothing to check, but the
// object is still handed to the call: a cgosan_lend, added to `lends`
// (retention=guard/full); a local that holds no pointer has nothing to check
// and is lent to nobody.
void checkArgument(Value *arg, unsigned argno, StringRef callee, CallBase &CB,
                   RuntimeApi &api, SmallVectorImpl<Lend> *lends) {
  const DataLayout &DL = api.module.getDataLayout();
  LLVMContext &ctx = CB.getContext();
  IRBuilder<> B(&CB);
  B.SetCurrentDebugLocation(CB.getDebugLoc());
  Value *start = arg;
  Constant *type = ConstantPointerNull::get(PointerType::getUnqual(ctx));
  Constant *argno_value = ConstantInt::get(Type::getInt32Ty(ctx), argno);
  ArgumentRegion region = argumentRegion(arg);
  Type *region_type = region.type ? region.type : localType(arg, CB);
  if (region_type) {
    uint64_t size = DL.getTypeAllocSize(region_type).getFixedValue();
    // A pointer at an odd offset (packed): no mask can say it; whole object.
    if (std::optional<PointerLayout> layout = pointerLayout(region_type, 0, size, DL)) {
      if (!layout->hasPointers()) {
        if (region.type)
          lends->push_back({api.lend, arg, argno});
        return;
      }
      if (region.type)
        start = region.start(&CB);
      type = api.typeFor(*layout);
    }
  }
  B.CreateCall(api.check_arg, {start, type, api.calleeName(callee), argno_value});
}

}  // namespace

bool rewriteForeignCall(CallBase &CB, RuntimeApi &api,
                        OptimizationRemarkEmitter &ORE, bool nocallback,
                        bool noescape, const RetentionModel &retention,
                        std::string *error) {
  Function *callee = CB.getCalledFunction();
  StringRef name = callee->getName();
  if (const char *reason = reasonToSkip(CB)) {
    ORE.emit([&] {
      return OptimizationRemarkMissed("cgosan", "ForeignCallSkipped", &CB)
             << "call to " << name << " is not routed through cgosan_cgocall: "
             << reason;
    });
    return false;
  }

  LLVMContext &ctx = CB.getContext();
  FunctionType *call_ty = CB.getFunctionType();
  SmallVector<Type *, 8> fields(call_ty->params());
  Type *ret_ty = call_ty->getReturnType();
  if (!ret_ty->isVoidTy())
    fields.push_back(ret_ty);
  StructType *frame_ty = StructType::get(ctx, fields);
  Function *tramp = trampolineFor(CB, frame_ty, api);
  AllocaInst *frame = frameFor(*CB.getFunction(), frame_ty, api);

  IRBuilder<> B(&CB);
  B.SetCurrentDebugLocation(CB.getDebugLoc());
  unsigned sret_slots = 0;
  SmallVector<Lend, 4> lends;
  for (unsigned i = 0; i < CB.arg_size(); ++i) {
    Value *arg = CB.getArgOperand(i);
    if (CB.paramHasAttr(i, Attribute::StructRet)) {
      ++sret_slots;
    } else if (arg->getType()->isPointerTy() && !isa<Constant>(arg) &&
               arg->getType()->getPointerAddressSpace() == 0 &&
               !CB.isByValArgument(i)) {
      checkArgument(arg, i - sret_slots, name, CB, api, &lends);
      if (noescape)
        lends.push_back({api.lend_noescape, arg, i - sret_slots});
    }
    B.CreateStore(arg, B.CreateStructGEP(frame_ty, frame, i));
  }
  if (!lends.empty()) {
    api.lend_groups.emplace_back();
    for (const Lend &lend : lends)
      api.lend_groups.back().push_back(B.CreateCall(
          lend.fn, {lend.p, api.calleeName(name), B.getInt32(lend.argno)}));
  }
  std::vector<RetentionToUndo> undo;
  if (!checkRetention(CB, sret_slots, retention, api, &undo, error))
    return false;

  FunctionCallee crossing = nocallback ? api.cgocall_nocallback : api.cgocall;
  SmallVector<Value *, 3> crossing_args = {tramp, frame};
  if (nocallback)
    crossing_args.push_back(api.calleeName(name));
  Value *result = nullptr;
  if (auto *invoke = dyn_cast<InvokeInst>(&CB)) {
    // The result is loaded on the normal edge, in a block of its own.
    BasicBlock *from = invoke->getParent();
    BasicBlock *normal = invoke->getNormalDest();
    BasicBlock *returned =
        BasicBlock::Create(ctx, "cgosan.returned", from->getParent(), normal);
    B.CreateInvoke(crossing, returned, invoke->getUnwindDest(), crossing_args);
    normal->replacePhiUsesWith(from, returned);
    B.SetInsertPoint(returned);
    B.SetCurrentDebugLocation(CB.getDebugLoc());
    if (!ret_ty->isVoidTy())
      result = B.CreateLoad(ret_ty, B.CreateStructGEP(frame_ty, frame, CB.arg_size()));
    undoFailedRetentions(B, result, name, undo, api);
    B.CreateBr(normal);
  } else {
    B.CreateCall(crossing, crossing_args);
    if (!ret_ty->isVoidTy())
      result = B.CreateLoad(ret_ty, B.CreateStructGEP(frame_ty, frame, CB.arg_size()));
    undoFailedRetentions(B, result, name, undo, api);
  }
  ORE.emit([&] {
    return OptimizationRemark("cgosan", "ForeignCall", &CB)
           << "call to " << name << " goes through "
           << (nocallback ? kNoCallbackCgocallName : kCgocallName);
  });
  if (result) {
    result->takeName(&CB);
    CB.replaceAllUsesWith(result);
  }
  CB.eraseFromParent();
  return true;
}

// Each group goes behind one inline test of __cgosan_lending (1 with
// retention=guard or full): in the other modes the runtime would only
// return, so a call's lends cost a load and a not-taken branch, not a call
// each. Done once the function's calls are all rewritten: a split moves the
// instructions after it to a new block, and the rewrite of a later call
// asks which block a store to its argument is in (writtenBefore).
//   if (__cgosan_lending) { cgosan_lend(a, "f", 0); cgosan_lend_noescape(...); }
void guardLends(RuntimeApi &api) {
  for (const SmallVector<CallInst *, 2> &group : api.lend_groups) {
    CallInst *first = group.front();
    IRBuilder<> B(first);
    Value *lending = B.CreateLoad(B.getInt8Ty(), api.lending, "cgosan.lending");
    Instruction *then = SplitBlockAndInsertIfThen(
        B.CreateIsNotNull(lending), first, /*Unreachable=*/false,
        MDBuilder(first->getContext()).createUnlikelyBranchWeights());
    for (CallInst *lend : group)
      lend->moveBefore(then);
  }
  api.lend_groups.clear();
}

}  // namespace cgosan
