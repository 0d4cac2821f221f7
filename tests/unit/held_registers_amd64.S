// held_registers_amd64.S — test support (x86-64 SysV): a cgocall whose caller
// keeps managed pointers only in callee-saved registers, as compiled managed
// code may. C++ cannot promise that a value lives in a register and nowhere
// else; this routine can.
        .text

// void cgotest_cgocall_holding(uintptr_t held[5], uintptr_t mask,
//                              cgosan_fn fn, void *frame);
//
// Loads held[i] ^ mask into %rbx, %r12, %r13, %r14, %r15, runs
// cgosan_cgocall(fn, frame), and stores each register ^ mask back to
// held[i]. Memory holds only the masked values, so while the cgocall runs a
// collector finds the unmasked ones only where the runtime spilled the
// registers (the caller's own values of them are pushed here first).
        .globl  cgotest_cgocall_holding
        .type   cgotest_cgocall_holding,@function
cgotest_cgocall_holding:
        .cfi_startproc
        pushq   %rbx                    // the caller's callee-saved registers ...
        .cfi_adjust_cfa_offset 8
        .cfi_offset %rbx, -16
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r12, -24
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r13, -32
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r14, -40
        pushq   %r15                    // ... are restored on the way out
        .cfi_adjust_cfa_offset 8
        .cfi_offset %r15, -48
        pushq   %rdi                    // held: needed after the call
        .cfi_adjust_cfa_offset 8
        pushq   %rsi                    // mask: also 16-byte alignment at the call
        .cfi_adjust_cfa_offset 8
        movq    0(%rdi), %rbx           // %rbx = held[0] ^ mask
        xorq    %rsi, %rbx
        movq    8(%rdi), %r12           // %r12 = held[1] ^ mask
        xorq    %rsi, %r12
        movq    16(%rdi), %r13          // %r13 = held[2] ^ mask
        xorq    %rsi, %r13
        movq    24(%rdi), %r14          // %r14 = held[3] ^ mask
        xorq    %rsi, %r14
        movq    32(%rdi), %r15          // %r15 = held[4] ^ mask
        xorq    %rsi, %r15
        movq    %rdx, %rdi              // arg 1: fn
        movq    %rcx, %rsi              // arg 2: frame
        callq   cgosan_cgocall@PLT      // cgosan_cgocall(fn, frame)
        movq    0(%rsp), %rsi           // %rsi = mask
        movq    8(%rsp), %rdi           // %rdi = held
        xorq    %rsi, %rbx              // held[0] = %rbx ^ mask
        movq    %rbx, 0(%rdi)
        xorq    %rsi, %r12              // held[1] = %r12 ^ mask
        movq    %r12, 8(%rdi)
        xorq    %rsi, %r13              // held[2] = %r13 ^ mask
        movq    %r13, 16(%rdi)
        xorq    %rsi, %r14              // held[3] = %r14 ^ mask
        movq    %r14, 24(%rdi)
        xorq    %rsi, %r15              // held[4] = %r15 ^ mask
        movq    %r15, 32(%rdi)
        addq    $16, %rsp               // drop the saved mask and held
        .cfi_adjust_cfa_offset -16
        popq    %r15                    // the caller's registers back
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r15
        popq    %r14
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r14
        popq    %r13
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        popq    %r12
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r12
        popq    %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        retq
        .cfi_endproc
        .size   cgotest_cgocall_holding, .-cgotest_cgocall_holding

        .section .note.GNU-stack,"",@progbits
