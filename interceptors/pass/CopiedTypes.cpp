// CopiedTypes.cpp — the type a memcpy/memmove copies, for cgocheck=2. Go's
// typed copies carry their type (typedmemmove -> cgoCheckMemmove, which walks
// the type's pointer map over the source when it is not in the heap); a C
// copy is bytes, and the runtime alone only knows the map of the managed
// objects it copies from (cgosan_check_memmove), so a struct assigned from a
// local, or a pointer memcpy'd from one, went unchecked. The pass finds the
// type, first one that covers every copied byte:
//  1. the object the source lies in, at a constant offset: a local (alloca)
//     or a global, whose IR type is the C type (`*dst = local`,
//     `memcpy(dst, &p, 8)`); the copy may be of any length within it. Such a
//     source is never managed memory, so its layout is all there is to check:
//     no pointer in it, no check at all;
//  2. the same for the destination (the copied bytes have one type);
//  3. the element type of the GEP that computes the source, then the
//     destination (`memcpy(dst, &r->inner, sizeof r->inner)`), for a
//     constant length that fits in it;
//  4. clang's !tbaa.struct on an aggregate copy (at -O1 and above): each
//     field's offset, size and access type, "any pointer" for a pointer.
// Otherwise nothing is known and the runtime judges by the heap's map.
// Lengths a type does not cover, pointers at odd offsets (packed) and
// variable-length copies from anything but a whole local or global fall
// through to the next rule: a wrong map is worse than none.
#include "CgosanPass.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Operator.h"

using namespace llvm;

namespace cgosan {
namespace {

constexpr uint64_t kWord = 8;

// The layout of the `length` bytes at the local or global `address` lies in
// (length nullopt: up to the object's end); nullopt when the address is not
// a constant offset into one, or the bytes do not fit in it.
std::optional<PointerLayout> objectLayout(Value *address, std::optional<uint64_t> length,
                                          const DataLayout &DL) {
  APInt offset(DL.getIndexTypeSizeInBits(address->getType()), 0);
  Value *base = address->stripAndAccumulateConstantOffsets(DL, offset,
                                                           /*AllowNonInbounds=*/true);
  Type *type = nullptr;
  if (auto *slot = dyn_cast<AllocaInst>(base); slot && !slot->isArrayAllocation())
    type = slot->getAllocatedType();
  else if (auto *global = dyn_cast<GlobalVariable>(base))
    type = global->getValueType();
  if (!type || !type->isSized() || offset.isNegative())
    return std::nullopt;
  uint64_t size = DL.getTypeAllocSize(type).getFixedValue();
  uint64_t at = offset.getZExtValue();
  if (at >= size || (length && *length > size - at))
    return std::nullopt;
  return pointerLayout(type, at, length ? *length : size - at, DL);
}

// The layout of `length` bytes at an address a GEP computes, as its result
// element type.
std::optional<PointerLayout> gepLayout(Value *address, uint64_t length,
                                       const DataLayout &DL) {
  auto *gep = dyn_cast<GEPOperator>(address);
  if (!gep || !gep->getResultElementType()->isSized())
    return std::nullopt;
  Type *type = gep->getResultElementType();
  if (length > DL.getTypeAllocSize(type).getFixedValue())
    return std::nullopt;
  return pointerLayout(type, 0, length, DL);
}

// clang's access-type names for pointers: "any pointer" (clang 19), and
// "p1 int", "p2 any pointer", ... with pointer TBAA (clang 20).
bool isPointerAccess(const MDNode *tag) {
  // A struct-path tag: !{base type, access type, offset}; a type node starts
  // with its name.
  if (!tag || tag->getNumOperands() < 3)
    return false;
  auto *access = dyn_cast<MDNode>(tag->getOperand(1));
  if (!access || access->getNumOperands() < 1)
    return false;
  auto *name = dyn_cast<MDString>(access->getOperand(0));
  if (!name)
    return false;
  StringRef text = name->getString();
  if (text == "any pointer")
    return true;
  if (!text.consume_front("p"))
    return false;
  size_t digits = text.find_first_not_of("0123456789");
  return digits != 0 && digits != StringRef::npos && text[digits] == ' ';
}

// The layout !tbaa.struct gives: triples (offset, size, access tag).
std::optional<PointerLayout> tbaaLayout(MemTransferInst &copy, uint64_t length) {
  MDNode *fields = copy.getMetadata(LLVMContext::MD_tbaa_struct);
  if (!fields || fields->getNumOperands() % 3 != 0)
    return std::nullopt;
  PointerLayout layout;
  layout.name = "struct (" + std::to_string(length) + " bytes)";
  layout.size = length;
  layout.slots.assign((length + kWord - 1) / kWord, false);
  for (unsigned i = 0; i < fields->getNumOperands(); i += 3) {
    auto *offset = mdconst::dyn_extract<ConstantInt>(fields->getOperand(i));
    auto *size = mdconst::dyn_extract<ConstantInt>(fields->getOperand(i + 1));
    if (!offset || !size)
      return std::nullopt;
    if (!isPointerAccess(dyn_cast<MDNode>(fields->getOperand(i + 2))))
      continue;
    uint64_t at = offset->getZExtValue();
    if (size->getZExtValue() != kWord || at % kWord != 0 || at + kWord > length)
      return std::nullopt;
    layout.slots[at / kWord] = true;
  }
  return layout;
}

}  // namespace

std::optional<CopiedLayout> copiedLayout(MemTransferInst &copy, const DataLayout &DL) {
  Value *source = copy.getRawSource();
  Value *dest = copy.getRawDest();
  std::optional<uint64_t> length;
  if (auto *constant = dyn_cast<ConstantInt>(copy.getLength()))
    length = constant->getZExtValue();

  if (std::optional<PointerLayout> layout = objectLayout(source, length, DL))
    return CopiedLayout{std::move(*layout), /*from_frame_or_global=*/true};
  if (std::optional<PointerLayout> layout = objectLayout(dest, length, DL))
    return CopiedLayout{std::move(*layout), false};
  if (!length)
    return std::nullopt;
  for (Value *address : {source, dest})
    if (std::optional<PointerLayout> layout = gepLayout(address, *length, DL))
      return CopiedLayout{std::move(*layout), false};
  if (std::optional<PointerLayout> layout = tbaaLayout(copy, *length))
    return CopiedLayout{std::move(*layout), false};
  return std::nullopt;
}

}  // namespace cgosan
