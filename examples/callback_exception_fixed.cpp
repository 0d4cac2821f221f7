// callback_exception_fixed.cpp — the fix for bad_callback_exception.cpp.
//
// The callback catches its own exception before returning to libfoo (Go's
// "recover in the callback, return an error"), and keeps it in the frame the
// managed caller owns. After foo_each has returned normally, the managed code
// rethrows it on its own side of the boundary, where only managed frames are
// unwound. Runs without a report and exits 0.
#include <cstdio>
#include <exception>
#include <stdexcept>

#include <cgosan/cgosan.hpp>

#include "libfoo/foo.h"

namespace {

struct Inventory {
  long total = 0;
  std::exception_ptr error;  // the first exception a callback caught
};

struct ItemFrame {
  int count;
  Inventory *inventory;
};

void add_count(void *frame) {
  auto *f = static_cast<ItemFrame *>(frame);
  try {
    if (f->count < 0)
      throw std::invalid_argument("negative stock count");
    f->inventory->total += f->count;
  } catch (...) {
    // FIX: nothing escapes into libfoo; the error travels in the frame.
    if (!f->inventory->error)
      f->inventory->error = std::current_exception();
  }
}

extern "C" void on_count(int count, void *ud) {
  ItemFrame frame{count, static_cast<Inventory *>(ud)};
  cgosan_cgocallback(add_count, &frame);
}

void managed_main() {
  static const int counts[] = {5, 7, -1, 3};
  Inventory inventory;
  try {
    cgosan::cgocall([&] { foo_each(counts, 4, on_count, &inventory); });
    if (inventory.error)
      std::rethrow_exception(inventory.error);  // back in managed frames only
    std::printf("total stock: %ld\n", inventory.total);
  } catch (const std::exception &e) {
    std::printf("bad inventory: %s (caught in managed code, after foo_each "
                "returned)\n", e.what());
  }
}

}  // namespace

int main() {
  cgosan::run([] { managed_main(); });
  return 0;
}
