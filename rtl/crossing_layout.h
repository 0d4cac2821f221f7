/* crossing_layout.h — what the assembly crossings (asm/crossing_amd64.S,
 * asm/callback_amd64.S) know of the runtime's structures: byte offsets into M and G, and the
 * assembler names of the variables they read. Included by the .S file and by
 * cgocall.cpp, which checks every offset against the C++ definitions
 * (static_assert), so a field added to M or G fails the build here instead
 * of corrupting the crossing: move the numbers below when it does. Plain
 * #defines only, so that the assembler can read it too. */
#ifndef CGOSAN_RTL_CROSSING_LAYOUT_H
#define CGOSAN_RTL_CROSSING_LAYOUT_H

/* struct M (rtl.h) */
#define CGOSAN_M_G0_SP 16
#define CGOSAN_M_NCGOCALL 24
#define CGOSAN_M_FOREIGN_CALL 32
#define CGOSAN_M_NOCALLBACK_CALLEE 40
#define CGOSAN_M_NLOCALS 80
#define CGOSAN_M_ERRNO_LOCATION 160

/* struct G (rtl.h) */
#define CGOSAN_G_SAVED_SP 32
#define CGOSAN_G_ENTRY_SP 40
#define CGOSAN_G_STATUS 48
#define CGOSAN_G_M 56
#define CGOSAN_G_NLENT 112
#define CGOSAN_G_LENT_FLOOR 116

/* enum GStatus (rtl.h); the generated interposers compare with 1 too
 * (interceptors/gen/interposer_rt.h) */
#define CGOSAN_G_RUNNING 1
#define CGOSAN_G_SYSCALL 2
#define CGOSAN_G_NOCALLBACK 3

/* The thread's table of entry frames (entry_frames.cpp): how many entries
 * it holds, and one entry's size (1 << shift) and fields. */
#define CGOSAN_ENTRY_FRAMES_MAX 8
#define CGOSAN_ENTRY_FRAME_SHIFT 4
#define CGOSAN_ENTRY_FRAME_FP 0
#define CGOSAN_ENTRY_FRAME_FN 8

/* Where the exception that stops at a crossing leaves its _Unwind_Exception
 * for the landing pad: __builtin_eh_return_data_regno(0), %rax on x86-64
 * (checked in boundary_guard.cpp). */
#define CGOSAN_EH_DATA_REGNO 0

#endif  /* CGOSAN_RTL_CROSSING_LAYOUT_H */
