// checks_fuzz.cpp — the pointer checks (cgosan_check_arg, _result, _store,
// _memmove, _memmove_typed) on any types, offsets and slot contents, over
// the live heap and a G's frame, with cgocheck=2 and halt_on_error=0.
//
// What the checks report is not judged here (the unit tests do that): a
// report is the expected answer to many inputs. What fails is a crash, a
// CHECK, UB, or a report that ends the process (fuzz_support.h). The ranges
// the runtime reads are as long as the call says (fuzz_heap.h); a typed
// pointer into the frame has its type's bytes there.
#include "fuzz_heap.h"

using namespace cgosan_fuzz;

static cgosan_pinner *pinner;

// A typed p in the frame stands for a value of t: all of t's bytes are
// there (the runtime reads t's pointer prefix at p).
static bool FitsInFrame(World *w, const void *p, const cgosan_type *t) {
  uintptr_t lo = reinterpret_cast<uintptr_t>(w->local);
  uintptr_t hi = lo + World::kWords * 8;
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  if (!t || a < lo || a >= hi + 8)
    return true;
  size_t bytes = t->size > t->ptrdata ? t->size : t->ptrdata;
  return a <= hi && bytes <= hi - a;
}

static void Step(World *w, Input &in) {
  switch (in.Byte() % 10) {
    case 0: w->MakeType(in); break;
    case 1: w->NewObject(in); break;
    case 2: w->Store(in); break;
    case 3: cgosan_pin(pinner, w->AnyPointer(in)); break;
    case 4: cgosan_unpin(pinner); break;
    case 5: {
      void *p = w->AnyPointer(in);
      const cgosan_type *t = w->AnyType(in);
      int argno = in.Byte();
      if (FitsInFrame(w, p, t))
        cgosan_check_arg(p, t, "callee", argno);
      break;
    }
    case 6: {
      void *p = w->AnyPointer(in);
      cgosan_check_result(p, w->AnyType(in), "callback");
      break;
    }
    case 7: {
      void *slot = w->AnyPointer(in);
      cgosan_check_store(static_cast<void **>(slot), w->AnyPointer(in));
      break;
    }
    case 8: {
      void *dst = w->AnyPointer(in);
      void *src;
      size_t n = in.Bytes(2) % 1100;
      if (w->Readable(in, n, &src))
        cgosan_check_memmove(dst, src, n);
      break;
    }
    default: {
      void *dst = w->AnyPointer(in);
      void *src;
      size_t n = in.Bytes(2) % 1100;
      const cgosan_type *t = w->AnyType(in);
      if (w->Readable(in, n, &src))
        cgosan_check_memmove_typed(dst, src, n, t);
      break;
    }
  }
}

static void End(World *w) { cgosan_unpin(pinner); }

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  InitializeHeapTarget(2);
  pinner = cgosan_pinner_new();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  RunProgram(data, size, Step, End);
  return 0;
}
