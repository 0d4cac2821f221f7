// crossing_amd64.S — the managed -> foreign crossing, whole, in assembly:
// cgosan_cgocall and cgosan_cgocall_nocallback, x86-64 System V, Linux/ELF.
//
// rtl/cgocall.cpp tells what a crossing does (steps 1-5 there) and keeps the
// general form of both entry points in C++ (cgosan_cgocall_general and
// cgosan_cgocall_nocallback_general). The routines here are that form for
// the common case, the way Go's asmcgocall is the form of cgocall it runs
// most: a G calls (the status word the thread-local __cgosan_g_status points
// at says kGRunning; the word is g->status, so g is found from it), fn is not
// NULL, and nothing asked to hear of the crossing (cgosan_crossing_is_plain:
// no checker hook at a cgocall, no gc_at_return, no ASan/TSan to tell of the
// switch). Anything else jumps to the C++ form before touching a register it
// must keep, so that form sees the call as its caller made it.
//
// What it saves over the C++ form: the registers are spilled once (by the
// switch, for the collector's scan, not again by a C++ frame around it);
// errno is reached through the M (m->errno_location) with no call; and no
// frame guards fn against C++ exceptions: this routine's own FDE names a
// personality routine (cgosan_crossing_personality, boundary_guard.cpp),
// which, only when an exception really unwinds into it, sends it to the
// landing pad below, where the exception is reported and stopped as the C++
// form's guard does (unwind-across-boundary). Forced unwinds (pthread_exit,
// pthread_cancel) pass, as they do there.
//
// Two routines make one crossing, so that debuggers name it: the entry
// point (an ordinary frame, on the G stack) does the bookkeeping and calls
// a switch stub, which moves to the system stack and calls fn. As in
// switch_amd64.S the stub's CFA is computed from %rbp, which stays in the G
// stack while fn runs, so stack walks (frame pointers, DWARF) cross from
// fn's frames into the stub and on through the entry point to the managed
// caller; the stub's FDE is a signal frame for gdb's sake (see there), and
// gdb shows it as "<signal handler called>" and the entry point by name. The
// stub, not the entry point, publishes g->saved_sp, below its own frame: a
// callback into the G builds its frames below saved_sp.
//
// Entry point's frame, on the G stack (%rbp = this frame's base):
//     8(%rbp)   return address        -8(%rbp)  caller's %rbx
//     0(%rbp)   caller's %rbp        -16(%rbp)  caller's %r12
//   -24(%rbp)   caller's %r13        -32(%rbp)  caller's %r14
//   -40(%rbp)   caller's %r15        -48(%rbp)  entry_depth at the call
//   -56(%rbp)   fn                   -64(%rbp)  (alignment)
// then the stub's: its return address, and the entry point's %rbp, where
// the stub's %rbp points and g->saved_sp too.
// While fn runs: %rbx = m, %r12 = g, %r13d = m->nlocals at the call (local
// references made in fn end at return), %r14 = the outer m->foreign_call
// (a callback inside fn may cgocall again), %r15 = m->errno_location; after
// fn returns %r15d holds its errno, the result.

#include "callee_saved_amd64.h"
#include "crossing_layout.h"
#include "switch_stub_amd64.h"

#if defined(__x86_64__) && defined(__linux__)

        .text

// SWITCH name, nocallback: the switch stub of one crossing
// (switch_stub_amd64.h).
//   in:  %rax = fn, %rdi = frame, %rcx = the system stack's top (not NULL),
//        %r12 = g; the entry point's frame is at %rbp.
// Publishes g->saved_sp (and for a cgocall, parks the G), runs fn(frame) on
// the system stack, and returns on the G stack; an exception out of fn is
// reported and ended at its landing pad (cgosan_crossing_caught).
.macro SWITCH name, nocallback
SWITCH_STUB_BEGIN \name
        movq    %rsp, CGOSAN_G_SAVED_SP(%r12)   // g->saved_sp: every spill and frame is above it
.if !\nocallback
        movl    $CGOSAN_G_SYSCALL, CGOSAN_G_STATUS(%r12)  // step 2, entersyscall: parked from
                                                // here; stores stay in order on x86-64, so a
                                                // collector that sees it sees saved_sp too
.endif
SWITCH_STUB_CALL \name, cgosan_crossing_caught // step 3: fn(frame) on the system stack
.endm

// CGOCALL name, general, switch, nocallback: one crossing's entry point.
// nocallback=1 leaves the G running for the collector, in status
// kGNoCallback (which it waits for); nocallback=0 parks it in kGSyscall (in
// the stub, once saved_sp is published), and on the way back does
// exitsyscall's handshake with a stopped world.
.macro CGOCALL name, general, switch, nocallback
        .globl  \name
        .type   \name,@function
        .p2align 6                              // a cache line of its own (switch_stub_amd64.h)
\name:
        .cfi_startproc
        FRAME_BEGIN                             // %rbp = this frame; CFA = %rbp + 16
        testq   %rdi, %rdi                      // fn == NULL: the general form reports it
        jz      .Lgeneral_\name
        movq    __cgosan_g_status@gottpoff(%rip), %rax  // %rax = TP offset of the pointer
        movq    %fs:(%rax), %rax                // %rax = &g->status of this thread's G
                                                // (or of no G: kGIdle)
        cmpl    $CGOSAN_G_RUNNING, (%rax)       // not on a running G: nothing to switch
        jne     .Lgeneral_\name
        cmpb    $0, cgosan_crossing_is_plain(%rip)  // someone hears of crossings
        je      .Lgeneral_\name
        SPILL_CALLEE_SAVED                      // for the collector's scan of the parked G
        leaq    -CGOSAN_G_STATUS(%rax), %r12    // %r12 = g, the running G: the word's owner
        movq    CGOSAN_G_M(%r12), %rbx          // %rbx = m, the M running it (this thread's)
        movq    cgosan_entry_depth@gottpoff(%rip), %rcx  // %rcx = TP offset of entry_depth
        pushq   %fs:(%rcx)                      // -48(%rbp): entry depth, for the landing pad
        pushq   %rdi                            // -56(%rbp): fn, for the landing pad's report
        subq    $8, %rsp                        // -64(%rbp): 16-byte alignment for calls here
        incq    CGOSAN_M_NCGOCALL(%rbx)         // step 1: m->ncgocall++ (only m's thread writes it)
        movl    CGOSAN_M_NLOCALS(%rbx), %r13d   // %r13d = local references mark
        movq    CGOSAN_M_FOREIGN_CALL(%rbx), %r14  // %r14 = outer foreign call
        movq    %rdi, CGOSAN_M_FOREIGN_CALL(%rbx)  // m->foreign_call = fn, for reports
        movq    CGOSAN_M_ERRNO_LOCATION(%rbx), %r15  // %r15 = &errno of this thread
        movl    $0, (%r15)                      // errno = 0: fn's errno is the result
.if \nocallback
        movq    %rdx, CGOSAN_M_NOCALLBACK_CALLEE(%rbx)  // m->nocallback_callee = callee
        movl    $CGOSAN_G_NOCALLBACK, CGOSAN_G_STATUS(%r12)  // not parked: the collector waits
.endif
        movq    CGOSAN_M_G0_SP(%rbx), %rcx      // %rcx = where g0's stack was left
        testq   %rcx, %rcx                      // NULL: an impossible state, reported
        jz      .Lbad_stack_top_\name
        movq    %rdi, %rax                      // %rax = fn
        movq    %rsi, %rdi                      // %rdi = frame, fn's argument
        callq   \switch                         // steps 2 and 3: fn(frame) on the system stack
        movq    %r14, CGOSAN_M_FOREIGN_CALL(%rbx)  // the outer call is innermost again
        movl    (%r15), %r15d                   // %r15d = errno fn left: the result
        movl    $CGOSAN_G_RUNNING, CGOSAN_G_STATUS(%r12)  // the G runs again
.if !\nocallback
        // step 4, exitsyscall: a collector that stopped the world must not see
        // the G run. The status store must be visible before world_stopped is
        // read: with membarrier the collector's barrier orders them, else a
        // full fence here.
        cmpb    $0, cgosan_world_uses_membarrier(%rip)
        jne     1f
        mfence                                  // no membarrier(2): order store and load here
1:
        cmpl    $0, cgosan_world_stopped(%rip)  // a collection holds the world?
        jne     .Lwait_for_world_\name
.Lworld_running_\name:
.endif
        movl    %r13d, CGOSAN_M_NLOCALS(%rbx)   // fn's local references end
        movl    CGOSAN_G_NLENT(%r12), %eax      // retention: did the call's checks lend
        cmpl    CGOSAN_G_LENT_FLOOR(%r12), %eax // anything? (nlent != lent_floor)
        jne     .Llent_\name
.Lreturn_\name:
        movl    %r15d, %eax                     // step 5: return fn's errno (errno holds it too)
        .cfi_remember_state                     // the frame's rules, for the branches below
        RESTORE_CALLEE_SAVED_AND_RETURN
        .cfi_restore_state                      // the branches below run in the frame
.Llent_\name:
        movq    %r12, %rdi                      // the call's checks lent objects:
        callq   cgosan_crossing_lent            // hooks.lending_call_returned(g)
        jmp     .Lreturn_\name
.if !\nocallback
.Lwait_for_world_\name:
        movq    %r12, %rdi                      // ExitSyscallSlow(g): waits, parked again,
        callq   cgosan_crossing_wait_for_world  // until the world runs
        jmp     .Lworld_running_\name
.endif
.Lbad_stack_top_\name:
        xchgq   %rdi, %rsi                      // cgosan_bad_stack_switch(frame, fn, NULL)
        xorl    %edx, %edx                      // %rdx = the NULL stack top
        callq   cgosan_bad_stack_switch         // reports and dies; never returns
.Lgeneral_\name:
        .cfi_restore %rbx                       // reached with only %rbp saved:
        .cfi_restore %r12                       // the other registers are the caller's
        .cfi_restore %r13
        .cfi_restore %r14
        .cfi_restore %r15
        callq   \general                        // the C++ form, with the caller's arguments,
                                                // below this frame, which names the crossing
        popq    %rbp                            // the caller's frame pointer
        .cfi_def_cfa %rsp, 8
        .cfi_restore %rbp
        retq                                    // with the C++ form's result in %eax
        .cfi_endproc
        .size   \name, .-\name
.endm

// The switch stubs (local to this file).
SWITCH cgosan_crossing_switch_parked, 0
SWITCH cgosan_crossing_switch_running, 1

// int cgosan_cgocall(cgosan_fn fn, void *frame);
// %rdi = fn, %rsi = frame; returns fn's errno in %eax.
CGOCALL cgosan_cgocall, cgosan_cgocall_general, cgosan_crossing_switch_parked, 0

// int cgosan_cgocall_nocallback(cgosan_fn fn, void *frame, const char *callee);
// %rdi = fn, %rsi = frame, %rdx = callee (a name for reports); returns fn's
// errno in %eax.
CGOCALL cgosan_cgocall_nocallback, cgosan_cgocall_nocallback_general, cgosan_crossing_switch_running, 1

#endif  // __x86_64__ && __linux__

        .section .note.GNU-stack,"",@progbits
