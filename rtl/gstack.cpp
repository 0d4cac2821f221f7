// gstack.cpp — the G stacks' region (gstack.h): slots, their Gs, and which
// live G owns an address.
//
// Slot i covers [region + i * slot_size, region + (i + 1) * slot_size): its
// lowest page is the guard, the rest the stack. slot_gs[i] is its G, zero
// until the slot is first used, and never freed: GStackOwner computes the
// slot from the address and reads only that G's status, so it needs no lock
// and cannot touch freed memory. With the default 64 KiB stacks the region
// holds about a million slots; with the largest (1 GiB), 63. A NewG beyond
// that fails like a failed mmap (cgosan_run reports it).
#include "gstack.h"

#include "report.h"

namespace __cgosan {

static uptr region_start;  // arena_start + kArenaSize
static uptr slot_size;     // guard page + flags()->stack_size
static uptr num_slots;     // slots the region holds
static G *slot_gs;         // G of each slot (reserved; touched as used)

static StaticSpinMutex slots_mu;
static atomic_uintptr_t slots_used;  // slots handed out at least once
static G *freed_slots;               // Gs whose stack went back (next_free)

void InitializeGStacks() {
  region_start = arena_start + kArenaSize;
  slot_size = GetPageSizeCached() + flags()->stack_size;
  num_slots = kGStackRegionSize / slot_size;
  // Reserved with the arena, readable: no access until a slot is used.
  MmapFixedNoAccess(region_start, kGStackRegionSize, "cgosan G stacks");
  slot_gs = static_cast<G *>(
      ReserveAddressSpaceOrDie(num_slots * sizeof(G), "G table"));
}

static G *TakeSlot() {
  SpinMutexLock l(&slots_mu);
  if (G *g = freed_slots) {
    freed_slots = g->next_free;
    return g;
  }
  uptr used = atomic_load_relaxed(&slots_used);
  if (used == num_slots)
    return nullptr;
  G *g = &slot_gs[used];
  g->guard_lo = region_start + used * slot_size;
  g->stack_lo = g->guard_lo + GetPageSizeCached();
  g->stack_hi = g->guard_lo + slot_size;
  atomic_store(&slots_used, used + 1, memory_order_release);
  return g;
}

static void ReturnSlot(G *g) {
  SpinMutexLock l(&slots_mu);
  g->next_free = freed_slots;
  freed_slots = g;
}

G *NewG() {
  G *g = TakeSlot();
  if (!g)
    return nullptr;
  if (!MapGStack(g->guard_lo, slot_size)) {
    ReturnSlot(g);
    return nullptr;
  }
  g->id = 0;
  g->m = nullptr;
  g->next_free = nullptr;
  return g;
}

void FreeG(G *g) {
  DCHECK_EQ(atomic_load_relaxed(&g->status), kGIdle);
  UnmapGStack(g->guard_lo, slot_size);
  ReturnSlot(g);
}

G *GStackOwner(uptr addr) {
  uptr off = addr - region_start;
  if (off >= kGStackRegionSize)
    return nullptr;
  uptr slot = off / slot_size;
  if (slot >= atomic_load(&slots_used, memory_order_acquire) ||
      off - slot * slot_size < GetPageSizeCached())
    return nullptr;  // never used, or the guard page
  G *g = &slot_gs[slot];
  if (atomic_load(&g->status, memory_order_acquire) == kGIdle)
    return nullptr;
  return g;
}

bool InLiveGStack(uptr addr, uptr n) {
  G *g = GStackOwner(addr);
  return g && n <= g->stack_hi - addr;
}

void AppendGStackPlace(ReportDesc *r, const G *g, uptr addr) {
  AddNote(r, "G %llu's stack", (unsigned long long)g->id);
  if (g != CurrentG())
    return;
  StackFrameOf frame = FrameHolding(addr, g->stack_lo, g->stack_hi);
  if (frame.returned) {
    AddNote(r, ", in a frame that has returned");
  } else if (frame.return_pc) {
    AddNote(r, ", frame of ");
    AppendFunctionName(r, frame.return_pc);
  }
}

}  // namespace __cgosan
