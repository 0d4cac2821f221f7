/* retained_lib_thread.h — a library with an asynchronous completion
 * (retained_lib_thread.c, plain C): lib_fill_async hands a buffer to the
 * library's own thread and returns at once; the thread fills it once
 * lib_wait is called (so the order is the same on every run), and lib_wait
 * returns when it is done. lib_fill_async_handle is the same through an
 * opaque handle: the thread asks fill_cb to fill whatever the handle
 * names (through cgosan_cgocallback, in managed code). */
#ifndef CGOSAN_TESTS_E2E_RETAINED_LIB_THREAD_H
#define CGOSAN_TESTS_E2E_RETAINED_LIB_THREAD_H

#include <stddef.h>
#include <stdint.h>

void lib_fill_async(char *buf, size_t n);
void lib_fill_async_handle(uintptr_t handle, void (*fill_cb)(uintptr_t handle));
void lib_wait(void);

#endif
