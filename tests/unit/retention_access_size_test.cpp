// retention_access_size_test.cpp — the x86-64 decoder behind "a 4-byte read"
// in retained-pointer reports (checkers/retention_access_size.cpp): each
// common load and store form gives its memory operand's size, and what it
// does not know gives 0 ("unknown size"), never a guess.
#include "test_util.h"

#include "report.h"

namespace __cgosan {
uptr DecodeAccessSize(const u8 *code);  // checkers/retention.h
}  // namespace __cgosan

namespace cgotest {
namespace {

struct Case {
  const char *what;
  std::vector<unsigned char> code;
  size_t size;
};

TEST(RetentionAccessSize, CommonFormsAndTheUnknown) {
  const Case kCases[] = {
      {"movzbl (%rax,%rcx),%eax", {0x0f, 0xb6, 0x04, 0x08}, 1},
      {"movsbl (%rax),%eax", {0x0f, 0xbe, 0x00}, 1},
      {"movzwl (%rax),%eax", {0x0f, 0xb7, 0x00}, 2},
      {"mov %al,(%rdi)", {0x88, 0x07}, 1},
      {"movb $0x77,0x5(%rax)", {0xc6, 0x40, 0x05, 0x77}, 1},
      {"mov (%rdi),%eax", {0x8b, 0x07}, 4},
      {"mov %ax,(%rdi)", {0x66, 0x89, 0x07}, 2},
      {"mov (%rdi),%rax", {0x48, 0x8b, 0x07}, 8},
      {"mov %r8,(%r9) (REX.WRB)", {0x4d, 0x89, 0x01}, 8},
      {"movl $1,(%rdi)", {0xc7, 0x07, 0x01, 0x00, 0x00, 0x00}, 4},
      {"cmpb $0,(%rdi)", {0x80, 0x3f, 0x00}, 1},
      {"add (%rdi),%eax", {0x03, 0x07}, 4},
      {"cmp %rax,(%rdi)", {0x48, 0x39, 0x07}, 8},
      {"test %al,(%rdi)", {0x84, 0x07}, 1},
      {"movslq (%rdi),%rax", {0x48, 0x63, 0x07}, 4},
      {"lock xadd %eax,(%rdi)", {0xf0, 0x0f, 0xc1, 0x07}, 4},
      {"incl %fs:(%rax)", {0x64, 0xff, 0x00}, 4},
      {"push (%rax)", {0xff, 0x30}, 8},
      {"movups (%rdi),%xmm0", {0x0f, 0x10, 0x07}, 16},
      {"movss (%rdi),%xmm0", {0xf3, 0x0f, 0x10, 0x07}, 4},
      {"movsd (%rdi),%xmm0", {0xf2, 0x0f, 0x10, 0x07}, 8},
      {"movdqu (%rsi),%xmm1", {0xf3, 0x0f, 0x6f, 0x0e}, 16},
      {"movdqa %xmm1,(%rdi)", {0x66, 0x0f, 0x7f, 0x0f}, 16},
      {"movq (%rdi),%xmm0", {0xf3, 0x0f, 0x7e, 0x07}, 8},
      {"movq %xmm0,(%rdi)", {0x66, 0x0f, 0xd6, 0x07}, 8},
      {"movd (%rdi),%xmm0", {0x66, 0x0f, 0x6e, 0x07}, 4},
      {"pcmpeqb (%rdi),%xmm0", {0x66, 0x0f, 0x74, 0x07}, 16},
      {"vmovdqu (%rsi),%ymm0 (VEX C5, L=1)", {0xc5, 0xfe, 0x6f, 0x06}, 32},
      {"vmovdqu %xmm0,(%rdi) (VEX C5, L=0)", {0xc5, 0xfa, 0x7f, 0x07}, 16},
      {"vpcmpeqb (%rdi),%ymm0,%ymm1 (VEX C4)", {0xc4, 0xe1, 0x7d, 0x74, 0x0f}, 32},
      {"vmovq (%rdi),%xmm0 (VEX C4, W=1)", {0xc4, 0xe1, 0xf9, 0x6e, 0x07}, 8},
      // Unknown: a range, or a form the decoder does not know.
      {"rep movsb", {0xf3, 0xa4}, 0},
      {"movsq", {0x48, 0xa5}, 0},
      {"vpbroadcastb (VEX 0F38 map)", {0xc4, 0xe2, 0x7d, 0x78, 0x07}, 0},
      {"vmovdqu64 (%rdi),%zmm0 (EVEX, L'L=2)", {0x62, 0xf1, 0xfe, 0x48, 0x6f, 0x07}, 64},
      {"vmovdqu64 %ymm16,(%rdi) (EVEX, L'L=1)", {0x62, 0xe1, 0xfe, 0x28, 0x7f, 0x07}, 32},
      {"vmovdqu8 %zmm0,(%rdi){%k1} (masked EVEX)", {0x62, 0xf1, 0x7f, 0x49, 0x7f, 0x07}, 0},
      {"vmovdqu8 %zmm0,(%rdi) (EVEX)", {0x62, 0xf1, 0x7f, 0x48, 0x7f, 0x07}, 64},
      {"fld (%rdi) (x87)", {0xd9, 0x07}, 0},
      {"only prefixes", {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                         0x66, 0x66, 0x66, 0x66, 0x66}, 0},
  };
  for (const Case &c : kCases) {
    std::vector<unsigned char> code = c.code;
    code.resize(16, 0x90);  // nops after it: the decoder may look ahead
    EXPECT_EQ(__cgosan::DecodeAccessSize(code.data()), c.size) << c.what;
  }
}

}  // namespace
}  // namespace cgotest
