// fork_linux.cpp — the atfork handlers of fork.cpp, registered once at
// start-up. pthread_atfork runs prepare handlers in the reverse order of
// registration and the others in order, so handlers the program registers
// later (in main) run before the runtime's locks are taken, and its child
// handlers run after the runtime is usable again.
#include <pthread.h>

#include "fork.h"

namespace __cgosan {

void InitializeFork() {
  CHECK_EQ(pthread_atfork(BeforeFork, AfterForkInParent, AfterForkInChild), 0);
}

}  // namespace __cgosan
