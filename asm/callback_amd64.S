// callback_amd64.S — the foreign -> managed crossing (cgosan_cgocallback),
// whole, in assembly, for its common case; x86-64 System V, Linux/ELF.
//
// rtl/cgocall.cpp tells what a callback does and keeps its general form in
// C++ (cgosan_cgocallback_general). The routine here is that form for the
// case a program runs most, the callback of a foreign function into the G
// that called it (Go's cgocallback into the G parked in cgocall): this
// thread has an M, the M holds a G, the G is parked in a cgocall (status
// kGSyscall), fn is not NULL, and nothing asked to hear of crossings
// (cgosan_crossing_is_plain: no callback_begin/_end hook, no ASan/TSan to
// tell of the switch). Everything else, before any register it must keep is
// touched, calls the C++ form: a thread with no M or no G (a thread foreign
// code made: an extra M and a fresh G), a G that runs (a callback from
// managed code) or that promised no callback (nocallback): both reported as
// bad-callback there, with their words.
//
// What it saves over the C++ form: the try frame (the switch stub's FDE
// names cgosan_crossing_personality, as the cgocall's stubs do, and its
// landing pad reports and ends an exception fn lets out: unwind-across-
// boundary, boundary "callback"); the call to record fn's entry frame
// (entry_frames.h: written here, into the thread's table); the call into
// the C++ guard and its frame; the spill of the foreign caller's registers
// for nobody (no collector scans the system stack: they are kept only
// because the routine uses them).
//
// Two routines make one crossing, as for a cgocall (crossing_amd64.S): the
// entry point, an ordinary frame on the system stack, which gdb names; and
// a switch stub, a signal frame, which moves onto the G's stack below the
// parked cgocall's frame and calls fn. Stack walks cross from fn's frames
// into the stub (CFA from %rbp, on the system stack) and on to the foreign
// caller.
//
// Entry point's frame, on the system stack (%rbp = this frame's base):
//     8(%rbp)   return address        -8(%rbp)  caller's %rbx
//     0(%rbp)   caller's %rbp        -16(%rbp)  caller's %r12
//   -24(%rbp)   caller's %r13        -32(%rbp)  caller's %r14
//   -40(%rbp)   caller's %r15        -48(%rbp)  entry depth before fn's
//   -56(%rbp)   fn                   -64(%rbp)  g->lent_floor before
// (-48 and -56 as switch_stub_amd64.h's landing pad reads them) then the
// stub's: its return address and the entry point's %rbp, where the stub's
// %rbp and m->g0_sp point.
// While fn runs: %rbx = m, %r12 = g, %r13 = g->saved_sp at entry (where
// the parked cgocall's frame ends; fn's frames go below it), %r14 =
// m->g0_sp at entry, %r15 = g->entry_sp at entry.

#include "callee_saved_amd64.h"
#include "crossing_layout.h"
#include "switch_stub_amd64.h"

#if defined(__x86_64__) && defined(__linux__)

        .text

// void cgosan_callback_switch(void *frame);  (fn, m and the G stack's top
// in registers; local to this file; switch_stub_amd64.h)
//   in:  %rax = fn, %rdi = frame, %rcx = where the G's stack is free from
//        (the parked cgocall's saved_sp), %rbx = m; the entry point's frame
//        is at %rbp.
// Publishes m->g0_sp (a cgocall fn makes runs its function below this
// frame), runs fn(frame) on the G stack, and returns on the system stack;
// an exception out of fn is reported and ended at its landing pad
// (cgosan_callback_caught: "escaped the managed callback").
SWITCH_STUB_BEGIN cgosan_callback_switch
        movq    %rsp, CGOSAN_M_G0_SP(%rbx)      // m->g0_sp = this frame: the system stack
                                                // is free below it for fn's cgocalls
SWITCH_STUB_CALL cgosan_callback_switch, cgosan_callback_caught  // fn(frame) on the G stack

// void cgosan_cgocallback(cgosan_fn fn, void *frame);
// %rdi = fn, %rsi = frame.
        .globl  cgosan_cgocallback
        .type   cgosan_cgocallback,@function
        .p2align 6                              // a cache line of its own: measured, see
                                                // switch_stub_amd64.h
cgosan_cgocallback:
        .cfi_startproc
        FRAME_BEGIN                             // %rbp = this frame; CFA = %rbp + 16
        .cfi_remember_state                     // the general branch's frame: %rbp saved only
        cmpb    $0, cgosan_crossing_is_plain(%rip)  // someone hears of crossings (or the
        je      .Lgeneral                       // runtime has not started: the byte is 0)
        testq   %rdi, %rdi                      // fn == NULL: the general form reports it
        jz      .Lgeneral
        movq    __cgosan_g_status@gottpoff(%rip), %rax  // %rax = TP offset of the pointer
        movq    %fs:(%rax), %rax                // %rax = &g->status of this thread's G
                                                // (or of no G, on a thread with no M or G)
        cmpl    $CGOSAN_G_SYSCALL, (%rax)       // not a G parked in a cgocall (no G:
        jne     .Lgeneral                       // needm; a running G: bad-callback)
        SPILL_CALLEE_SAVED                      // the caller's: this routine uses them
        leaq    -CGOSAN_G_STATUS(%rax), %r12    // %r12 = g, the parked G: the word's owner
        movq    CGOSAN_G_M(%r12), %rbx          // %rbx = m, the M holding it (this thread's)
        movq    cgosan_entry_depth@gottpoff(%rip), %rcx  // %rcx = TP offset of entry_depth
        pushq   %fs:(%rcx)                      // -48(%rbp): entry depth, put back after fn
        pushq   %rdi                            // -56(%rbp): fn, for the landing pad's report
        movl    CGOSAN_G_LENT_FLOOR(%r12), %eax // %eax = lent_floor of the call below
        pushq   %rax                            // -64(%rbp); 16-byte aligned for calls here
        movq    CGOSAN_G_SAVED_SP(%r12), %r13   // %r13 = the parked frame's end
        movq    CGOSAN_M_G0_SP(%rbx), %r14      // %r14 = where the outer switch left g0
        movq    CGOSAN_G_ENTRY_SP(%r12), %r15   // %r15 = entry_sp of the call below
        movq    %r13, CGOSAN_G_ENTRY_SP(%r12)   // g->entry_sp: the callback's frames begin there
        movl    CGOSAN_G_NLENT(%r12), %eax      // g->lent_floor = g->nlent: the records of
        movl    %eax, CGOSAN_G_LENT_FLOOR(%r12) // the call below stay below the floor
        // exitsyscall: the G runs from here. The status store must be visible
        // before world_stopped is read: with membarrier the collector's
        // barrier orders them, else a full fence here.
        movl    $CGOSAN_G_RUNNING, CGOSAN_G_STATUS(%r12)  // g->status = running
        cmpb    $0, cgosan_world_uses_membarrier(%rip)  // the collector's barrier orders?
        jne     1f
        mfence                                  // no membarrier(2): order store and load here
1:
        cmpl    $0, cgosan_world_stopped(%rip)  // a collection holds the world?
        jne     .Lwait_for_world
.Lworld_running:
        // fn's entry frame (EnterFrame, entry_frames.h): {the stub's %rbp, fn}
        // in entries[depth] if the table has room; the depth counts it anyway.
        movq    -48(%rbp), %rdx                 // %rdx = depth
        leaq    1(%rdx), %rax                   // %rax = depth + 1
        movq    cgosan_entry_depth@gottpoff(%rip), %rcx  // %rcx = TP offset of entry_depth
        movq    %rax, %fs:(%rcx)                // entry_depth = depth + 1
        cmpq    $CGOSAN_ENTRY_FRAMES_MAX, %rdx  // no room: counted, not recorded
        jae     2f
        shlq    $CGOSAN_ENTRY_FRAME_SHIFT, %rdx // %rdx = entries[depth]'s offset in the table
        addq    cgosan_entry_frames@gottpoff(%rip), %rdx  // %rdx = TP offset of entries[depth]
        leaq    -16(%rsp), %rcx                 // %rcx = the stub's %rbp: below its return
                                                // address and the %rbp it pushes
        movq    %rcx, %fs:CGOSAN_ENTRY_FRAME_FP(%rdx)  // entries[depth].fp
        movq    %rdi, %fs:CGOSAN_ENTRY_FRAME_FN(%rdx)  // entries[depth].fn
2:
        movq    %rdi, %rax                      // %rax = fn
        movq    %rsi, %rdi                      // %rdi = frame, fn's argument
        movq    %r13, %rcx                      // %rcx = the G stack's free top
        callq   cgosan_callback_switch          // fn(frame) on the G stack
        movq    -48(%rbp), %rax                 // %rax = the depth before fn's entry
        movq    cgosan_entry_depth@gottpoff(%rip), %rcx  // %rcx = TP offset of entry_depth
        movq    %rax, %fs:(%rcx)                // LeaveFrame: fn's entry ends
        movl    CGOSAN_G_NLENT(%r12), %eax      // retention: did fn's cgocalls leave lending
        cmpl    CGOSAN_G_LENT_FLOOR(%r12), %eax // records no call took? (nlent != lent_floor)
        jne     .Llent
.Lrecords_ended:
        movl    -64(%rbp), %eax                 // %eax = lent_floor of the call below
        movl    %eax, CGOSAN_G_LENT_FLOOR(%r12) // its records are the innermost again
        movq    %r15, CGOSAN_G_ENTRY_SP(%r12)   // g->entry_sp as it was
        movq    %r14, CGOSAN_M_G0_SP(%rbx)      // m->g0_sp as the outer switch left it
        movq    %r13, CGOSAN_G_SAVED_SP(%r12)   // g->saved_sp: the parked frame again (a
                                                // cgocall in fn published a lower one)
        // entersyscall: parked again. Stores stay in order on x86-64, so a
        // collector that sees the status sees saved_sp too.
        movl    $CGOSAN_G_SYSCALL, CGOSAN_G_STATUS(%r12)  // g->status = parked in its cgocall
        .cfi_remember_state                     // the frame's rules, for the branches below
        RESTORE_CALLEE_SAVED_AND_RETURN
        .cfi_restore_state                      // the branches below run in the frame
.Llent:
        movq    %r12, %rdi                      // the callback's records no call took:
        callq   cgosan_crossing_lent            // hooks.lending_call_returned(g)
        jmp     .Lrecords_ended
.Lwait_for_world:
        pushq   %rdi                            // fn and frame across the call (two words:
        pushq   %rsi                            // the alignment stays; the CFA is %rbp's)
        movq    %r12, %rdi                      // ExitSyscallSlow(g): waits, parked again,
        callq   cgosan_crossing_wait_for_world  // until the world runs
        popq    %rsi                            // %rsi = frame
        popq    %rdi                            // %rdi = fn
        jmp     .Lworld_running
        .cfi_restore_state                      // reached with only %rbp saved
.Lgeneral:
        callq   cgosan_cgocallback_general      // the C++ form, with the caller's arguments,
                                                // below this frame, which names the crossing
        popq    %rbp                            // the caller's frame pointer
        .cfi_def_cfa %rsp, 8
        .cfi_restore %rbp
        retq
        .cfi_endproc
        .size   cgosan_cgocallback, .-cgosan_cgocallback

#endif  // __x86_64__ && __linux__

        .section .note.GNU-stack,"",@progbits
