// gstack.h — G stacks as managed memory: where they live, and which G owns
// an address.
//
// Every G stack is a slot of one region reserved right after the heap's
// arena, so that one range test (InManagedRange) tells managed memory, heap or
// stack, from foreign memory: the pointer checks' fast path for a foreign
// pointer stays one compare. A slot is a guard page and stack_size bytes.
// Slots are handed out in order, and a slot whose G is dropped from the pool
// goes back (its pages to the OS) for the next G. The G of slot i is the
// i-th entry of a table that is never freed, so asking which G owns an
// address reads memory that is always there, and races with Gs being made,
// run and pooled on other threads only in what it answers (a G seen idle or
// not), never in what it reads.
#ifndef CGOSAN_RTL_GSTACK_H
#define CGOSAN_RTL_GSTACK_H

#include "heap/heap.h"

namespace __cgosan {

constexpr uptr kGStackRegionSize = 1ull << 36;  // 64 GiB after the arena
constexpr uptr kManagedRangeSize = kArenaSize + kGStackRegionSize;

// True when addr points into the arena or the G stacks' region: the first
// test of every pointer check.
ALWAYS_INLINE bool InManagedRange(uptr addr) {
  return addr - arena_start < kManagedRangeSize;
}

// Sets up the region at arena_start + kArenaSize (reserved by InitializeHeap
// with the arena) for stacks of flags()->stack_size bytes.
void InitializeGStacks();

// A G with a mapped stack in a free slot (status idle, id 0), or null when
// the region is full or the stack cannot be mapped. FreeG gives the stack's
// pages back and the slot to the next NewG.
G *NewG();
void FreeG(G *g);

// The live G (running, or parked in a cgocall) whose usable stack holds
// addr; null for any other address (the arena, foreign memory, a guard page,
// the stack of an idle G). As of the moment it looks.
G *GStackOwner(uptr addr);

// True when [addr, addr + n) lies inside one live G's usable stack.
bool InLiveGStack(uptr addr, uptr n);

// "G 3's stack, frame of FUNCTION" for addr in g's stack: the frame of the
// calling thread's G that holds addr, symbolized (unwound from here), or
// "G 3's stack, in a frame that has returned" below the live frames; just
// "G 3's stack" when g is another thread's or no frame holds addr.
void AppendGStackPlace(struct ReportDesc *r, const G *g, uptr addr);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_GSTACK_H
