// handle.cpp — handles (Go's cgo.Handle): an integer foreign code may keep
// in place of a pointer, and turn back into the value later.
//
// The rule: foreign code must not keep managed pointers (rule 2), so it keeps
// a handle: cgosan_handle_new(p) returns a non-zero uintptr_t, the value keeps
// p alive (handle values are collector roots) until cgosan_handle_delete, and
// cgosan_handle_value(h) gives p back. Unlike Go, every handle carries the
// generation of its slot, so each misuse is told apart and reported as
// invalid-handle: the zero handle, a handle never issued, a deleted handle
// (with the stack that deleted it), and a second delete.
//
// Allowed on purpose: any value, NULL and foreign pointers included (Go takes
// any value, nil too; the collector ignores values that are not managed).
// After a report that returns (halt_on_error=0), value gives NULL and a bad
// delete does nothing.
//
// Cost: cgosan_handle_value is lock-free: a chunk pointer, the slot's
// generation, its value and the generation again (a seqlock read, no stores).
// new and delete take one spin lock; delete also records its stack (a
// frame-pointer walk on a G, a libunwind walk elsewhere) for later reports.
#include "handle.h"

#include "fork.h"
#include "heap/gc.h"
#include "report.h"

namespace __cgosan {

static constexpr char kMsgZeroHandle[] =
    "%s called with handle 0, which is never issued (the zero value of a "
    "handle)";
static constexpr char kMsgNeverIssued[] =
    "%s called with handle 0x%zx, which was never issued";
static constexpr char kMsgValueOfDeleted[] =
    "cgosan_handle_value called with handle 0x%zx, which was deleted";
static constexpr char kMsgDoubleDelete[] =
    "cgosan_handle_delete called with handle 0x%zx, which was already "
    "deleted (double delete)";
static constexpr char kMsgTooManyHandles[] =
    "cgosan_handle_new: %zu handles are live, no slot is left";
static constexpr char kNoteSlot[] =
    "  handle 0x%zx is slot %zu, generation %u; the slot is at generation %u%s\n";
static constexpr char kNoteSlotNeverUsed[] =
    "  handle 0x%zx would be slot %zu, generation %u; %zu slots exist\n";
static constexpr char kNoteReused[] =
    "  its slot was reused since: handle 0x%zx is live now\n";
static constexpr char kNoteDeletionForgotten[] =
    "  the stack of its deletion is no longer kept (the slot was reused since)\n";
static constexpr char kTitleDeletedAt[] = "  deleted at:";

// ---- Slots -------------------------------------------------------------------
//
// A slot's generation is even while it is free (0: never used) and odd while
// it holds a live handle of that generation. Slots live in chunks of growing
// size (chunk c holds kChunk0 << c slots), mapped on demand and never
// unmapped, so a lock-free reader only ever reads mapped memory.
struct HandleSlot {
  atomic_uint32_t gen;
  u32 next_free;        // free FIFO link (slot index + 1; 0 ends), under mu
  atomic_uintptr_t value;
  u32 del_stack[2];     // depot ids of the last two deletions, under mu
  u32 del_gen[2];       // the generations they deleted
};

static constexpr uptr kLogChunk0 = 8;
static constexpr uptr kChunk0 = 1ull << kLogChunk0;
static constexpr uptr kNumChunks = 24;
// Every slot the chunks hold (an index past them would read past `chunks`);
// index + 1 fits 32 bits.
static constexpr uptr kMaxSlots = kChunk0 * ((1ull << kNumChunks) - 1);
static_assert(kMaxSlots < 0xffffffffull, "a slot's index + 1 must fit 32 bits");
// A deleted slot is not reused while fewer than this many slots are free, so
// a stale handle used soon after its deletion still finds the deleting stack.
static constexpr uptr kReuseDelay = 64;
// A live generation above this is not reissued: gen + 2 must stay odd and
// below 2^32 (the slot is retired instead).
static constexpr u32 kMaxReusableGen = 0xfffffffbu;

static atomic_uintptr_t chunks[kNumChunks];  // HandleSlot*, set once
static atomic_uintptr_t num_slots;           // slots ever handed out
static atomic_uintptr_t live_handles;
static StaticSpinMutex handle_mu;            // new, delete, reports
static u32 free_head, free_tail;             // FIFO of free slots (index + 1)
static uptr free_count;

static uptr ChunkSize(uptr c) { return kChunk0 << c; }

// The slot of index, or null when its chunk was never mapped. Lock-free.
ALWAYS_INLINE HandleSlot *SlotOf(uptr index) {
  if (UNLIKELY(index >= kMaxSlots))
    return nullptr;
  uptr x = index + kChunk0;
  uptr c = MostSignificantSetBitIndex(x) - kLogChunk0;
  HandleSlot *chunk = reinterpret_cast<HandleSlot *>(
      atomic_load(&chunks[c], memory_order_acquire));
  if (UNLIKELY(!chunk))
    return nullptr;
  return &chunk[x - (kChunk0 << c)];
}

// Under handle_mu: a free slot's index (reused or new); dies when none is left.
static uptr TakeSlot() {
  if (free_count > kReuseDelay) {
    uptr index = free_head - 1;
    HandleSlot *s = SlotOf(index);
    free_head = s->next_free;
    if (!free_head)
      free_tail = 0;
    s->next_free = 0;
    free_count--;
    return index;
  }
  uptr index = atomic_load(&num_slots, memory_order_relaxed);
  if (UNLIKELY(index >= kMaxSlots)) {
    ReportDesc r = {};
    r.kind = kApiMisuse;
    SetMessage(&r, kMsgTooManyHandles,
               (usize)atomic_load(&live_handles, memory_order_relaxed));
    CaptureStack(&r.stack);
    EmitFatalReport(r);
  }
  uptr x = index + kChunk0;
  uptr c = MostSignificantSetBitIndex(x) - kLogChunk0;
  if (!atomic_load(&chunks[c], memory_order_relaxed)) {
    void *mem = MmapOrDie(ChunkSize(c) * sizeof(HandleSlot), "cgosan handles");
    atomic_store(&chunks[c], reinterpret_cast<uptr>(mem), memory_order_release);
  }
  atomic_store(&num_slots, index + 1, memory_order_release);
  return index;
}

// Under handle_mu.
static void PutFreeSlot(uptr index, HandleSlot *s) {
  s->next_free = 0;
  if (free_tail)
    SlotOf(free_tail - 1)->next_free = static_cast<u32>(index + 1);
  else
    free_head = static_cast<u32>(index + 1);
  free_tail = static_cast<u32>(index + 1);
  free_count++;
}

static uptr MakeHandle(uptr index, u32 gen) {
  return (static_cast<uptr>(gen) << 32) | (index + 1);
}

// What is wrong with handle h (h is not live). Under handle_mu.
enum class Misuse { kZero, kNeverIssued, kDeleted };

static Misuse Classify(uptr h, HandleSlot **slot_out) {
  *slot_out = nullptr;
  if (h == 0)
    return Misuse::kZero;
  uptr index = HandleSlotIndex(h);
  u32 gen = HandleGeneration(h);
  if (index >= atomic_load(&num_slots, memory_order_relaxed))
    return Misuse::kNeverIssued;
  HandleSlot *s = SlotOf(index);
  *slot_out = s;
  u32 cur = atomic_load(&s->gen, memory_order_relaxed);
  // Every odd generation below the slot's was issued, then deleted.
  return (gen & 1) && gen < cur ? Misuse::kDeleted : Misuse::kNeverIssued;
}

// Reports the misuse of h by `fn` (value or delete). Under handle_mu.
static void ReportInvalidHandle(uptr h, const char *fn, bool is_delete) {
  ReportDesc r = {};
  r.kind = kInvalidHandle;
  HandleSlot *s;
  Misuse misuse = Classify(h, &s);
  uptr index = HandleSlotIndex(h);
  u32 gen = HandleGeneration(h);
  switch (misuse) {
    case Misuse::kZero:
      SetMessage(&r, kMsgZeroHandle, fn);
      break;
    case Misuse::kNeverIssued:
      SetMessage(&r, kMsgNeverIssued, fn, (usize)h);
      if (s)
        AddNote(&r, kNoteSlot, (usize)h, (usize)index, gen,
                atomic_load(&s->gen, memory_order_relaxed),
                (gen & 1) ? "" : " (live handles have odd generations)");
      else if (index < kMaxSlots)
        AddNote(&r, kNoteSlotNeverUsed, (usize)h, (usize)index, gen,
                (usize)atomic_load(&num_slots, memory_order_relaxed));
      break;
    case Misuse::kDeleted: {
      SetMessage(&r, is_delete ? kMsgDoubleDelete : kMsgValueOfDeleted, (usize)h);
      u32 cur = atomic_load(&s->gen, memory_order_relaxed);
      if (cur & 1)
        AddNote(&r, kNoteReused, (usize)MakeHandle(index, cur));
      uptr k = (gen >> 1) & 1;
      if (s->del_gen[k] == gen)
        AddExtraStack(&r, s->del_stack[k], kTitleDeletedAt);
      else
        AddNote(&r, kNoteDeletionForgotten);
      break;
    }
  }
  CaptureStack(&r.stack);
  EmitReport(r);
}

// Under handle_mu, so the collector sees the table at one moment: foreign
// code is not stopped, and a value it moves to a new handle before deleting
// the old one (cgosan_handle_new, then _delete) is in one or the other.
void ForEachHandleValue(void (*fn)(uptr value, void *arg), void *arg) {
  SpinMutexLock lock(&handle_mu);
  uptr n = atomic_load(&num_slots, memory_order_acquire);
  for (uptr i = 0; i < n; i++) {
    HandleSlot *s = SlotOf(i);
    if (!s)
      continue;
    if (!(atomic_load(&s->gen, memory_order_acquire) & 1))
      continue;
    uptr v = atomic_load(&s->value, memory_order_relaxed);
    if (v)
      fn(v, arg);
  }
}

uptr NumLiveHandles() {
  return atomic_load(&live_handles, memory_order_relaxed);
}

void LockHandlesForFork() { handle_mu.Lock(); }
void UnlockHandlesAfterFork(bool child) { ReleaseAfterFork(&handle_mu, child); }

}  // namespace __cgosan

using namespace __cgosan;

extern "C" {

SANITIZER_INTERFACE_ATTRIBUTE
uintptr_t cgosan_handle_new(void *p) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  SafepointIfRunning();
  SpinMutexLock lock(&handle_mu);
  uptr index = TakeSlot();
  HandleSlot *s = SlotOf(index);
  u32 gen = atomic_load(&s->gen, memory_order_relaxed) + 1;  // odd: live
  // A reader that sees this value must also see the deletion that freed the
  // slot (its generation check then fails): release fence before the store.
  atomic_thread_fence(memory_order_release);
  atomic_store(&s->value, reinterpret_cast<uptr>(p), memory_order_relaxed);
  atomic_store(&s->gen, gen, memory_order_release);
  atomic_store(&live_handles,
               atomic_load(&live_handles, memory_order_relaxed) + 1,
               memory_order_relaxed);
  return MakeHandle(index, gen);
}

SANITIZER_INTERFACE_ATTRIBUTE
void *cgosan_handle_value(uintptr_t h) {
  EnsureInitialized();
  u32 gen = HandleGeneration(h);
  HandleSlot *s = SlotOf(HandleSlotIndex(h));
  if (LIKELY(s && (gen & 1) &&
             atomic_load(&s->gen, memory_order_acquire) == gen)) {
    uptr v = atomic_load(&s->value, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (LIKELY(atomic_load(&s->gen, memory_order_relaxed) == gen))
      return reinterpret_cast<void *>(v);
  }
  ErrnoSaver errno_saver;
  SpinMutexLock lock(&handle_mu);
  ReportInvalidHandle(h, "cgosan_handle_value", /*is_delete=*/false);
  return nullptr;
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_handle_delete(uintptr_t h) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  SafepointIfRunning();
  u32 stack = CaptureStackIdFast();
  SpinMutexLock lock(&handle_mu);
  u32 gen = HandleGeneration(h);
  uptr index = HandleSlotIndex(h);
  HandleSlot *s = h ? SlotOf(index) : nullptr;
  if (UNLIKELY(!s || !(gen & 1) ||
               atomic_load(&s->gen, memory_order_relaxed) != gen)) {
    ReportInvalidHandle(h, "cgosan_handle_delete", /*is_delete=*/true);
    return;
  }
  atomic_store(&s->gen, gen + 1, memory_order_relaxed);  // even: free
  // Orders the generation before the value for lock-free readers.
  atomic_thread_fence(memory_order_release);
  atomic_store(&s->value, 0, memory_order_relaxed);
  uptr k = (gen >> 1) & 1;
  s->del_stack[k] = stack;
  s->del_gen[k] = gen;
  atomic_store(&live_handles,
               atomic_load(&live_handles, memory_order_relaxed) - 1,
               memory_order_relaxed);
  if (gen <= kMaxReusableGen)
    PutFreeSlot(index, s);
}

}  // extern "C"
