// fiber_switch.cpp — the fiber protocol of the program's ASan or TSan, at
// each of cgosan's stack switches (fiber_switch.h says why).
//
// One annotated switch, whatever the crossing: on the stack left, announce
// the switch; on the stack entered, finish it, run fn, announce the switch
// back; on the stack left again, finish that. ASan's pair must bracket the
// real switch (between them the thread has no fake stack, and its stack
// bounds are the ones being entered), TSan's call must come just before it.
// A G's fake stack and TSan fiber live as long as the G runs its fn: made
// when it starts (ASan lazily, at its first fake frame), ended when fn
// returns. The system stack's are the thread's own; their handles and
// bounds are learnt each time the thread leaves it, so an M bound to
// another thread later never uses a dead thread's.
//
// Cost with neither sanitizer: none here; SwitchStacks tests one byte.
// With one: two calls into it per switch each way, and for TSan a fiber
// made and destroyed per G (a ThreadState, like a thread's).
#include "fiber_switch.h"

#include "sanitizer_heap.h"

extern "C" {
// The sanitizers' interface (sanitizer/common_interface_defs.h,
// asan_interface.h, tsan_interface.h), declared weak: null when the program
// was built without them. Nothing in the runtime defines them.
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    __sanitizer::uptr size)
    __attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old,
                                     __sanitizer::uptr *size_old)
    __attribute__((weak));
void *__asan_get_current_fake_stack(void) __attribute__((weak));
void *__asan_addr_is_in_fake_stack(void *fake_stack, void *addr, void **beg,
                                   void **end) __attribute__((weak));
void *__tsan_get_current_fiber(void) __attribute__((weak));
void *__tsan_create_fiber(unsigned flags) __attribute__((weak));
void __tsan_destroy_fiber(void *fiber) __attribute__((weak));
void __tsan_switch_to_fiber(void *fiber, unsigned flags) __attribute__((weak));
void __tsan_set_fiber_name(void *fiber, const char *name) __attribute__((weak));
void __tsan_func_entry(void *call_pc) __attribute__((weak));
void __tsan_func_exit(void) __attribute__((weak));
}

namespace __cgosan {

FiberSanitizer fiber_sanitizer;

// TSan names a G's fiber this way in its reports ("Thread T3 'cgosan G 7'").
static constexpr char kTsanFiberName[] = "cgosan G %llu";
// 0: __tsan_switch_to_fiber synchronises the two sides (no
// __tsan_switch_to_fiber_no_sync): a crossing is a call, in program order.
static constexpr unsigned kTsanSwitchSynchronised = 0;

void InitializeFiberSwitch() {
  if (&__sanitizer_start_switch_fiber && &__sanitizer_finish_switch_fiber &&
      &__asan_get_current_fake_stack && &__asan_addr_is_in_fake_stack)
    fiber_sanitizer = kFiberSanitizerAsan;
  else if (&__tsan_get_current_fiber && &__tsan_create_fiber &&
           &__tsan_destroy_fiber && &__tsan_switch_to_fiber &&
           &__tsan_set_fiber_name && &__tsan_func_entry && &__tsan_func_exit)
    fiber_sanitizer = kFiberSanitizerTsan;
}

// On the stack about to be left for `entered`. A dying stack hands ASan no
// place to save its fake stack, which ASan then frees.
static void LeaveStack(FiberStack *left, const FiberStack *entered,
                       bool left_dies) {
  if (fiber_sanitizer == kFiberSanitizerAsan) {
    __sanitizer_start_switch_fiber(left_dies ? nullptr : &left->fake_stack,
                                   reinterpret_cast<void *>(entered->bottom),
                                   entered->size);
    if (left_dies)
      left->fake_stack = nullptr;
    return;
  }
  left->tsan_fiber = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(entered->tsan_fiber, kTsanSwitchSynchronised);
}

// On the stack just entered from `left`: its own fake stack back (null for a
// new G: ASan makes one when needed), and the bounds of the stack left.
static void EnterStack(const FiberStack *entered, FiberStack *left) {
  if (fiber_sanitizer != kFiberSanitizerAsan)
    return;
  const void *left_bottom = nullptr;
  uptr left_size = 0;
  __sanitizer_finish_switch_fiber(entered->fake_stack, &left_bottom,
                                  &left_size);
  left->bottom = reinterpret_cast<uptr>(left_bottom);
  left->size = left_size;
}

struct AnnotatedCall {
  FiberStack *left;
  FiberStack *entered;
  bool entered_dies;  // a new G: its stack ends when fn returns
  cgosan_fn fn;
  void *arg;
};

// Runs on the stack entered: the function the asm switch calls.
static void RunOnEnteredStack(void *annotated_call) {
  auto *call = static_cast<AnnotatedCall *>(annotated_call);
  EnterStack(call->entered, call->left);
  call->fn(call->arg);
  LeaveStack(call->entered, call->left, call->entered_dies);
}

// entry_pc: where the program called the entry point that starts g. TSan
// knows only its instrumented frames, so it is pushed as one for the
// fiber's creation stack ("created by thread T2 at:"), which then shows
// the program's call, not only the runtime's.
static void BeginGLife(G *g, uptr entry_pc) {
  g->fiber.fake_stack = nullptr;
  if (fiber_sanitizer != kFiberSanitizerTsan)
    return;
  // The stack may have been another thread's G's (a pooled G).
  TsanForgetAccesses(g->stack_lo, g->stack_hi - g->stack_lo);
  __tsan_func_entry(reinterpret_cast<void *>(entry_pc));
  g->fiber.tsan_fiber = __tsan_create_fiber(0);
  __tsan_func_exit();
  char name[32];
  internal_snprintf(name, sizeof(name), kTsanFiberName,
                    static_cast<unsigned long long>(g->id));
  __tsan_set_fiber_name(g->fiber.tsan_fiber, name);
}

static void EndGLife(G *g) {
  if (fiber_sanitizer != kFiberSanitizerTsan)
    return;
  __tsan_destroy_fiber(g->fiber.tsan_fiber);
  g->fiber.tsan_fiber = nullptr;
}

NOINLINE void SwitchStacksAnnotated(M *m, G *g, StackSwitch kind, void *arg,
                                    cgosan_fn fn, void *stack_top,
                                    void **saved_sp, atomic_uint32_t *park,
                                    u32 park_value, uptr entry_pc) {
  g->fiber.bottom = g->stack_lo;
  g->fiber.size = g->stack_hi - g->stack_lo;
  bool to_g = kind != kSwitchToSystemStack;
  AnnotatedCall call = {to_g ? &m->g0_fiber : &g->fiber,
                        to_g ? &g->fiber : &m->g0_fiber,
                        kind == kSwitchToNewG, fn, arg};
  if (kind == kSwitchToNewG)
    BeginGLife(g, entry_pc);
  LeaveStack(call.left, call.entered, /*left_dies=*/false);
  cgosan_asm_call_on_stack(&call, RunOnEnteredStack, stack_top, saved_sp,
                           park, park_value);
  EnterStack(call.left, call.entered);
  if (kind == kSwitchToNewG)
    EndGLife(g);
}

void NoteParkedFakeStack(G *g) {
  if (fiber_sanitizer == kFiberSanitizerAsan)
    g->fiber.fake_stack = __asan_get_current_fake_stack();
}

void ForEachFakeFrame(const G *g, uptr lo, uptr hi,
                      void (*fn)(uptr frame_lo, uptr frame_hi, void *arg),
                      void *arg) {
  void *fake_stack = g->fiber.fake_stack;
  if (fiber_sanitizer != kFiberSanitizerAsan || !fake_stack)
    return;
  for (uptr p = RoundUpTo(lo, sizeof(uptr)); p + sizeof(uptr) <= hi;
       p += sizeof(uptr)) {
    void *word = *reinterpret_cast<void *const *>(p);
    void *frame_lo = nullptr, *frame_hi = nullptr;
    if (__asan_addr_is_in_fake_stack(fake_stack, word, &frame_lo, &frame_hi))
      fn(reinterpret_cast<uptr>(frame_lo), reinterpret_cast<uptr>(frame_hi),
         arg);
  }
}

}  // namespace __cgosan
