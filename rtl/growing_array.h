// growing_array.h — appending to an array the runtime keeps (the roots, an
// M's local references, a pinner's pins), doubling it when full. Its memory
// comes from sanitizer_common's internal allocator, never malloc: the
// program's allocator may be what is being checked. The caller holds the
// lock that guards the array; readers see the new array before its length.
#ifndef CGOSAN_RTL_GROWING_ARRAY_H
#define CGOSAN_RTL_GROWING_ARRAY_H

#include "rtl.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

// Appends value to the *len items of *items (room for *cap), doubling the
// array, or making one of `initial` items, when it is full.
template <typename T, typename N>
void AppendGrowing(T **items, N *len, N *cap, N initial, const T &value) {
  if (*len == *cap) {
    N grown_cap = *cap ? *cap * 2 : initial;
    T *grown = static_cast<T *>(InternalAlloc(grown_cap * sizeof(T)));
    if (*len)
      internal_memcpy(grown, *items, *len * sizeof(T));
    InternalFree(*items);
    *items = grown;
    *cap = grown_cap;
  }
  (*items)[(*len)++] = value;
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_GROWING_ARRAY_H
