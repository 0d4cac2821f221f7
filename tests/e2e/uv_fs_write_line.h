// uv_fs_write_line.h — what the uv_fs_write_* tests share: a line of 27
// bytes in a managed buffer nothing pins, and a pipe to write it into.
#ifndef CGOSAN_TESTS_E2E_UV_FS_WRITE_LINE_H
#define CGOSAN_TESTS_E2E_UV_FS_WRITE_LINE_H

#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static const cgosan_type kLineType = {"char[32]", 32, 0, NULL, 0};
static const char kLine[] = "written by the thread pool\n";
enum { kLineLen = sizeof kLine - 1 };

static char *new_line(void) {
  char *line = cgosan_new(&kLineType);
  memcpy(line, kLine, kLineLen);
  return line;
}

static int line_pipe[2];

// The pipe's write end (made on the first call).
static int line_pipe_write_end(void) {
  if (!line_pipe[1] && pipe(line_pipe))
    abort();
  return line_pipe[1];
}

#endif
