// switch_stub_amd64.h — the switch stub every assembly crossing calls
// (crossing_amd64.S, callback_amd64.S): assembler macros, included by the C
// preprocessor after callee_saved_amd64.h.
//
// A stub is one routine of its own, called by the crossing's entry point: it
// moves to the other stack and calls fn there. Its FDE is a signal frame
// (gdb accepts its caller on another stack) whose CFA is computed from %rbp,
// which stays on the stack the switch left, so walks cross it; it names
// cgosan_crossing_personality (boundary_guard.cpp) and a two-word LSDA: the
// return address of fn's call (the one place an exception can come from)
// and the landing pad, where the exception is reported and ended, after
// which the stub returns as if fn had. The entry point's frame must hold,
// from its %rbp, the entry depth at the call at -48 and fn at -56: the
// landing pad puts the depth back and names fn in the report.
//
//   SWITCH_STUB_BEGIN name
//           ... the stub's own stores (%rbp = its frame) ...
//   SWITCH_STUB_CALL name, caught
//
// in:  %rax = fn, %rdi = frame, %rcx = the top of the stack to run fn on.
// caught(_Unwind_Exception *exception, cgosan_fn fn) reports and ends.
//
// Alignment: each stub, and each crossing's entry point, starts a 64-byte
// line (.p2align 6). With 16 (where each landed depended on the link) the
// empty crossing measured 0.3-0.6 ns slower whenever an entry point and its
// stub did not start a line (docs/design-notes.md, "Fast crossings, fourth
// pass"); the padding costs a few dozen bytes of nops no one executes.

// Opens the stub `name`: its FDE and frame.
.macro SWITCH_STUB_BEGIN name
        .type   \name,@function
        .p2align 6                              // see "Alignment" above
\name:
        .cfi_startproc
        .cfi_signal_frame
        .cfi_personality 0x1b, cgosan_crossing_personality  // pcrel sdata4: no relocation at load
        .cfi_lsda 0x1b, .Llsda_\name
        FRAME_BEGIN                             // %rbp = this frame; CFA = %rbp + 16
.endm

// Switches to %rcx, calls fn(frame) and returns on the entry point's stack
// with every callee-saved register as fn left it (as the ABI keeps them);
// then the landing pad, the end of the FDE, and the LSDA.
.macro SWITCH_STUB_CALL name, caught
        movq    %rcx, %rsp                      // switch to the other stack
        andq    $-16, %rsp                      // ABI: 16-byte aligned at the call
        callq   *%rax                           // fn(frame): %rdi holds frame
.Lcall_returned_\name:
        leave                                   // back on the entry point's stack: %rsp =
        .cfi_def_cfa %rsp, 8                    // %rbp, pop %rbp; CFA = %rsp + 8 again
        .cfi_restore %rbp
        retq
        .cfi_def_cfa %rbp, 16                   // the landing pad runs in the frame
        .cfi_offset %rbp, -16
.Llanding_pad_\name:
        // An exception unwound out of fn (the personality sent it here): %rax
        // is its _Unwind_Exception, %rbp and the callee-saved registers are
        // as at the call, %rsp is on fn's stack just above fn's frame.
        movq    (%rbp), %rsi                    // %rsi = the entry point's frame
        movq    -48(%rsi), %rcx                 // entry depth at the call: the entries of
        movq    cgosan_entry_depth@gottpoff(%rip), %rdx  // frames the exception passed
        movq    %rcx, %fs:(%rdx)                // are dropped before the report unwinds
        movq    -56(%rsi), %rsi                 // %rsi = fn, for the report
        movq    %rax, %rdi                      // %rdi = the exception
        callq   \caught                         // report it and end it (unwind-across-boundary)
        leave                                   // back on the entry point's stack
        .cfi_def_cfa %rsp, 8
        .cfi_restore %rbp
        retq                                    // as fn would have returned
        .cfi_endproc
        .size   \name, .-\name

        // The language-specific data the personality reads, each word an
        // offset from itself.
        .section .rodata
        .p2align 2
.Llsda_\name:
        .long   .Lcall_returned_\name - .
        .long   .Llanding_pad_\name - .
        .text
.endm
