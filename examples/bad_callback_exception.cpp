// bad_callback_exception.cpp — a managed C++ callback throws through C frames.
//
// The managed code asks libfoo (C) to walk a list of stock counts and calls
// back for each one. The callback rejects a negative count the C++ way, by
// throwing, and the author expects the exception to fly back through
// foo_each into the try/catch around the call. But foo_each is C: its frames
// have no cleanups, and nothing tells libfoo its loop was abandoned (a lock
// it held would stay locked, memory it allocated would leak). In Go, a panic
// that would unwind through C frames is fatal for the same reason.
//
// The runtime stops the exception at the callback boundary and reports
// unwind-across-boundary, with the stack of the callback, libfoo's frames,
// and the managed frames that called libfoo. Exits with 66.
// The fix is in callback_exception_fixed.cpp.
#include <cstdio>
#include <stdexcept>

#include <cgosan/cgosan.hpp>

#include "libfoo/foo.h"

namespace {

struct Inventory {
  long total = 0;
};

struct ItemFrame {
  int count;
  Inventory *inventory;
};

// Managed: adds one stock count. BUG: throws into libfoo's C frames.
void add_count(void *frame) {
  auto *f = static_cast<ItemFrame *>(frame);
  if (f->count < 0)
    throw std::invalid_argument("negative stock count");
  f->inventory->total += f->count;
}

// Foreign: the C callback libfoo calls; re-enters managed code.
extern "C" void on_count(int count, void *ud) {
  ItemFrame frame{count, static_cast<Inventory *>(ud)};
  cgosan_cgocallback(add_count, &frame);
}

void managed_main() {
  static const int counts[] = {5, 7, -1, 3};
  Inventory inventory;
  try {
    cgosan::cgocall([&] { foo_each(counts, 4, on_count, &inventory); });
    std::printf("total stock: %ld\n", inventory.total);
  } catch (const std::exception &e) {
    // Never reached: the exception would have to unwind through foo_each.
    std::printf("bad inventory: %s\n", e.what());
  }
}

}  // namespace

int main() {
  cgosan::run([] { managed_main(); });
  return 0;
}
