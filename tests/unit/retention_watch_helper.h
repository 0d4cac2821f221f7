// retention_watch_helper.h — what the retention helper's two files share:
// retention_watch_helper.cpp (the library, the program, most modes) and
// retention_calls_helper.cpp (the modes of the calls that hold a path or a
// structure, stdio and aio).
#ifndef CGOSAN_TESTS_UNIT_RETENTION_WATCH_HELPER_H
#define CGOSAN_TESTS_UNIT_RETENTION_WATCH_HELPER_H

// What the library keeps from lib_keep's argument.
extern char *volatile kept;
// Managed code lends p to lib_keep, which keeps it: p is watched once it
// returns (its pages protected).
void Keep(char *p);
// Runs mode if it is one of retention_calls_helper.cpp's: true then.
bool RunCallsMode(const char *mode);

#endif  // CGOSAN_TESTS_UNIT_RETENTION_WATCH_HELPER_H
