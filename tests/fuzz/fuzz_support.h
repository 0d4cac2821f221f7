// fuzz_support.h — what the fuzz targets share: telling the runtime's
// rejections of bad input apart from its crashes.
//
// Each target is sealed with its own copy of the runtime (seal.sh), so
// Die() here is cgosan's, never ASan's. Die() inside RunRejectable is the
// runtime refusing the input with its one-line message: RunRejectable
// returns false and the next input runs. Die() anywhere else, or after a
// CHECK failed, is a crash: the handler aborts, and libFuzzer keeps the input.
#ifndef CGOSAN_TESTS_FUZZ_FUZZ_SUPPORT_H
#define CGOSAN_TESTS_FUZZ_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

namespace cgosan_fuzz {

// Once, from LLVMFuzzerInitialize: installs the Die() and CHECK handlers,
// and sends the runtime's output to /dev/null (reports on bad input are
// expected, by the thousand) unless CGOSAN_FUZZ_VERBOSE=1.
void Initialize();

// Runs fn(arg); false when the runtime rejected the input with Die(). The
// flag parser's never-freed arena (sanitizer_common's low-level allocator)
// is rewound after each call, so millions of inputs take bounded memory.
// A rejection must say why in one line (the contract for bad input): more
// lines, or none, is a finding, and aborts.
bool RunRejectable(void (*fn)(void *arg), void *arg);

// Reads the input as a little program: bytes and words, zero once used up.
class Input {
 public:
  Input(const uint8_t *data, size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ == end_; }
  uint8_t Byte() { return p_ < end_ ? *p_++ : 0; }
  uint64_t Bytes(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= uint64_t(Byte()) << (8 * i);
    return v;
  }

 private:
  const uint8_t *p_;
  const uint8_t *end_;
};

}  // namespace cgosan_fuzz

#endif  // CGOSAN_TESTS_FUZZ_FUZZ_SUPPORT_H
