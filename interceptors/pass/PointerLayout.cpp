// PointerLayout.cpp — where a value of an IR type keeps its pointers, and the
// cgosan_type that says so to the runtime. The pass narrows a check to the
// bytes the call site names (a field, an array: ArgumentRegions.cpp) and
// checks a copy with the copied type's map (CopiedTypes.cpp); both hand the
// runtime a cgosan_type, a private constant of the module, whose ptrmask
// comes from the IR type: a `ptr` (address space 0) at a whole number of
// words from the start is a slot, vectors of them too; structs and arrays by
// the DataLayout's offsets. Unions are lowered by clang to one member and
// some padding, so a pointer in a union is a slot only when that member is
// one: as in Go, where cgo gives C unions no pointers. A pointer at an odd
// offset (a packed struct) is one no ptrmask can name, and the heap never
// keeps one there: the layout is refused and the caller checks untyped.
#include "CgosanPass.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace cgosan {
namespace {

constexpr uint64_t kWord = 8;

// Marks the pointer slots of T, laid at `at` (bytes from the layout's start,
// which covers [0, size)), that fall in the layout; false for a pointer there
// that is not word-aligned.
bool markPointers(Type *T, int64_t at, const DataLayout &DL, PointerLayout &layout) {
  int64_t size = int64_t(layout.size);
  int64_t bytes = int64_t(DL.getTypeAllocSize(T).getFixedValue());
  if (at >= size || at + bytes <= 0 || !mayHoldPointers(T))
    return true;
  if (auto *pointer = dyn_cast<PointerType>(T)) {
    if (pointer->getAddressSpace() != 0)
      return true;
    if (at < 0 || at + int64_t(kWord) > size)
      return true;  // only part of it is in the range: not a slot of it
    if (at % kWord != 0)
      return false;
    layout.slots[at / kWord] = true;
    return true;
  }
  if (auto *st = dyn_cast<StructType>(T)) {
    const StructLayout *sl = DL.getStructLayout(st);
    for (unsigned i = 0; i < st->getNumElements(); ++i)
      if (!markPointers(st->getElementType(i),
                        at + int64_t(sl->getElementOffset(i)), DL, layout))
        return false;
    return true;
  }
  Type *element = nullptr;
  uint64_t count = 0;
  if (auto *array = dyn_cast<ArrayType>(T)) {
    element = array->getElementType();
    count = array->getNumElements();
  } else if (auto *vector = dyn_cast<FixedVectorType>(T)) {
    element = vector->getElementType();
    count = vector->getNumElements();
  } else {
    return true;
  }
  int64_t stride = int64_t(DL.getTypeAllocSize(element).getFixedValue());
  if (stride == 0)
    return true;
  // Only the elements that meet [0, size).
  uint64_t first = at < 0 ? uint64_t(-at) / stride : 0;
  for (uint64_t i = first; i < count && at + int64_t(i) * stride < size; ++i)
    if (!markPointers(element, at + int64_t(i) * stride, DL, layout))
      return false;
  return true;
}

}  // namespace

bool mayHoldPointers(Type *T) {
  if (auto *pointer = dyn_cast<PointerType>(T))
    return pointer->getAddressSpace() == 0;
  if (auto *st = dyn_cast<StructType>(T)) {
    for (Type *element : st->elements())
      if (mayHoldPointers(element))
        return true;
    return false;
  }
  if (auto *array = dyn_cast<ArrayType>(T))
    return mayHoldPointers(array->getElementType());
  if (auto *vector = dyn_cast<FixedVectorType>(T))
    return mayHoldPointers(vector->getElementType());
  return false;
}

std::string cTypeName(Type *T) {
  if (auto *st = dyn_cast<StructType>(T)) {
    if (!st->hasName())
      return "struct";
    // clang names them "struct.row", "union.u", "class.ns::C" (".N" suffixes
    // for twins from other modules).
    auto [kind, rest] = st->getName().split('.');
    return rest.empty() ? kind.str() : (kind + " " + rest).str();
  }
  if (auto *array = dyn_cast<ArrayType>(T))
    return cTypeName(array->getElementType()) + "[" +
           std::to_string(array->getNumElements()) + "]";
  if (T->isPointerTy())
    return "void *";
  if (T->isIntegerTy(8))
    return "char";
  if (T->isIntegerTy())
    return "int" + std::to_string(T->getIntegerBitWidth()) + "_t";
  std::string text;
  raw_string_ostream out(text);
  T->print(out);
  return text;
}

std::optional<PointerLayout> pointerLayout(Type *T, uint64_t offset, uint64_t size,
                                           const DataLayout &DL) {
  PointerLayout layout;
  layout.size = size;
  layout.slots.assign((size + kWord - 1) / kWord, false);
  if (!markPointers(T, -int64_t(offset), DL, layout))
    return std::nullopt;
  layout.name = cTypeName(T);
  if (offset != 0 || size != DL.getTypeAllocSize(T).getFixedValue())
    layout.name += " (bytes " + std::to_string(offset) + " to " +
                   std::to_string(offset + size) + ")";
  return layout;
}

bool PointerLayout::hasPointers() const {
  for (bool slot : slots)
    if (slot)
      return true;
  return false;
}

GlobalVariable *RuntimeApi::typeFor(const PointerLayout &layout) {
  // Key: the name, the size and the mask, as text.
  std::string key = layout.name + '\0' + std::to_string(layout.size) + '\0';
  for (bool slot : layout.slots)
    key += slot ? '1' : '0';
  GlobalVariable *&type = types_[key];
  if (type)
    return type;

  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  Type *size_ty = module.getDataLayout().getIntPtrType(ctx);
  auto privateConstant = [&](Constant *init, const Twine &name) {
    auto *global = new GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                      GlobalValue::PrivateLinkage, init, name);
    global->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    return global;
  };

  // ptrdata: up to the last slot's word; the mask: bit i of byte i/8.
  uint64_t words = 0;
  std::vector<uint8_t> mask;
  for (uint64_t i = 0; i < layout.slots.size(); ++i) {
    if (!layout.slots[i])
      continue;
    words = i + 1;
    mask.resize(i / 8 + 1, 0);
    mask[i / 8] |= uint8_t(1u << (i % 8));
  }
  Constant *mask_ptr = ConstantPointerNull::get(PointerType::getUnqual(ctx));
  if (!mask.empty()) {
    GlobalVariable *bits = privateConstant(ConstantDataArray::get(ctx, mask),
                                           "__cgosan_ptrmask." + layout.name);
    bits->setAlignment(Align(1));
    mask_ptr = bits;
  }
  GlobalVariable *name = privateConstant(
      ConstantDataArray::getString(ctx, layout.name), "__cgosan_type_name." + layout.name);
  name->setAlignment(Align(1));

  // struct cgosan_type { name, size, ptrdata, ptrmask, flags } (cgosan.h)
  StructType *type_ty = StructType::get(
      ctx, {ptr, size_ty, size_ty, ptr, Type::getInt32Ty(ctx)});
  Constant *init = ConstantStruct::get(
      type_ty, {name, ConstantInt::get(size_ty, layout.size),
                ConstantInt::get(size_ty, words * kWord), mask_ptr,
                ConstantInt::get(Type::getInt32Ty(ctx), 0)});
  type = privateConstant(init, "__cgosan_type." + layout.name);
  type->setAlignment(Align(8));
  return type;
}

}  // namespace cgosan
