// api_fuzz.cpp — sequences of pinner, handle and root calls, valid and not:
// pinners freed twice or never made, pins of anything, handles deleted twice
// or never issued, roots added twice, removed unadded, at null or at an
// address that cannot be read; with collections in between.
//
// Misuse is reported as api-misuse, invalid-handle or pinner-leak, and with
// halt_on_error=0 the run goes on: that is the expected answer. What fails is
// a crash, a CHECK, UB, or a report that ends the process (fuzz_support.h).
// Everything the input left held is released at its end, so inputs do not
// pile up state; the runtime's own tables (handles' generations, freed
// pinners) carry over, as they would in a long-running program.
#include "fuzz_heap.h"

using namespace cgosan_fuzz;

static constexpr int kPinners = 4;
static constexpr int kHandles = 8;
static constexpr int kRoots = 8;

static cgosan_pinner *pinners[kPinners];
static bool pinner_live[kPinners];
static uintptr_t handles[kHandles];
static bool handle_live[kHandles];
static void *root_slots[kRoots];   // foreign memory used as roots
static int root_count[kRoots + World::kWords];  // adds minus removes, per slot

// A pinner: a live or freed one, null, or any other address.
static cgosan_pinner *AnyPinner(World *w, Input &in) {
  uint8_t c = in.Byte();
  if (c < 0xe0)
    return pinners[c % kPinners];
  return static_cast<cgosan_pinner *>(w->AnyPointer(in));
}

static uintptr_t AnyHandle(Input &in) {
  uint8_t c = in.Byte();
  if (c < 0xe0)
    return handles[c % kHandles];
  return c & 1 ? in.Bytes(8) : in.Bytes(1);
}

// A root slot: one of ours (in foreign memory or the frame), null, or an
// address no mapping holds (refused). Returns the index of ours, else -1:
// a root the input does not know of would outlive it.
static void **AnyRootSlot(World *w, Input &in, int *index) {
  uint8_t c = in.Byte();
  *index = -1;
  if (c < 0x80) {
    *index = c % kRoots;
    return &root_slots[*index];
  }
  if (c < 0xc0) {
    int word = c % World::kWords;
    *index = kRoots + word;
    return reinterpret_cast<void **>(&w->local[word]);
  }
  if (c < 0xe0)
    return reinterpret_cast<void **>(uintptr_t(in.Bytes(2)));  // page 0 to 15
  return c & 1 ? nullptr : reinterpret_cast<void **>(uintptr_t(1) << 47);
}

static void Step(World *w, Input &in) {
  switch (in.Byte() % 14) {
    case 0: w->MakeType(in); break;
    case 1: w->NewObject(in); break;
    case 2: w->Store(in); break;
    case 3: {
      int i = in.Byte() % kPinners;
      if (!pinner_live[i]) {
        pinners[i] = cgosan_pinner_new();
        pinner_live[i] = true;
      }
      break;
    }
    case 4: cgosan_pin(AnyPinner(w, in), w->AnyPointer(in)); break;
    case 5: cgosan_unpin(AnyPinner(w, in)); break;
    case 6: {
      uint8_t c = in.Byte();
      if (c < 0xe0) {
        cgosan_pinner_free(pinners[c % kPinners]);
        pinner_live[c % kPinners] = false;
      } else {
        cgosan_pinner_free(static_cast<cgosan_pinner *>(w->AnyPointer(in)));
      }
      break;
    }
    case 7: {
      int i = in.Byte() % kHandles;
      void *p = w->AnyPointer(in);
      if (!handle_live[i]) {
        handles[i] = cgosan_handle_new(p);
        handle_live[i] = true;
      }
      break;
    }
    case 8: {
      uintptr_t h = AnyHandle(in);
      void *value = cgosan_handle_value(h);
      (void)value;
      break;
    }
    case 9: {
      uintptr_t h = AnyHandle(in);
      cgosan_handle_delete(h);
      for (int i = 0; i < kHandles; i++)
        if (handles[i] == h) handle_live[i] = false;
      break;
    }
    case 10: {
      int index;
      void **slot = AnyRootSlot(w, in, &index);
      cgosan_add_root(slot);
      if (index >= 0)
        root_count[index]++;
      break;
    }
    case 11: {
      int index;
      void **slot = AnyRootSlot(w, in, &index);
      cgosan_remove_root(slot);
      if (index >= 0 && root_count[index] > 0)
        root_count[index]--;
      break;
    }
    case 12: {
      int i = in.Byte() % kRoots;
      root_slots[i] = w->AnyPointer(in);
      break;
    }
    default: cgosan_gc(); break;
  }
}

// Releases what the input holds: the frame's roots before the frame goes.
static void End(World *w) {
  for (int i = 0; i < kPinners; i++) {
    if (pinner_live[i]) {
      cgosan_unpin(pinners[i]);
      cgosan_pinner_free(pinners[i]);
      pinner_live[i] = false;
    }
  }
  for (int i = 0; i < kHandles; i++) {
    if (handle_live[i])
      cgosan_handle_delete(handles[i]);
    handle_live[i] = false;
  }
  for (int i = 0; i < kRoots + World::kWords; i++) {
    void **slot = i < kRoots ? &root_slots[i]
                             : reinterpret_cast<void **>(&w->local[i - kRoots]);
    for (; root_count[i] > 0; root_count[i]--) cgosan_remove_root(slot);
  }
  for (void *&slot : root_slots) slot = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  InitializeHeapTarget(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  RunProgram(data, size, Step, End);
  return 0;
}
