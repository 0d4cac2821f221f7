// fuzz_heap.cpp — see fuzz_heap.h.
#include "fuzz_heap.h"

#include <string.h>

#include "rtl.h"
#include "sanitizer_common/sanitizer_flags.h"

namespace cgosan_fuzz {

static constexpr int kMaxSteps = 256;
static const char *const kTypeNames[World::kTypes] = {"T0", "T1", "T2", "T3"};

// Types already given to an object in this input: never rewritten in it.
static bool type_used[World::kTypes];

void World::MakeType(Input &in) {
  int slot = in.Byte() % kTypes;
  size_t size = in.Bytes(2) % (kMaxTypeSize + 1);
  uint8_t mode = in.Byte();
  size_t ptrdata;
  switch (mode & 3) {
    case 0: ptrdata = 0; break;
    case 1: ptrdata = size & ~size_t(7); break;
    default: ptrdata = in.Bytes(2) % (size + 64); break;  // maybe past size
  }
  if (type_used[slot])
    return;
  uint8_t *mask = masks[slot];
  for (size_t i = 0; i < kMaskBytes; i++) mask[i] = in.Byte();
  types[slot] = cgosan_type{(mode & 16) ? nullptr : kTypeNames[slot], size,
                            ptrdata, (mode & 4) ? nullptr : mask,
                            (mode & 8) ? CGOSAN_TYPE_REFERENCE : 0u};
}

void World::NewObject(Input &in) {
  int i = in.Byte() % kObjects;
  int slot = in.Byte() % kTypes;
  uint8_t k = in.Byte();
  const cgosan_type &t = types[slot];
  type_used[slot] = true;
  size_t n = (k & 0x80) ? 1 : k & 7;
  objects[i] = (k & 0x80) ? cgosan_new(&t) : cgosan_new_array(&t, n);
  sizes[i] = objects[i] ? t.size * n : 0;  // null: refused (api-misuse)
}

static uint64_t *WordAt(uint64_t *words, Input &in, int n) {
  return words + in.Byte() % n;
}

void World::Store(Input &in) {
  uint64_t *slot = nullptr;
  switch (in.Byte() % 3) {
    case 0: {
      int i = in.Byte() % kObjects;
      if (sizes[i] >= 8)
        slot = WordAt(static_cast<uint64_t *>(objects[i]), in, int(sizes[i] / 8));
      break;
    }
    case 1: slot = WordAt(local, in, kWords); break;
    default: slot = WordAt(foreign, in, kWords); break;
  }
  uint64_t value = reinterpret_cast<uint64_t>(AnyPointer(in));
  if (slot)
    *slot = value;
}

void *World::AnyPointer(Input &in) {
  char *base;
  switch (in.Byte() % 7) {
    case 0: return nullptr;
    case 1: {
      int i = in.Byte() % kObjects;
      base = static_cast<char *>(objects[i]);
      return base ? base + in.Bytes(2) % (sizes[i] + 33) : nullptr;
    }
    case 2: return objects[in.Byte() % kObjects];
    case 3: return reinterpret_cast<char *>(local) + in.Byte() % (kWords * 8 + 8);
    case 4: return reinterpret_cast<char *>(foreign) + in.Byte() % (kWords * 8 + 8);
    case 5: return reinterpret_cast<void *>(uintptr_t(in.Byte()));
    default: return reinterpret_cast<void *>(uintptr_t(in.Bytes(8)));
  }
}

const cgosan_type *World::AnyType(Input &in) {
  int slot = in.Byte() % (kTypes + 1);
  return slot == kTypes ? nullptr : &types[slot];
}

bool World::Readable(Input &in, size_t n, void **p) {
  char *base;
  size_t len;
  switch (in.Byte() % 3) {
    case 0: {
      int i = in.Byte() % kObjects;
      base = static_cast<char *>(objects[i]);
      len = sizes[i];
      break;
    }
    case 1: base = reinterpret_cast<char *>(local); len = kWords * 8; break;
    default: base = reinterpret_cast<char *>(foreign); len = kWords * 8; break;
  }
  uint16_t off = in.Bytes(2);
  if (!base || n > len)
    return false;
  *p = base + off % (len - n + 1);
  return true;
}

void InitializeHeapTarget(int cgocheck) {
  Initialize();
  __cgosan::cgosan_flags_dont_use.halt_on_error = false;
  __cgosan::cgosan_flags_dont_use.cgocheck = cgocheck;
  __sanitizer::CommonFlags cf;
  cf.CopyFrom(*__sanitizer::common_flags());
  cf.exitcode = 0;
  __sanitizer::OverrideCommonFlags(cf);
}

struct Program {
  World *world;
  Input *in;
  void (*step)(World *world, Input &in);
  void (*end)(World *world);
  void *made[kMaxSteps];  // every object the input made
  int nmade;
};

static void RunOnG(void *arg) {
  Program *prog = static_cast<Program *>(arg);
  World *w = prog->world;
  alignas(16) uint64_t local[World::kWords] = {};
  w->local = local;
  for (void *&object : w->objects) cgosan_add_root(&object);
  for (int steps = 0; !prog->in->empty() && steps < kMaxSteps; steps++) {
    void *before[World::kObjects];
    memcpy(before, w->objects, sizeof(before));
    prog->step(w, *prog->in);
    for (int i = 0; i < World::kObjects; i++)
      if (w->objects[i] != before[i] && w->sizes[i] && prog->nmade < kMaxSteps)
        prog->made[prog->nmade++] = w->objects[i];
  }
  prog->end(w);
  for (void *&object : w->objects) cgosan_remove_root(&object);
  memset(local, 0, sizeof(local));
  w->local = nullptr;
}

// Worlds whose types still have objects: kept, never rewritten.
static World *retired[64];
static int nretired;

void RunProgram(const uint8_t *data, size_t size,
                void (*step)(World *world, Input &in),
                void (*end)(World *world)) {
  static World *world;
  if (!world)
    world = new World();
  memset(static_cast<void *>(world), 0, sizeof(*world));
  memset(type_used, 0, sizeof(type_used));
  Input in(data, size);
  Program prog = {world, &in, step, end, {}, 0};
  cgosan_run(RunOnG, &prog);
  if (!prog.nmade)
    return;  // no object holds one of its types
  cgosan_gc();
  cgosan_gc();
  for (int i = 0; i < prog.nmade; i++) {
    if (cgosan_is_managed(prog.made[i]) && nretired < 64) {
      retired[nretired++] = world;
      world = new World();
      break;
    }
  }
}

}  // namespace cgosan_fuzz
