// retention_buffer_calls.h — the shape of an interceptor that only holds
// the buffers its call hands the kernel (checkers/retention_libc.h), for
// the tables of retention_buffer_calls.cpp and retention_path_calls.cpp.
// A table is an X-macro, one line a call:
//   X(result, name, (parameters), (arguments), (buffers...))
// where each buffer is a LibcBuffers (Loaded, Stored, LoadedPath...) built
// from the parameters; building one reads nothing of the caller's.
#ifndef CGOSAN_INTERCEPTORS_PTHREAD_RETENTION_BUFFER_CALLS_H
#define CGOSAN_INTERCEPTORS_PTHREAD_RETENTION_BUFFER_CALLS_H

#include "race_pthread.h"
#include "retention_libc.h"

#define CGOSAN_UNPAREN(...) __VA_ARGS__

// The buffers held for the call, then the real function settled (resolved
// with the race interceptors': SyncTracked settles them on a first call
// made before the runtime's constructors). `held` lives to the call's end.
#define CGOSAN_HOLD_BUFFERS(buffers)                                           \
  LibcBufferHold held[] = {CGOSAN_UNPAREN buffers};                           \
  (void)held;                                                                  \
  if (UNLIKELY(!PassThrough()))                                                \
    SyncTracked()

// A table line's interceptor: the real call, with the caller's arguments.
#define CGOSAN_BUFFER_CALL_INTERCEPTOR(result, name, params, args, buffers)    \
  INTERCEPTOR(result, name, CGOSAN_UNPAREN params) {                           \
    CGOSAN_HOLD_BUFFERS(buffers);                                              \
    return REAL(name) args;                                                    \
  }

// A table line's installation.
#define CGOSAN_INTERCEPT_BUFFER_CALL(result, name, params, args, buffers)      \
  CGOSAN_INTERCEPT(name);

#endif  // CGOSAN_INTERCEPTORS_PTHREAD_RETENTION_BUFFER_CALLS_H
