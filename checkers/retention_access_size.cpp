// retention_access_size.cpp — how many bytes the instruction that touched a
// watched object accesses, for the retained-pointer report ("a 4-byte
// read"). The fault gives the address and, in its error code, read or
// write; the size is only in the instruction, so the common forms are
// decoded here: legacy and REX prefixes, then mov and its zero/sign-extending
// forms, the ALU, compare and test ops, cmov/xadd/cmpxchg, and the SSE/AVX
// moves, logic and compares libc's string functions use (16, 32 or, with
// AVX-512's EVEX, 64 bytes).
// Allowed on purpose: anything else is "size unknown" in the report, never a
// guess (string instructions, whose one fault covers a range; masked or
// broadcast AVX-512 forms; x87; the 0F38/0F3A maps). Cost: nothing until a report; then at most 15 bytes
// read at the faulting PC, which is code and therefore mapped.
#include "retention.h"

namespace __cgosan {
namespace {

// The mandatory-prefix forms of a 0F-map instruction.
constexpr u8 kNoPrefix = 0, kOpSize = 0x66, kRep = 0xf3, kRepNe = 0xf2;
// What a one-byte opcode's memory operand is: none known, a byte, or the
// operand size the prefixes give (2, 4 or 8).
constexpr u8 kUnknown = 0, kByteOperand = 1, kSizedOperand = 0xff;

u8 OneByteOpcodeOperand(u8 op) {
  if (op < 0x40 && (op & 7) < 4)  // add/or/adc/sbb/and/sub/xor/cmp r/m forms
    return op & 1 ? kSizedOperand : kByteOperand;
  switch (op) {
    case 0x63:  // movsxd r64, r/m32
      return 4;
    case 0x80: case 0x84: case 0x86: case 0x88: case 0x8a: case 0xc0:
    case 0xc6: case 0xd0: case 0xd2: case 0xf6: case 0xfe:
      return kByteOperand;
    case 0x69: case 0x6b: case 0x81: case 0x83: case 0x85: case 0x87:
    case 0x89: case 0x8b: case 0xc1: case 0xc7: case 0xd1: case 0xd3:
    case 0xf7:
      return kSizedOperand;
  }
  return kUnknown;
}

bool InRange(u8 op, u8 lo, u8 hi) { return op >= lo && op <= hi; }

// A 0F-map SIMD opcode with its mandatory prefix; `vector`: the register
// width (16 for SSE, 16 or 32 for VEX by its L bit); w: REX.W or VEX.W.
uptr SimdOperandSize(u8 op, u8 prefix, uptr vector, bool w) {
  bool packed = prefix == kNoPrefix || prefix == kOpSize;
  switch (op) {
    case 0x10: case 0x11: case 0x51: case 0x58: case 0x59: case 0x5c:
    case 0x5d: case 0x5e: case 0x5f:  // movups/movss/movsd, sqrt, arithmetic
      return packed ? vector : prefix == kRep ? 4 : 8;
    case 0x28: case 0x29: case 0x2b: case 0x54: case 0x55: case 0x56:
    case 0x57:  // movaps, movntps, and/andn/or/xor
      return packed ? vector : 0;
    case 0x2e: case 0x2f:  // (u)comiss, (u)comisd
      return prefix == kNoPrefix ? 4 : prefix == kOpSize ? 8 : 0;
    case 0x12: case 0x13: case 0x16: case 0x17:  // movlps/movhps/movlpd/movhpd
      return packed ? 8 : 0;
    case 0x6f: case 0x7f:  // movq mm, movdqa, movdqu
      return prefix == kNoPrefix ? 8 : prefix == kRepNe ? 0 : vector;
    case 0xe7:  // movntq, movntdq
      return prefix == kNoPrefix ? 8 : prefix == kOpSize ? vector : 0;
    case 0x6e:  // movd/movq into a register
      return packed ? (w ? 8 : 4) : 0;
    case 0x7e:  // movd/movq out of a register; F3: movq xmm, m64
      return prefix == kRep ? 8 : packed ? (w ? 8 : 4) : 0;
    case 0xd6:  // movq m64, xmm
      return prefix == kOpSize ? 8 : 0;
  }
  // Integer SIMD on whole registers: unpack/pack, pcmpeq, pmin/pmax,
  // padd/psub, pand/por/pxor.
  if (InRange(op, 0x60, 0x6b) || InRange(op, 0x74, 0x76) || InRange(op, 0xd8, 0xdf) ||
      InRange(op, 0xe8, 0xef) || InRange(op, 0xf8, 0xfe))
    return prefix == kNoPrefix ? 8 : prefix == kOpSize ? vector : 0;
  return 0;
}

}  // namespace

uptr DecodeAccessSize(const u8 *code) {
  constexpr uptr kMaxInstruction = 15;
  const u8 *p = code, *end = code + kMaxInstruction - 4;  // room for opcode bytes
  bool op_size = false;
  u8 rep = 0;
  for (;; p++) {
    if (p == end)
      return 0;
    u8 b = *p;
    if (b == kOpSize)
      op_size = true;
    else if (b == kRep || b == kRepNe)
      rep = b;
    else if (b != 0xf0 && b != 0x2e && b != 0x36 && b != 0x3e && b != 0x26 &&
             b != 0x64 && b != 0x65 && b != 0x67)
      break;  // not lock, a segment or the address size: the opcode (or REX)
  }
  bool w = false;
  if ((*p & 0xf0) == 0x40) {  // REX
    w = *p & 8;
    p++;
  }
  uptr operand = w ? 8 : op_size ? 2 : 4;
  static const u8 kVexPrefix[] = {kNoPrefix, kOpSize, kRep, kRepNe};
  if (*p == 0x62) {  // EVEX (AVX-512): 62, RXBR'0mmm, W vvvv 1 pp, z L'L b V' aaa
    u8 payload = p[3];
    uptr length = (payload >> 5) & 3;
    // Other maps, a broadcast (one element read) or a mask (fewer bytes
    // touched than the register holds): not decoded.
    if ((p[1] & 7) != 1 || (payload & 0x10) || (payload & 7) || length == 3)
      return 0;
    uptr vector = uptr{16} << length;
    if ((p[4] == 0x6f || p[4] == 0x7f) && (p[2] & 3) == 3)
      return vector;  // vmovdqu8, vmovdqu16: F2, which SSE does not have
    return SimdOperandSize(p[4], kVexPrefix[p[2] & 3], vector, p[2] & 0x80);
  }
  if (*p == 0xc4 || *p == 0xc5) {  // VEX, always in 64-bit mode
    u8 last = p[1];  // C5: R vvvv L pp
    bool vex_w = false;
    if (*p == 0xc4) {  // C4: RXB mmmmm, then W vvvv L pp
      if ((p[1] & 0x1f) != 1)
        return 0;  // the 0F38 and 0F3A maps are not decoded
      last = p[2];
      vex_w = last & 0x80;
      p++;
    }
    return SimdOperandSize(p[2], kVexPrefix[last & 3], last & 4 ? 32 : 16, vex_w);
  }
  if (*p == 0x0f) {
    u8 op = p[1];
    switch (op) {
      case 0xb0: case 0xb6: case 0xbe: case 0xc0:  // cmpxchg, movzx, movsx, xadd
        return 1;
      case 0xb7: case 0xbf:  // movzx, movsx from a word
        return 2;
      case 0xaf: case 0xb1: case 0xc1:  // imul, cmpxchg, xadd
        return operand;
    }
    if (InRange(op, 0x40, 0x4f))  // cmovcc
      return operand;
    return SimdOperandSize(op, rep ? rep : op_size ? kOpSize : kNoPrefix, 16, w);
  }
  if (*p == 0xff) {  // inc, dec; call, jmp, push take 8 bytes
    u8 reg = (p[1] >> 3) & 7;
    return reg < 2 ? operand : (reg == 2 || reg == 4 || reg == 6) ? 8 : 0;
  }
  if (*p == 0x8f)  // pop r/m64
    return 8;
  u8 kind = OneByteOpcodeOperand(*p);
  return kind == kSizedOperand ? operand : kind;
}

}  // namespace __cgosan
