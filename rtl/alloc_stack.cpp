// alloc_stack.cpp — where each managed object was allocated.
//
// Reports name the allocation site of every object they mention, so every
// allocation records one. A full unwind plus a stack-depot insertion per
// allocation would cost more than the allocation itself, so the walk follows
// frame pointers only (the runtime and, by convention, managed code keep
// them), stays inside the G's stack (it ends at the switch frame that started
// the G), and a small per-M cache maps the hash of the walked PCs to the depot
// id, so a hot allocation site pays the depot once.
#include "frame_walk.h"
#include "heap_internal.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

namespace __cgosan {

static constexpr uptr kMaxAllocFrames = 16;

// Rotate-xor over the frames (no multiply chain on the hot path), then one
// 64-bit finalising mix (MurmurHash3's).
static u64 HashPcs(const uptr *pcs, uptr n) {
  u64 h = n;
  for (uptr i = 0; i < n; i++) h ^= (pcs[i] << (i * 7 % 64)) | (pcs[i] >> ((64 - i * 7 % 64) % 64));
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h | 1;  // 0 marks an empty cache entry
}

u32 AllocStackId(uptr entry_frame, G *g, HeapCache *cache) {
  uptr pcs[kMaxAllocFrames];
  uptr n = 0;
  if (!g || !cache) {
    // No G: the stack bounds are unknown; keep the caller only.
    pcs[n++] = reinterpret_cast<uptr *>(entry_frame)[1];
    return StackDepotPut(StackTrace(pcs, n));
  }
  n = WalkGFrames(entry_frame, g, pcs, kMaxAllocFrames);
  u64 key = HashPcs(pcs, n);
  uptr slot = key % HeapCache::kStackCacheSize;
  if (cache->stack_keys[slot] == key)
    return cache->stack_ids[slot];
  u32 id = StackDepotPut(StackTrace(pcs, n));
  cache->stack_keys[slot] = key;
  cache->stack_ids[slot] = id;
  return id;
}

}  // namespace __cgosan
