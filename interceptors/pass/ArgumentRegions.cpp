// ArgumentRegions.cpp — which bytes cgosan_check_arg checks for one pointer
// argument of a foreign call. As in cmd/cgo, the call site picks: for `&x.f`
// (checkAddr) only the field f, with f's type; for `&a[i]` (checkIndex) the
// whole array a, and no other part of the object; for any other pointer
// (a variable, a parameter, a call's result: Go's unsafe.Pointer) the whole
// object it points into. IR pointers are opaque, but the address the call
// passes is computed by GEPs whose source element types and constant indices
// say exactly that, at -O0 and at -O2 alike (the pass runs before the
// optimizer, on clang's own GEPs):
//   r->name           GEP %struct.rec, %r, 0, 0; GEP [32 x i8], %f, 0, 0
//                     -> the array name: char[32], no pointer, no check
//   &r->other         GEP %struct.rec, %r, 0, 1      -> the field: one slot
//   &o->arr[i]        GEP [4 x %struct.inner], %a, 0, %i -> the whole array
//   &o->arr[2].p      ... then GEP %struct.inner, %e, 0, 1 -> the field p
//   r->name + i       GEP i8, %decayed, %i  -> still the array name
//   r, p + i, (char *)r + 8, a phi, a load -> the whole object
// The walk follows the GEPs from the root pointer to the argument. A field
// index narrows to the field; an array index widens to the array indexed;
// pointer arithmetic (a first index that is not 0) stays inside that array
// when the address is one of its elements, and otherwise leaves every field
// (what it points at is unknown: the whole object, unless later GEPs name a
// field of it again, as `&rs[1].f` does in Go). A GEP whose source type is
// not what the walk knows the address to point at is a cast: the walk
// starts over from it, as cmd/cgo looks through conversions. A flexible
// array member (a struct's last field, an array of 0 or 1 elements: `T
// items[]`, the older `T items[1]`) runs past its type to the object's end,
// so it, or an element of it, is checked as the whole object when T holds
// pointers (and not at all when it does not: `char data[]`); a field of one
// element is still that field. Anything the walk cannot follow gives
// the whole object: more is checked, never less.
#include "CgosanPass.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Operator.h"

using namespace llvm;

namespace cgosan {
namespace {

bool isZero(Value *index) {
  auto *constant = dyn_cast<ConstantInt>(index);
  return constant && constant->isZero();
}

}  // namespace

Value *ArgumentRegion::start(Instruction *call) const {
  if (indices == gep->getNumIndices())
    return gep;
  if (indices == 1 && isZero(gep->getOperand(1)))
    return gep->getPointerOperand();
  SmallVector<Value *, 4> prefix(gep->idx_begin(), gep->idx_begin() + indices);
  IRBuilder<> B(call);
  B.SetCurrentDebugLocation(call->getDebugLoc());
  return B.CreateGEP(gep->getSourceElementType(), gep->getPointerOperand(), prefix,
                     "cgosan.region", gep->isInBounds());
}

ArgumentRegion argumentRegion(Value *arg) {
  // The GEPs from the argument back to the root pointer.
  SmallVector<GEPOperator *, 8> chain;
  for (Value *v = arg; auto *gep = dyn_cast<GEPOperator>(v); v = gep->getPointerOperand())
    chain.push_back(gep);

  Type *pointee = nullptr;     // what the current address points at, if known
  bool array_element = false;  // ... an element of the region, an array
  bool flexible = false;       // the region is a trailing array of 0 or 1
  ArgumentRegion region;       // type nullptr: no field or array yet
  for (GEPOperator *gep : reverse(chain)) {
    Type *source = gep->getSourceElementType();
    // A root or a cast starts over; pointer arithmetic leaves any field,
    // unless it moves between the elements of the region's array.
    bool restart = source != pointee;
    bool leaves = gep->getNumIndices() > 0 && !isZero(gep->getOperand(1)) &&
                  !array_element;
    if (restart || leaves) {
      region = {};
      array_element = false;
      flexible = false;
    }
    Type *current = source;
    for (unsigned i = 2; i <= gep->getNumIndices(); ++i) {
      if (auto *st = dyn_cast<StructType>(current)) {
        unsigned field = unsigned(cast<ConstantInt>(gep->getOperand(i))->getZExtValue());
        current = st->getElementType(field);
        region = {current, gep, i};
        array_element = false;
        auto *array = dyn_cast<ArrayType>(current);
        flexible = array && array->getNumElements() <= 1 &&
                   field + 1 == st->getNumElements();
      } else if (auto *array = dyn_cast<ArrayType>(current)) {
        region = {array, gep, i - 1};
        current = array->getElementType();
        array_element = true;
      } else {
        return {};  // a vector lane: nothing cgo has
      }
    }
    pointee = current;
  }
  // A flexible array member (`items[]`, or the older `items[1]`) runs to the
  // end of the object, which only the runtime knows: the whole object, unless
  // its elements hold no pointer (`char data[]`): then nothing there does.
  if (flexible && region.type && isa<ArrayType>(region.type) &&
      mayHoldPointers(region.type))
    return {};
  return region;
}

}  // namespace cgosan
