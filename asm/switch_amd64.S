// switch_amd64.S — the stack switch of cgosan, x86-64 System V, Linux/ELF.
//
// One routine does every crossing the C++ forms make (see rtl/cgocall.cpp
// for the narrative and the frame diagram; the common cases of the last
// two are assembly of their own, crossing_amd64.S and callback_amd64.S):
//   cgosan_run          g0 -> G   (start a goroutine on its own stack)
//   cgosan_cgocall      G  -> g0  (Go's asmcgocall)
//   cgosan_cgocallback  g0 -> G   (below the G's parked cgocall frame)
//
// The routine spills every callee-saved register onto the stack it leaves and
// publishes that stack pointer through *saved_sp. Everything the suspended side
// still references is therefore at or above *saved_sp: a conservative scan of
// [*saved_sp, stack top) sees it without stopping the thread.
//
// Unwinding: after the switch the CFA is computed from %rbp, which still points
// into the old stack, so any DWARF unwinder (libunwind, libgcc, gdb) walks from
// the new stack into the frames that made the switch. The FDE is marked as a
// signal frame (.cfi_signal_frame): gdb refuses a caller frame whose CFA is
// below its callee's ("previous frame inner to this frame") unless one of the
// two is a signal frame, and a switch to a G stack can go either way in memory.
// gdb therefore prints this frame as "<signal handler called>".

#include "callee_saved_amd64.h"

#if defined(__x86_64__) && defined(__linux__)

        .text

// void cgosan_asm_call_on_stack(void *arg, void (*fn)(void *),
//                               void *stack_top, void **saved_sp,
//                               uint32_t *park, uint32_t park_value);
//
// Runs fn(arg) with %rsp = stack_top (rounded down to 16 bytes) after storing
// the current stack pointer, below the spilled callee-saved registers, to
// *saved_sp. Then, when park is not NULL, stores park_value to *park: the
// cgocall's G status, which tells a collector it may scan the G's stack from
// *saved_sp. It is stored last, so a collector that sees it sees every spill
// and *saved_sp before it (x86-64 keeps stores in order: a release store).
// Returns on the original stack when fn returns. A NULL stack_top never
// switches: it tail-calls cgosan_bad_stack_switch(arg, fn, stack_top), which
// reports and dies.
        .globl  cgosan_asm_call_on_stack
        .hidden cgosan_asm_call_on_stack
        .type   cgosan_asm_call_on_stack,@function
        .p2align 4
cgosan_asm_call_on_stack:
        .cfi_startproc
        .cfi_signal_frame
        testq   %rdx, %rdx              // a NULL stack_top is an impossible state:
        jz      .Lbad_stack_top         // report it instead of jumping into nowhere
        FRAME_BEGIN                             // %rbp = this frame; CFA = %rbp + 16
        SPILL_CALLEE_SAVED
        subq    $8, %rsp                // keep 16-byte alignment: 7 slots pushed incl. return address
        movq    %rsp, (%rcx)            // *saved_sp = lowest live address of the old stack
        testq   %r8, %r8                // park given (a cgocall)?
        jz      1f
        movl    %r9d, (%r8)             // *park = park_value: the G is parked from here
1:
        movq    %rdx, %rsp              // switch: %rsp = stack_top
        andq    $-16, %rsp              // ABI: %rsp is 16-byte aligned at the call
        callq   *%rsi                   // fn(arg): %rdi still holds arg
        RESTORE_CALLEE_SAVED_AND_RETURN // back on the old stack; fn preserved them by the ABI
.Lbad_stack_top:
        jmp     cgosan_bad_stack_switch // noreturn C++ reporter; arguments untouched
        .cfi_endproc
        .size   cgosan_asm_call_on_stack, .-cgosan_asm_call_on_stack

#endif  // __x86_64__ && __linux__

        .section .note.GNU-stack,"",@progbits
