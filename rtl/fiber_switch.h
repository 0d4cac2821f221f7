// fiber_switch.h — telling the program's ASan or TSan about each stack switch.
//
// A program built with -fsanitize=address or -fsanitize=thread carries that
// sanitizer's runtime, which believes a thread runs on one stack. cgosan's
// crossings move a thread between its system stack (g0) and G stacks, so
// every switch goes through SwitchStacks, which, when such a runtime is
// linked, announces it the way that runtime asks for fibers:
//   ASan: __sanitizer_start_switch_fiber on the stack left (saving its fake
//         stack), __sanitizer_finish_switch_fiber on the stack entered
//         (restoring its own), so stack bounds, fake stacks (stack-use-after-
//         return) and the unpoisoning before a throw are those of the stack
//         that really runs;
//   TSan: one fiber per G life (__tsan_create_fiber when it starts,
//         __tsan_destroy_fiber when it ends), __tsan_switch_to_fiber before
//         each switch, synchronising: a crossing is program order.
// Which runtime is linked is resolved once, at start-up (weak references);
// with neither, SwitchStacks is the bare switch behind one load and branch.
// The protocol and each switch: docs/design-notes.md, issue 23 part 4.
#ifndef CGOSAN_RTL_FIBER_SWITCH_H
#define CGOSAN_RTL_FIBER_SWITCH_H

#include "rtl.h"

namespace __cgosan {

enum FiberSanitizer : u8 {
  kFiberSanitizerNone = 0,
  kFiberSanitizerAsan = 1,
  kFiberSanitizerTsan = 2,
};
extern FiberSanitizer fiber_sanitizer;  // set once by InitializeFiberSwitch
void InitializeFiberSwitch();

// The crossings, as the sanitizer sees them.
enum StackSwitch : u8 {
  kSwitchToNewG,        // g0 -> a G that starts here and ends when fn returns
  kSwitchToG,           // g0 -> a G parked in a cgocall (a callback)
  kSwitchToSystemStack  // G -> g0 (a cgocall, CallOnSystemStack)
};

void SwitchStacksAnnotated(M *m, G *g, StackSwitch kind, void *arg,
                           cgosan_fn fn, void *stack_top, void **saved_sp,
                           atomic_uint32_t *park, u32 park_value,
                           uptr entry_pc);

// cgosan_asm_call_on_stack(arg, fn, stack_top, saved_sp, park, park_value),
// switching between m's g0 and g as `kind` says, announced to the sanitizer.
// entry_pc (kSwitchToNewG only): where the program called the entry point
// that starts g, for TSan's "created by" stack of the G's fiber.
ALWAYS_INLINE void SwitchStacks(M *m, G *g, StackSwitch kind, void *arg,
                                cgosan_fn fn, void *stack_top, void **saved_sp,
                                atomic_uint32_t *park = nullptr,
                                u32 park_value = 0, uptr entry_pc = 0) {
  if (LIKELY(fiber_sanitizer == kFiberSanitizerNone))
    cgosan_asm_call_on_stack(arg, fn, stack_top, saved_sp, park, park_value);
  else
    SwitchStacksAnnotated(m, g, kind, arg, fn, stack_top, saved_sp, park,
                          park_value, entry_pc);
}

// ASan keeps the locals whose address is taken in fake frames off the stack
// when detect_stack_use_after_return is on. A G that parks without a switch
// (a safepoint, a collection) records its fake stack, and the collector
// scans the fake frames the words of a parked G's stack point into.
void NoteParkedFakeStack(G *g);
void ForEachFakeFrame(const G *g, uptr lo, uptr hi,
                      void (*fn)(uptr frame_lo, uptr frame_hi, void *arg),
                      void *arg);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_FIBER_SWITCH_H
