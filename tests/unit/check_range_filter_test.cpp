// check_range_filter_test.cpp — the slot walks' range compare of a whole
// ptrmask byte, eight words in four SSE2 compares (CheckedRangeBits8,
// heap_registry.h), decides which slots are judged at all: a word it drops
// is never looked at again. So: it agrees with InCheckedRange at the range's
// edges in every lane, a managed word of every kind (base, interior, last
// byte, end pointer) is found in every slot position (whole mask bytes and
// partial ones, a walk starting mid-byte, an unaligned value on a G stack,
// an object ending at its span's edge), by cgosan_check_arg and by
// cgosan_check_result; words outside the managed range (foreign pointers,
// integers, the range's neighbours) are never reported; and with a foreign
// heap registered every word goes on to the judgement.
#include <cgosan/heap.h>

#include <algorithm>
#include <vector>

#include "check_test_util.h"
#include "heap/heap_registry.h"
#include "heap/span_lookup.h"

namespace cgotest {
namespace {

using __cgosan::arena_start;
using __cgosan::CheckedRangeBits8;
using __cgosan::InCheckedRange;
using __cgosan::kManagedRangeSize;

constexpr uintptr_t kAllOnes = ~static_cast<uintptr_t>(0);

// Words around the managed range [arena_start, + kManagedRangeSize) and far
// from it; the first half are outside it, the second half inside.
std::vector<uintptr_t> OutsideTheRange() {
  uintptr_t s = arena_start, e = arena_start + kManagedRangeSize;
  return {0,     1,         42,         s - 1,          s - 8,
          e,     e + 8,     e + kManagedRangeSize - 1,  s - kManagedRangeSize,
          s | (uintptr_t{1} << 63), uintptr_t{1} << 63, kAllOnes,
          s + 3 * kManagedRangeSize};
}
std::vector<uintptr_t> InsideTheRange() {
  uintptr_t s = arena_start, e = arena_start + kManagedRangeSize;
  return {s, s + 1, s + __cgosan::kArenaSize - 1, s + __cgosan::kArenaSize,
          e - 8, e - 1};
}

uint32_t ScalarBits(const uintptr_t *w) {
  uint32_t bits = 0;
  for (int k = 0; k < 8; k++) bits |= static_cast<uint32_t>(InCheckedRange(w[k])) << k;
  return bits;
}

// Every edge value in every lane, the other lanes holding the other edges;
// from an aligned and from an unaligned address.
TEST(CheckRangeFilter, EightWordsAgreeWithTheRangeCompareAtItsEdges) {
  std::vector<uintptr_t> values = OutsideTheRange();
  for (uintptr_t v : InsideTheRange()) values.push_back(v);
  alignas(16) unsigned char buf[8 * sizeof(uintptr_t) + 8];
  for (size_t misalign : {size_t{0}, size_t{1}, size_t{4}}) {
    for (size_t first = 0; first < values.size(); first++) {
      uintptr_t words[8];
      for (int k = 0; k < 8; k++) words[k] = values[(first + k) % values.size()];
      memcpy(buf + misalign, words, sizeof(words));
      EXPECT_EQ(CheckedRangeBits8(reinterpret_cast<uintptr_t>(buf + misalign)),
                ScalarBits(words))
          << "first value " << first << ", misaligned by " << misalign;
    }
  }
}

// struct wide { void *p[19]; char rest[872]; }: 1 KiB, two whole mask bytes
// of pointer slots and a partial one.
constexpr int kSlots = 19;
const uint8_t kNineteenSlots[3] = {0xff, 0xff, 0x07};
const cgosan_type kWide = {"struct wide", 1024, 8 * kSlots, kNineteenSlots, 0};
// void *[16]: a call site's type laid inside a wide from its word 3.
const cgosan_type kSixteenPointers = {"void *[16]", 128, 128, kMaskAll, 0};
const cgosan_type kChar32 = {"char[32]", 32, 0, nullptr, 0};

// A managed word as foreign code would be handed it: into an unpinned object.
enum ManagedKind { kBase, kInterior, kLastByte, kEndPointer };
uintptr_t ManagedWord(ManagedKind kind) {
  uintptr_t base = Addr(cgosan_new(&kChar32));
  switch (kind) {
    case kBase: return base;
    case kInterior: return base + 17;
    case kLastByte: return base + 31;
    case kEndPointer: return base + 32;
  }
  return 0;
}

// Fills n words at p with foreign words: malloc'd pointers, integers, and
// the managed range's outside neighbours.
void FillForeign(void *p, int n, void *foreign) {
  std::vector<uintptr_t> outside = OutsideTheRange();
  outside.push_back(Addr(foreign));
  for (int i = 0; i < n; i++) {
    uintptr_t w = outside[i % outside.size()];
    memcpy(static_cast<char *>(p) + i * sizeof(w), &w, sizeof(w));
  }
}

template <typename F>
Reported Check(F &&f) {
  return ReportsOf(1, [&] { RunManaged(f); });
}

// One report, whose holder's slot is at byte offset `offset`.
void ExpectOneReportAt(const Reported &r, size_t offset, const std::string &what) {
  EXPECT_EQ(r.count, 1u) << what << "\n" << r.text;
  EXPECT_NE(r.text.find("field at offset " + std::to_string(offset) + "\n"),
            std::string::npos)
      << what << "\n" << r.text;
}

// What `check` reports of a new wide whose slots hold foreign words, but
// slot `bad`, which holds a managed word of `kind`.
template <typename F>
Reported CheckWide(int bad, ManagedKind kind, F &&check) {
  return Check([&] {
    void *foreign = malloc(16);
    auto **wide = static_cast<void **>(cgosan_new(&kWide));
    FillForeign(wide, kSlots, foreign);
    wide[bad] = reinterpret_cast<void *>(ManagedWord(kind));
    check(wide);
    free(foreign);
  });
}

const char *KindName(ManagedKind kind) {
  static const char *const kNames[] = {"base", "interior", "last byte", "end pointer"};
  return kNames[kind];
}

TEST(CheckRangeFilter, ArgumentFindsEveryKindOfManagedWordInEverySlot) {
  for (ManagedKind kind : {kBase, kInterior, kLastByte, kEndPointer}) {
    for (const cgosan_type *t : {static_cast<const cgosan_type *>(nullptr), &kWide}) {
      for (int bad = 0; bad < kSlots; bad++) {
        Reported r = CheckWide(bad, kind, [&](void **wide) {
          cgosan_check_arg(wide, t, "f", 0);
        });
        ExpectOneReportAt(r, 8 * bad,
                          std::string(KindName(kind)) + " in slot " +
                              std::to_string(bad) + (t ? " typed" : " untyped"));
      }
    }
  }
}

// A call site's type laid from word 3: the walk starts mid-byte (words 3-7
// one by one), then a whole byte (8-15), then a partial one (16-18).
TEST(CheckRangeFilter, WalkStartingMidByteFindsEverySlot) {
  for (int bad = 3; bad < kSlots; bad++) {
    Reported r = CheckWide(bad, kBase, [](void **wide) {
      cgosan_check_arg(&wide[3], &kSixteenPointers, "f", 0);
    });
    ExpectOneReportAt(r, 8 * bad, "slot " + std::to_string(bad));
  }
}

// A typed value on the G stack at an odd address: the whole bytes' loads
// are unaligned.
TEST(CheckRangeFilter, UnalignedStackValueFindsEverySlot) {
  for (int bad = 0; bad < kSlots; bad++) {
    Reported r = Check([&] {
      void *foreign = malloc(16);
      alignas(16) unsigned char frame[8 * kSlots + 1];
      unsigned char *value = frame + 1;
      FillForeign(value, kSlots, foreign);
      uintptr_t managed = ManagedWord(kBase);
      memcpy(value + 8 * bad, &managed, sizeof(managed));
      cgosan_check_arg(value, &kWide, "f", 0);
      free(foreign);
    });
    // The stack value is described at its own size, clamped to the stack.
    EXPECT_EQ(r.count, 1u) << "slot " << bad << "\n" << r.text;
    EXPECT_NE(r.text.find("field at offset " + std::to_string(8 * bad) + "\n"),
              std::string::npos)
        << "slot " << bad << "\n" << r.text;
  }
}

// A large object as close to its span's edge as an object comes: 5 pages
// less a word (its end pointer's byte is the span's last), its pointer
// slots the last whole mask byte (words 5104-5111) and the partial one
// after it (5112-5118). A managed word in each is found.
TEST(CheckRangeFilter, ObjectEndingAtItsSpansEdgeIsWalkedToItsLastWord) {
  constexpr size_t kSize = 5 * (8 << 10) - 8, kWords = kSize / 8;
  static uint8_t last_slots[(kWords + 7) / 8];
  last_slots[638] = 0xff;
  last_slots[639] = 0x7f;
  static const cgosan_type kTail = {"struct tail", kSize, kSize, last_slots, 0};
  for (size_t bad = 5104; bad < kWords; bad++) {
    Reported r = Check([&] {
      auto **tail = static_cast<void **>(cgosan_new(&kTail));
      ASSERT_EQ(__cgosan::SpanOf(Addr(tail) + kSize), __cgosan::SpanOf(Addr(tail)));
      ASSERT_NE(__cgosan::SpanOf(Addr(tail) + kSize + 8), __cgosan::SpanOf(Addr(tail)));
      void *foreign = malloc(16);
      FillForeign(tail + 5104, kWords - 5104, foreign);
      cgosan_check_arg(tail, nullptr, "quiet", 0);
      tail[bad] = reinterpret_cast<void *>(ManagedWord(kEndPointer));
      cgosan_check_arg(tail, nullptr, "f", 0);
      free(foreign);
    });
    ExpectOneReportAt(r, 8 * bad, "slot " + std::to_string(bad));
    EXPECT_EQ(r.text.find("quiet"), std::string::npos) << r.text;
  }
}

// Foreign words alone, whole bytes and partial: nothing is reported.
TEST(CheckRangeFilter, WordsOutsideTheManagedRangeAreNeverReported) {
  Reported r = Check([] {
    void *foreign = malloc(16);
    auto **wide = static_cast<void **>(cgosan_new(&kWide));
    for (int shift = 0; shift < kSlots; shift++) {
      FillForeign(wide, kSlots, foreign);
      std::rotate(wide, wide + shift, wide + kSlots);
      cgosan_check_arg(wide, nullptr, "f", 0);
      cgosan_check_arg(wide, &kWide, "f", 0);
      cgosan_check_arg(&wide[3], &kSixteenPointers, "f", 0);
    }
    free(foreign);
  });
  EXPECT_EQ(r.count, 0u) << r.text;
}

// A pinned result is walked whole, untyped or not: the same compares.
TEST(CheckRangeFilter, ResultFindsAManagedWordInEverySlot) {
  for (int bad = 0; bad < kSlots; bad++) {
    Reported r = Check([&] {
      void *foreign = malloc(16);
      auto **wide = static_cast<void **>(cgosan_new(&kWide));
      FillForeign(wide, kSlots, foreign);
      ScopedPinner pn;
      pn.Pin(wide);
      cgosan_check_result(wide, nullptr, "quiet_cb");
      wide[bad] = reinterpret_cast<void *>(ManagedWord(kInterior));
      cgosan_check_result(wide, nullptr, "cb");
      free(foreign);
    });
    ExpectOneReportAt(r, 8 * bad, "slot " + std::to_string(bad));
    EXPECT_EQ(FirstMessage(r.text),
              "result of cb points to pinned memory holding unpinned managed "
              "pointer");
  }
}

// ---- With a foreign heap registered (for good: in a death-test child) -------
// One object of four words that foreign code may not hold.
alignas(64) uintptr_t foreign_object[4];
int FakeFind(void *, const void *p, cgosan_heap_object *out) {
  if (Addr(p) - Addr(foreign_object) >= sizeof(foreign_object))
    return 0;
  out->base = foreign_object;
  out->size = sizeof(foreign_object);
  out->type = nullptr;
  out->may_be_held = 0;
  return 1;
}
int FakeScans(void *, const void *p) {
  return Addr(p) - Addr(foreign_object) < sizeof(foreign_object);
}
const cgosan_heap_ops kFakeOps = {"fake", FakeFind, FakeScans, nullptr, nullptr};

// Every word is in the checked range now (the compare lets ~0 through as
// well), a word into the foreign heap's object is found in every slot, and
// cgosan's own managed words still are; malloc'd words stay quiet. The
// child prints what it found wrong, then "done".
TEST(CheckRangeFilterDeath, WithAForeignHeapEveryWordIsJudged) {
  EXPECT_EXIT(
      {
        if (cgosan_heap_register(&kFakeOps, nullptr) <= 0)
          _exit(1);
        uintptr_t words[8];
        std::vector<uintptr_t> outside = OutsideTheRange();
        for (size_t first = 0; first < outside.size(); first++) {
          for (int k = 0; k < 8; k++) words[k] = outside[(first + k) % outside.size()];
          if (CheckedRangeBits8(Addr(words)) != 0xff)
            fprintf(stderr, "bits of %zu: %x\n", first, CheckedRangeBits8(Addr(words)));
        }
        for (int bad = 0; bad < kSlots; bad++) {
          for (bool own : {false, true}) {
            Reported r = Check([&] {
              void *foreign = malloc(16);
              auto **wide = static_cast<void **>(cgosan_new(&kWide));
              FillForeign(wide, kSlots, foreign);
              cgosan_check_arg(wide, nullptr, "quiet", 0);
              wide[bad] = own ? reinterpret_cast<void *>(ManagedWord(kBase))
                              : &foreign_object[2];
              cgosan_check_arg(wide, nullptr, "f", 0);
              free(foreign);
            });
            std::string field = "field at offset " + std::to_string(8 * bad) + "\n";
            std::string holds = own ? ", not pinned\n" : " of heap 'fake' (32 bytes), which foreign code may not hold\n";
            if (r.count != 1 || r.text.find(field) == std::string::npos ||
                r.text.find(holds) == std::string::npos)
              fprintf(stderr, "slot %d (%s): %zu reports\n%s", bad,
                      own ? "cgosan's" : "foreign heap's", r.count, r.text.c_str());
          }
        }
        fprintf(stderr, "done\n");
        _exit(0);
      },
      testing::ExitedWithCode(0), "^done\n$");
}

}  // namespace
}  // namespace cgotest
