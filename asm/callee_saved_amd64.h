// callee_saved_amd64.h — the frame, and the spill and restore of the
// callee-saved registers, that every stack switch makes (switch_amd64.S,
// crossing_amd64.S, callback_amd64.S): assembler macros, included by the C
// preprocessor.
//
// The spill and restore run in a frame FRAME_BEGIN just set up (CFA =
// %rbp + 16). A scan of the stack left behind must see every
// value the suspended side still holds, registers included, so the switch
// spills them onto that stack, below the frame pointer.

// Opens a routine's frame: saves the caller's %rbp and points %rbp at it.
// The CFA is %rbp + 16 from here on, whatever %rsp does (a stack switch).
.macro FRAME_BEGIN
        pushq   %rbp                            // save the caller's frame pointer
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbp, 0
        movq    %rsp, %rbp                      // %rbp = this frame; CFA = %rbp + 16 from here on
        .cfi_def_cfa_register %rbp
.endm

// Pushes %rbx, %r12-%r15 (at -8 to -40 from %rbp), with their CFI.
.macro SPILL_CALLEE_SAVED
        pushq   %rbx                    // spill callee-saved registers so a scan of
        .cfi_offset %rbx, -24           // the parked stack sees every live value
        pushq   %r12
        .cfi_offset %r12, -32
        pushq   %r13
        .cfi_offset %r13, -40
        pushq   %r14
        .cfi_offset %r14, -48
        pushq   %r15
        .cfi_offset %r15, -56
.endm

// Pops them and the caller's %rbp from a %rsp anywhere below them, and
// returns: the CFA is %rsp + 8 again, every register the caller's.
.macro RESTORE_CALLEE_SAVED_AND_RETURN
        leaq    -40(%rbp), %rsp         // %rsp = the last spilled register
        popq    %r15                    // the callee-saved registers, as the caller
        .cfi_restore %r15               // left them
        popq    %r14
        .cfi_restore %r14
        popq    %r13
        .cfi_restore %r13
        popq    %r12
        .cfi_restore %r12
        popq    %rbx
        .cfi_restore %rbx
        popq    %rbp                    // restore the caller's frame pointer
        .cfi_def_cfa %rsp, 8            // CFA = %rsp + 8 again
        .cfi_restore %rbp
        retq
.endm
