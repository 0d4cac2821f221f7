// fuzz_heap.h — the memory the heap targets (checks_fuzz, api_fuzz) play
// with, and the run of one input on a G over the live heap.
//
// An input is a little program (fuzz_support.h's Input). It runs as a G
// (cgosan_run), so checks see managed code calling, on a heap kept from one
// input to the next. Its objects are rooted while it runs and unrooted at
// its end; two collections from foreign code (no G stack to keep anything)
// then free them, so the types made for the input can be made afresh for
// the next. A type whose objects survived anyway is never rewritten: its
// world is kept and a new one used.
//
// Every address the program makes is one the contract lets a caller pass:
// memory the runtime reads (a checked range, a copy's source, a type's
// pointer map) is as long as the call says; whatever it only looks up (a
// pointer, a slot's value, a pinner, a handle) may be anything.
#ifndef CGOSAN_TESTS_FUZZ_FUZZ_HEAP_H
#define CGOSAN_TESTS_FUZZ_FUZZ_HEAP_H

#include <cgosan/cgosan.h>

#include "fuzz_support.h"

namespace cgosan_fuzz {

struct World {
  static constexpr int kTypes = 4;
  static constexpr int kObjects = 8;
  static constexpr int kWords = 32;
  static constexpr size_t kMaxTypeSize = 1024;
  static constexpr size_t kMaskBytes = (kMaxTypeSize + 64) / 64 + 1;

  cgosan_type types[kTypes];
  uint8_t masks[kTypes][kMaskBytes];
  void *objects[kObjects];   // roots while the input runs
  size_t sizes[kObjects];    // bytes of each (0: none)
  uint64_t foreign[kWords];  // foreign memory
  uint64_t *local;           // kWords words in the running G's frame

  // A type with any size, pointer prefix, map and flags (malformed ones too:
  // the runtime refuses those as api-misuse).
  void MakeType(Input &in);
  void NewObject(Input &in);
  // A word stored into an object, the frame or foreign memory, as managed
  // code stores it.
  void Store(Input &in);
  // Any address: into an object (past its end too), the frame, foreign
  // memory, a small integer, any 64-bit value, null.
  void *AnyPointer(Input &in);
  const cgosan_type *AnyType(Input &in);  // one of types[], or null
  // A range of n bytes the runtime may read: in an object, the frame or
  // foreign memory; false when the input names none that long.
  bool Readable(Input &in, size_t n, void **p);
};

// Once, from LLVMFuzzerInitialize: fuzz_support's Initialize, then reports
// that let the run go on (halt_on_error=0) and leave the exit status alone
// (exitcode=0: they are expected), with the given cgocheck level.
void InitializeHeapTarget(int cgocheck);

// Runs step(world, in) for each instruction of the input on a G, with the
// world's objects rooted and kWords of the G's frame as world->local;
// end(world) runs last, still on the G, to release what step took.
void RunProgram(const uint8_t *data, size_t size,
                void (*step)(World *world, Input &in),
                void (*end)(World *world));

}  // namespace cgosan_fuzz

#endif  // CGOSAN_TESTS_FUZZ_FUZZ_HEAP_H
