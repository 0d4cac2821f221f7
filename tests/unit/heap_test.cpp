// heap_test.cpp — the managed heap: typed, zeroed allocation, finding
// objects, and the collector (roots, precision, quarantine, parked Gs).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "test_util.h"

#include <cgosan/cgosan.hpp>

#include "heap/gc.h"
#include "heap/heap.h"
#include "heap/heap_internal.h"
#include "report.h"
#include "span_bytes.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

namespace cgotest {
namespace {

using __cgosan::FindObject;
using __cgosan::ObjectInfo;

const uint8_t kNoPointers[1] = {0};
const uint8_t kFirstWordPointer[1] = {0x1};
// struct node { struct node *next; uintptr_t value; };
const cgosan_type kNode = {"struct node", 16, 8, kFirstWordPointer, 0};
// The same layout, but the first word is declared an integer (not a pointer).
const cgosan_type kNodeNoPtr = {"struct intnode", 16, 0, kNoPointers, 0};
const cgosan_type kBytes40 = {"char[40]", 40, 0, nullptr, 0};
const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
const cgosan_type kEmpty = {"struct{}", 0, 0, nullptr, 0};

struct Node {
  Node *next;
  uintptr_t value;
};

// Hides a pointer from the conservative stack scan.
constexpr uintptr_t kHide = 0x5a5a5a5a5a5a5a5aull;
uintptr_t Hide(const void *p) { return reinterpret_cast<uintptr_t>(p) ^ kHide; }
void *Unhide(uintptr_t h) { return reinterpret_cast<void *>(h ^ kHide); }

template <typename F>
void RunAsG(F &&f) {
  ASSERT_EQ(cgosan::run(f), 0);
}

// Runs f as a G on a thread that then exits: nothing of f's stack or
// registers survives to be scanned conservatively.
template <typename F>
void RunAsGOnThread(F &&f) {
  std::thread([&] { RunAsG(f); }).join();
}

struct AllocCase {
  const char *name;
  const cgosan_type *type;
  size_t count;
  bool array;
};
void PrintTo(const AllocCase &c, std::ostream *os) { *os << c.name; }

class HeapAlloc : public testing::TestWithParam<AllocCase> {};

TEST_P(HeapAlloc, ZeroedTypedAndFindable) {
  const AllocCase &c = GetParam();
  RunAsG([&] {
    void *p = c.array ? cgosan_new_array(c.type, c.count) : cgosan_new(c.type);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
    size_t size = c.type->size * c.count;
    for (size_t i = 0; i < size; i++)
      ASSERT_EQ(static_cast<unsigned char *>(p)[i], 0) << "byte " << i;
    ObjectInfo info;
    ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(p), &info));
    EXPECT_EQ(info.base, reinterpret_cast<uintptr_t>(p));
    EXPECT_EQ(info.size, size);
    EXPECT_EQ(info.type, c.type);
    EXPECT_EQ(info.count, c.count);
    EXPECT_NE(info.alloc_stack, 0u);
    EXPECT_TRUE(cgosan_is_managed(p));
    if (size > 1) {  // an interior pointer finds the same object
      ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(p) + size - 1, &info));
      EXPECT_EQ(info.base, reinterpret_cast<uintptr_t>(p));
    }
    // One past the end is not in the object, but it is the object's end
    // pointer, in its slot: no other object's.
    EXPECT_FALSE(FindObject(reinterpret_cast<uintptr_t>(p) + size, &info));
    ASSERT_TRUE(__cgosan::FindReferent(reinterpret_cast<uintptr_t>(p) + size, &info));
    EXPECT_EQ(info.base, reinterpret_cast<uintptr_t>(p));
    memset(p, 0x11, size);  // dirty it: the next object must still be zeroed
  });
}

INSTANTIATE_TEST_SUITE_P(
    Heap, HeapAlloc,
    testing::Values(AllocCase{"node", &kNode, 1, false},
                    AllocCase{"bytes40", &kBytes40, 1, false},
                    AllocCase{"byte", &kByte, 1, false},
                    AllocCase{"array_of_100_nodes", &kNode, 100, true},
                    AllocCase{"array_of_3000_nodes_large", &kNode, 3000, true},
                    AllocCase{"array_of_1MiB", &kByte, 1 << 20, true}));

// Every zero-size allocation returns one address (Go's zerobase), on a G or
// off one: managed, always live, outside the arena (so no check looks at
// it), and never collected.
TEST(Heap, ZeroSizeAllocationsShareOneAddressOutsideTheArena) {
  void *off_g = cgosan_new(&kEmpty);
  RunAsG([&] {
    void *empty = cgosan_new(&kEmpty);
    EXPECT_EQ(empty, off_g);
    EXPECT_EQ(cgosan_new_array(&kNode, 0), empty);
    EXPECT_EQ(cgosan_new_array(&kEmpty, 5), empty);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(empty) % 16, 0u);
    EXPECT_FALSE(__cgosan::InArena(reinterpret_cast<uintptr_t>(empty)));
    EXPECT_TRUE(cgosan_is_managed(empty));
    // Pinning it does nothing (Go's Pin of zerobase), and is no misuse.
    size_t reports = __cgosan::ReportCount();
    cgosan_pinner *pinner = cgosan_pinner_new();
    cgosan_pin(pinner, empty);
    cgosan_pinner_free(pinner);  // no pinner-leak: it pinned nothing
    EXPECT_EQ(__cgosan::ReportCount(), reports);
  });
  cgosan_gc();
  cgosan_gc();
  EXPECT_TRUE(cgosan_is_managed(off_g));
}

// A slot has room for its object's end pointer (C's pointer one past the
// end), so that address is in the object's own slot (or span), never the
// base of the object allocated after it, at every size a class or a page
// count fills exactly; in that slot it refers to the object it ends.
TEST(Heap, AnEndPointerIsNeverTheNextObjectsBase) {
  const size_t kSizes[] = {1, 8, 16, 64, 112, 4096, 32767, 32768, 65536, 1 << 20};
  RunAsG([&] {
    for (size_t n : kSizes) {
      auto *a = static_cast<char *>(cgosan_new_array(&kByte, n));
      auto *b = static_cast<char *>(cgosan_new_array(&kByte, n));
      uintptr_t end = reinterpret_cast<uintptr_t>(a + n);
      EXPECT_NE(a + n, b) << "size " << n;
      ObjectInfo info;
      EXPECT_FALSE(FindObject(end, &info)) << "size " << n;
      ASSERT_TRUE(__cgosan::FindReferent(end, &info)) << "size " << n;
      EXPECT_EQ(info.base, reinterpret_cast<uintptr_t>(a)) << "size " << n;
      EXPECT_EQ(__cgosan::SpanOf(end), __cgosan::SpanOf(reinterpret_cast<uintptr_t>(a)));
      EXPECT_FALSE(__cgosan::FindReferent(end + 1, &info) &&
                   info.base == reinterpret_cast<uintptr_t>(a))
          << "size " << n << ": past the end pointer is no longer the object's";
    }
  });
}

// Two callers of one allocating function, at the same depth: the same
// innermost frames and frame addresses, different outer frames. Each
// allocation records its own caller's stack, however they alternate (the M
// remembers walks, and must notice the caller changed). The callers differ
// kHops frames out from the allocating function: in frame 1 of the walk
// (the allocating function's own) or further out, where the remembered
// frames are compared 16 bytes at a time.
__attribute__((noinline, disable_tail_calls)) void *AllocNodeHere() {
  return cgosan_new(&kNode);
}
// Calls down kHops frames to AllocNodeHere. Each kCaller is a function of
// its own, so its call is a site of its own; the frames below the callers
// (kCaller -1) are shared.
template <int kHops, int kCaller>
__attribute__((noinline, disable_tail_calls)) void *CallDown() {
  if constexpr (kHops == 0)
    return AllocNodeHere();
  else
    return CallDown<kHops - 1, -1>();
}

template <int kHops>
void ExpectEachCallerGetsItsOwnSite() {
  RunAsG([] {
    uint32_t first = 0, second = 0;
    for (int round = 0; round < 3; round++) {
      ObjectInfo a, b;
      ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(CallDown<kHops, 0>()), &a));
      ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(CallDown<kHops, 1>()), &b));
      if (round == 0) {
        first = a.alloc_stack;
        second = b.alloc_stack;
      }
      EXPECT_EQ(a.alloc_stack, first) << "round " << round;
      EXPECT_EQ(b.alloc_stack, second) << "round " << round;
    }
    EXPECT_NE(first, second) << "the two callers' allocations share a site";
    // The sites differ in the callers' frame only: pc kHops + 1 of each.
    __sanitizer::StackTrace sa = __sanitizer::StackDepotGet(first);
    __sanitizer::StackTrace sb = __sanitizer::StackDepotGet(second);
    ASSERT_GE(sa.size, kHops + 2u);
    ASSERT_GE(sb.size, kHops + 2u);
    for (int i = 0; i <= kHops; i++)
      EXPECT_EQ(sa.trace[i], sb.trace[i]) << "pc " << i;
    EXPECT_NE(sa.trace[kHops + 1], sb.trace[kHops + 1]);
  });
}

TEST(Heap, EachCallerGetsItsOwnAllocationSite) { ExpectEachCallerGetsItsOwnSite<0>(); }
TEST(Heap, EachCallerTwoFramesOutGetsItsOwnSite) { ExpectEachCallerGetsItsOwnSite<1>(); }
TEST(Heap, EachCallerFiveFramesOutGetsItsOwnSite) { ExpectEachCallerGetsItsOwnSite<4>(); }

// Ten call sites of cgosan_new, more than an M remembers walks for (some
// share a slot), allocating in turn: each object records its own site,
// whether its walk was remembered, evicted by another site, or redone.
template <int kSite>
__attribute__((noinline, disable_tail_calls)) void *AllocAtSite() {
  return cgosan_new(&kNode);
}
void *(*const kAllocSites[])() = {
    AllocAtSite<0>, AllocAtSite<1>, AllocAtSite<2>, AllocAtSite<3>, AllocAtSite<4>,
    AllocAtSite<5>, AllocAtSite<6>, AllocAtSite<7>, AllocAtSite<8>, AllocAtSite<9>};
constexpr int kNumAllocSites = sizeof(kAllocSites) / sizeof(kAllocSites[0]);

TEST(Heap, SitesAllocatingInTurnKeepTheirOwnStacks) {
  RunAsG([] {
    uint32_t ids[kNumAllocSites] = {};
    for (int round = 0; round < 4; round++) {
      for (int site = 0; site < kNumAllocSites; site++) {
        for (int repeat = 0; repeat < 2; repeat++) {  // the same site again
          ObjectInfo info;
          ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(kAllocSites[site]()), &info));
          if (round == 0 && repeat == 0)
            ids[site] = info.alloc_stack;
          EXPECT_EQ(info.alloc_stack, ids[site])
              << "site " << site << ", round " << round << ", repeat " << repeat;
        }
      }
    }
    for (int a = 0; a < kNumAllocSites; a++)
      for (int b = a + 1; b < kNumAllocSites; b++)
        EXPECT_NE(ids[a], ids[b]) << "sites " << a << " and " << b;
  });
}

// A site remembers the span class of the type it last made, by the type's
// address. A type whose objects have all been freed may go, and another be
// made at its address: the site must not take the new one for the old (a
// 48-byte object with a pointer in a 16-byte pointer-free slot).
__attribute__((noinline, disable_tail_calls)) void *NewAtOneSite(const cgosan_type *t) {
  return cgosan_new(t);
}

TEST(Heap, ATypeMadeWhereAFreedOneWasGetsItsOwnSpanClass) {
  static cgosan_type type;  // made, freed with its objects, made again in place
  type = {"char[16]", 16, 0, nullptr, 0};
  uintptr_t old_objects[4];
  RunAsG([&] {
    for (uintptr_t &h : old_objects) h = Hide(NewAtOneSite(&type));
  });
  cgosan_gc();  // dead: quarantined
  cgosan_gc();  // freed
  for (uintptr_t h : old_objects) ASSERT_FALSE(cgosan_is_managed(Unhide(h)));
  type = {"struct node", 48, 8, kFirstWordPointer, 0};
  RunAsG([&] {
    for (int i = 0; i < 4; i++) {
      uintptr_t p = reinterpret_cast<uintptr_t>(NewAtOneSite(&type));
      const __cgosan::Span *s = __cgosan::SpanOf(p);
      ASSERT_NE(s, nullptr);
      EXPECT_GE(s->elem_size, 48u) << "allocation " << i;
      EXPECT_FALSE(s->noscan) << "allocation " << i;
    }
  });
}

// A site's memo keeps the span class of the type and the count it made
// last: an array site whose count changes from call to call must get each
// count's class, not the last one's.
__attribute__((noinline, disable_tail_calls)) void *NewArrayAtOneSite(size_t n) {
  return cgosan_new_array(&kByte, n);
}

TEST(Heap, OneArraySiteOfChangingCountsGetsEachCountsSpanClass) {
  const size_t kCounts[] = {8, 8, 700, 8, 4000, 4000, 16};
  RunAsG([&] {
    for (size_t n : kCounts) {
      uintptr_t p = reinterpret_cast<uintptr_t>(NewArrayAtOneSite(n));
      const __cgosan::Span *s = __cgosan::SpanOf(p);
      ASSERT_NE(s, nullptr);
      EXPECT_GT(s->elem_size, n) << "count " << n;  // room for its end pointer
      EXPECT_LE(s->elem_size, 2 * n) << "count " << n;  // its own class
    }
  });
}

// A loop allocating from one call site takes the inline path (the M's last
// site matches), which zeroes objects of up to 64 bytes with a few wide
// stores and larger ones with a call. Slots the collector has freed hold
// poison, so at every size an allocation must come back all zeros, with its
// own size, type and count.
TEST(Heap, ReusedSlotsAreZeroedAtEverySize) {
  constexpr int kObjects = 1500;  // over one span of every class tried
  RunAsG([] {
    for (size_t n = 1; n <= 80; n++) {
      for (int i = 0; i < kObjects; i++)
        memset(cgosan_new_array(&kByte, n), 0x11, n);
      cgosan_gc();  // the garbage is poisoned and quarantined
      cgosan_gc();  // and now free
      for (int i = 0; i < kObjects; i++) {
        auto *p = static_cast<unsigned char *>(cgosan_new_array(&kByte, n));
        for (size_t b = 0; b < n; b++)
          ASSERT_EQ(p[b], 0) << "size " << n << ", object " << i << ", byte " << b;
        ObjectInfo info;
        ASSERT_TRUE(FindObject(reinterpret_cast<uintptr_t>(p), &info));
        ASSERT_EQ(info.size, n);
        ASSERT_EQ(info.count, n);
        ASSERT_EQ(info.type, &kByte);
      }
    }
  });
}

TEST(Heap, NotManaged) {
  int local = 0;
  static int global;
  EXPECT_FALSE(cgosan_is_managed(&local));
  EXPECT_FALSE(cgosan_is_managed(&global));
  EXPECT_FALSE(cgosan_is_managed(nullptr));
  EXPECT_FALSE(cgosan_is_managed(reinterpret_cast<void *>(0x1234)));
  std::vector<char> heap(64);
  EXPECT_FALSE(cgosan_is_managed(heap.data()));
}

TEST(Heap, ManyThreadsGetDistinctObjects) {
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<Node *>> got(kThreads);
  // Each element is a registered root slot: the vectors must not move them.
  for (auto &g : got) g.reserve(kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&, t] {
      RunAsG([&] {
        for (int i = 0; i < kPerThread; i++) {
          auto *n = static_cast<Node *>(cgosan_new(&kNode));
          n->value = uintptr_t(t) << 32 | i;
          got[t].push_back(n);
          cgosan_add_root(reinterpret_cast<void **>(&got[t].back()));
        }
      });
    });
  for (auto &th : threads) th.join();
  for (int t = 0; t < kThreads; t++)
    for (int i = 0; i < kPerThread; i++) {
      ASSERT_EQ(got[t][i]->value, (uintptr_t(t) << 32 | i)) << "overlap";
      cgosan_remove_root(reinterpret_cast<void **>(&got[t][i]));
    }
}

// Pointer-free objects live in spans of their own (Go's noscan span
// classes), so a pinned one is recognised from its span and pin bit alone;
// an object of the same size with a pointer slot, or a reference, is not.
TEST(Heap, PinnedPointerFreeObjectIsKnownFromItsSpan) {
  // Static, as every type must be: its objects may outlive this test.
  static const cgosan_type reference = {"map[int]int", 16, 0, nullptr,
                                        CGOSAN_TYPE_REFERENCE};
  RunAsG([] {
    auto *plain = static_cast<char *>(cgosan_new(&kNodeNoPtr));
    auto *with_pointer = static_cast<char *>(cgosan_new(&kNode));
    auto *ref = static_cast<char *>(cgosan_new(&reference));
    auto *one_byte = static_cast<char *>(cgosan_new(&kByte));
    auto pinned_pointer_free = [](const void *p) {
      return __cgosan::IsPinnedPointerFreeObject(reinterpret_cast<uintptr_t>(p));
    };
    EXPECT_FALSE(pinned_pointer_free(plain)) << "not pinned yet";
    cgosan_pinner *pinner = cgosan_pinner_new();
    for (char *p : {plain, with_pointer, ref, one_byte}) cgosan_pin(pinner, p);
    EXPECT_TRUE(pinned_pointer_free(plain));
    EXPECT_TRUE(pinned_pointer_free(plain + 15)) << "an interior pointer";
    EXPECT_FALSE(pinned_pointer_free(with_pointer)) << "it has a pointer slot to follow";
    EXPECT_FALSE(pinned_pointer_free(ref)) << "a reference is never fine";
    // One past the end of an object is its end pointer, in its slot: fine.
    EXPECT_TRUE(pinned_pointer_free(plain + 16));
    EXPECT_TRUE(pinned_pointer_free(one_byte + 1));
    int local = 0;
    EXPECT_FALSE(pinned_pointer_free(&local));
    cgosan_unpin(pinner);
    EXPECT_FALSE(pinned_pointer_free(plain)) << "unpinned";
    cgosan_pinner_free(pinner);
  });
}

// --- The collector --------------------------------------------------------

bool IsPoisoned(const void *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (static_cast<const unsigned char *>(p)[i] != 0xca)
      return false;
  return true;
}

TEST(Collector, UnreachableObjectIsPoisonedAndNotFound) {
  uintptr_t hidden = 0;
  RunAsGOnThread([&] { hidden = Hide(cgosan_new(&kBytes40)); });
  cgosan_gc();
  void *p = Unhide(hidden);
  EXPECT_FALSE(cgosan_is_managed(p));
  EXPECT_TRUE(IsPoisoned(p, 40));
}

// An end pointer, held only by a pinned struct's pointer slot (zlib's
// next_in once the input is used), keeps the buffer it ends alive, since C may
// still compare against it, and not the object made right after the buffer,
// at a size that fills its class and at a large size of whole pages. Before
// slots had room for it, the buffer was freed and its neighbour kept.
TEST(Collector, AnEndPointerKeepsTheObjectItEndsAliveNotItsNeighbour) {
  for (size_t n : {size_t{64}, size_t{64} << 10}) {
    uintptr_t buf = 0, next = 0;
    cgosan_pinner *pinner = cgosan_pinner_new();
    RunAsGOnThread([&] {
      auto *b = static_cast<char *>(cgosan_new_array(&kByte, n));
      next = Hide(cgosan_new_array(&kByte, n));
      auto *holder = static_cast<Node *>(cgosan_new(&kNode));
      holder->next = reinterpret_cast<Node *>(b + n);
      buf = Hide(b);
      cgosan_pin(pinner, holder);
    });
    cgosan_gc();
    EXPECT_TRUE(cgosan_is_managed(Unhide(buf))) << "size " << n;
    EXPECT_FALSE(cgosan_is_managed(Unhide(next))) << "size " << n;
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
  }
}

// The sweeper poisons runs of adjacent dead slots with one memset each: every
// dead object reads poison, and no live neighbour loses a byte, wherever the
// runs start and end (one, two or many slots, across 64-slot bitmap words).
TEST(Collector, DeadRunsArePoisonedAndLiveNeighboursKept) {
  constexpr int kObjects = 200;
  static void *kept[kObjects];
  std::vector<uintptr_t> dropped;
  RunAsGOnThread([&] {
    for (int i = 0; i < kObjects; i++) {
      void *p = cgosan_new(&kBytes40);
      memset(p, 0x11, 40);
      bool keep = i % 7 == 0 || i % 7 == 3 || i % 64 == 63 || i % 64 == 0;
      if (keep)
        kept[i] = p;
      else
        dropped.push_back(Hide(p));
    }
  });
  for (void *&slot : kept)
    if (slot)
      cgosan_add_root(&slot);
  cgosan_gc();
  for (uintptr_t h : dropped)
    ASSERT_TRUE(IsPoisoned(Unhide(h), 40)) << "a dead object was not poisoned";
  for (void *&slot : kept) {
    if (!slot)
      continue;
    for (int b = 0; b < 40; b++)
      ASSERT_EQ(static_cast<unsigned char *>(slot)[b], 0x11) << "a live object lost byte " << b;
    cgosan_remove_root(&slot);
    slot = nullptr;
  }
}

// An M publishes the objects it takes from its cached span by raising the
// span's free_index, and sets no alloc bit. A collection made while the span
// is still cached (the G collects on its own M) must see them all the same:
// the dead ones poisoned, quarantined and not found, the live ones kept; and
// the M's next objects must land neither on a live object nor in quarantine.
__attribute__((noinline)) void MakeKeptAndDropped(void **kept, int n,
                                                  std::vector<uintptr_t> *dropped) {
  for (int i = 0; i < n; i++) {
    void *p = cgosan_new(&kBytes40);
    memset(p, 0x11, 40);
    if (i % 3 == 0)
      kept[i / 3] = p;
    else
      dropped->push_back(Hide(p));
  }
}

TEST(Collector, ObjectsOfASpanItsMStillCachesAreSwept) {
  constexpr int kObjects = 150;
  static void *kept[kObjects / 3];
  for (void *&slot : kept) cgosan_add_root(&slot);
  std::vector<uintptr_t> dropped;
  RunAsG([&] {
    MakeKeptAndDropped(kept, kObjects, &dropped);
    cgosan_gc();
    for (uintptr_t h : dropped) {
      ASSERT_FALSE(cgosan_is_managed(Unhide(h)));
      ASSERT_TRUE(IsPoisoned(Unhide(h), 40)) << "a dead object was not poisoned";
    }
    for (void *p : kept) ASSERT_TRUE(cgosan_is_managed(p));
    for (int i = 0; i < kObjects; i++) {
      auto *p = static_cast<unsigned char *>(cgosan_new(&kBytes40));
      for (void *live : kept) ASSERT_NE(p, live) << "allocation " << i;
      for (uintptr_t h : dropped) ASSERT_NE(p, Unhide(h)) << "allocation " << i;
    }
  });
  for (void *&slot : kept) {
    for (int b = 0; b < 40; b++)
      ASSERT_EQ(static_cast<unsigned char *>(slot)[b], 0x11) << "a live object lost byte " << b;
    cgosan_remove_root(&slot);
    slot = nullptr;
  }
}

// ---- Local references: what foreign code makes lives until it can root it --

// Foreign code inside a cgocall keeps every object it made until the call
// returns, across collections it starts itself; then they are garbage.
TEST(LocalReferences, LiveUntilTheCgocallReturns) {
  struct Made {
    uintptr_t hidden[2];
    bool alive_in_call[2];
  } made = {};
  RunAsGOnThread([&] {
    cgosan_cgocall(
        [](void *frame) {
          auto *m = static_cast<Made *>(frame);
          for (uintptr_t &h : m->hidden) h = Hide(cgosan_new(&kNode));
          cgosan_gc();
          cgosan_gc();
          for (int i = 0; i < 2; i++)
            m->alive_in_call[i] = cgosan_is_managed(Unhide(m->hidden[i]));
        },
        &made);
    cgosan_gc();
  });
  for (int i = 0; i < 2; i++) {
    EXPECT_TRUE(made.alive_in_call[i]) << "object " << i << " freed in the call";
    EXPECT_FALSE(cgosan_is_managed(Unhide(made.hidden[i])))
        << "object " << i << " still kept after the call returned";
  }
}

// A thread running no managed code keeps its last object until it
// allocates again.
TEST(LocalReferences, APlainThreadKeepsItsLastObjectUntilItsNext) {
  bool first_alive = false, first_after_next = true, second_alive = false;
  std::thread([&] {
    uintptr_t first = Hide(cgosan_new(&kNode));
    cgosan_gc();
    cgosan_gc();
    first_alive = cgosan_is_managed(Unhide(first));
    uintptr_t second = Hide(cgosan_new(&kNode));
    cgosan_gc();
    first_after_next = cgosan_is_managed(Unhide(first));
    second_alive = cgosan_is_managed(Unhide(second));
  }).join();
  EXPECT_TRUE(first_alive);
  EXPECT_FALSE(first_after_next);
  EXPECT_TRUE(second_alive);
}

// A plain thread roots each object it makes, in a registered slot or with a
// pin, while a G collects without pause: no object is ever found freed, and
// no pin lands on a slot the sweep freed. Each loop runs through at least
// kCollections collections.
TEST(LocalReferences, RootingRacesNoCollection) {
  constexpr int kRounds = 20000;
  constexpr uint64_t kCollections = 300;
  std::atomic<bool> stop{false};
  std::thread collector([&] {
    RunAsG([&] {
      while (!stop.load(std::memory_order_relaxed)) cgosan_gc();
    });
  });
  int lost_in_slot = 0, lost_pinned = 0;
  std::thread([&] {
    static void *slot;
    cgosan_add_root(&slot);
    uint64_t until = __cgosan::NumGc() + kCollections;
    for (int i = 0; i < kRounds || __cgosan::NumGc() < until; i++) {
      slot = cgosan_new(&kNode);
      lost_in_slot += !cgosan_is_managed(slot);
    }
    cgosan_remove_root(&slot);
    cgosan_pinner *pn = cgosan_pinner_new();
    until = __cgosan::NumGc() + kCollections;
    for (int i = 0; i < kRounds || __cgosan::NumGc() < until; i++) {
      void *o = cgosan_new(&kNode);
      cgosan_pin(pn, o);
      lost_pinned += !cgosan_is_managed(o);
      cgosan_unpin(pn);
    }
    cgosan_pinner_free(pn);
  }).join();
  stop = true;
  collector.join();
  EXPECT_EQ(lost_in_slot, 0);
  EXPECT_EQ(lost_pinned, 0);
}

TEST(Collector, StackLocalKeepsObjectAlive) {
  RunAsG([] {
    Node *volatile n = static_cast<Node *>(cgosan_new(&kNode));
    n->value = 42;
    cgosan_gc();
    cgosan_gc();
    EXPECT_TRUE(cgosan_is_managed(n));
    EXPECT_EQ(n->value, 42u);
  });
}

// A packed struct holding a pointer (12 bytes) may be allocated alone: its
// pointer is word-aligned in the one element there is, and keeps its target
// alive. An array of it is refused (death_test: NewArrayPacked).
struct __attribute__((packed)) PackedRef {
  void *p;
  int32_t tag;
};
static_assert(sizeof(PackedRef) == 12, "packed");
const uint8_t kWord0Mask[1] = {1};
const cgosan_type kPackedRef = {"struct packed_ref", sizeof(PackedRef), 8, kWord0Mask, 0};

TEST(Collector, PackedStructAloneKeepsItsTarget) {
  static void *root;
  uintptr_t hidden_target = 0;
  RunAsGOnThread([&] {
    auto *holder = static_cast<PackedRef *>(cgosan_new(&kPackedRef));
    holder->p = cgosan_new(&kBytes40);
    hidden_target = Hide(holder->p);
    root = holder;
  });
  cgosan_add_root(&root);
  cgosan_gc();
  cgosan_gc();
  EXPECT_TRUE(cgosan_is_managed(Unhide(hidden_target)));
  cgosan_remove_root(&root);
  root = nullptr;
  cgosan_gc();
  EXPECT_FALSE(cgosan_is_managed(Unhide(hidden_target)));
}

TEST(Collector, PrecisePointerSlotsOnly) {
  static void *root_with_ptr, *root_without_ptr;
  uintptr_t hidden_target_a = 0, hidden_target_b = 0;
  RunAsGOnThread([&] {
    auto *a = static_cast<Node *>(cgosan_new(&kNode));
    auto *b = static_cast<Node *>(cgosan_new(&kNodeNoPtr));
    a->next = static_cast<Node *>(cgosan_new(&kNode));  // a pointer slot
    b->next = static_cast<Node *>(cgosan_new(&kNode));  // declared an integer
    hidden_target_a = Hide(a->next);
    hidden_target_b = Hide(b->next);
    root_with_ptr = a;
    root_without_ptr = b;
    a = b = nullptr;
  });
  cgosan_add_root(&root_with_ptr);
  cgosan_add_root(&root_without_ptr);
  cgosan_gc();
  EXPECT_TRUE(cgosan_is_managed(Unhide(hidden_target_a)));
  EXPECT_FALSE(cgosan_is_managed(Unhide(hidden_target_b)))
      << "a word the type declares an integer must not keep an object alive";
  cgosan_remove_root(&root_with_ptr);
  cgosan_remove_root(&root_without_ptr);
  cgosan_gc();
  EXPECT_FALSE(cgosan_is_managed(Unhide(hidden_target_a)));
}

TEST(Collector, RootSlotsAndLists) {
  static Node *head;
  RunAsGOnThread([] {
    for (int i = 0; i < 1000; i++) {
      auto *n = static_cast<Node *>(cgosan_new(&kNode));
      n->value = i;
      n->next = head;
      head = n;
    }
  });
  cgosan_add_root(reinterpret_cast<void **>(&head));
  for (int round = 0; round < 3; round++) cgosan_gc();
  int count = 0;
  for (Node *n = head; n; n = n->next, count++) {
    ASSERT_TRUE(cgosan_is_managed(n));
    ASSERT_EQ(n->value, uintptr_t(999 - count));
  }
  EXPECT_EQ(count, 1000);
  uintptr_t hidden = Hide(head);
  cgosan_remove_root(reinterpret_cast<void **>(&head));
  head = nullptr;
  cgosan_gc();
  EXPECT_FALSE(cgosan_is_managed(Unhide(hidden)));
}

TEST(Collector, QuarantineDelaysReuse) {
  uintptr_t hidden = 0;
  RunAsGOnThread([&] { hidden = Hide(cgosan_new(&kBytes40)); });
  cgosan_gc();  // freed: poisoned, quarantined
  std::vector<uintptr_t> fresh;
  RunAsGOnThread([&] {
    for (int i = 0; i < 2000; i++) fresh.push_back(Hide(cgosan_new(&kBytes40)));
  });
  for (uintptr_t f : fresh)
    ASSERT_NE(f, hidden) << "a quarantined slot was reused before the next GC";
}

// A G parked in a cgocall is not stopped, yet what its stack holds survives.
TEST(Collector, ParkedGStackIsARoot) {
  struct Ctx {
    std::atomic<bool> in_foreign{false}, release{false};
    uintptr_t hidden = 0;
  } ctx;
  std::thread t([&] {
    RunAsG([&] {
      Node *volatile n = static_cast<Node *>(cgosan_new(&kNode));
      n->value = 7;
      ctx.hidden = Hide(n);
      cgosan_cgocall(
          [](void *arg) {
            auto *c = static_cast<Ctx *>(arg);
            c->in_foreign = true;
            while (!c->release) std::this_thread::yield();
          },
          &ctx);
      EXPECT_EQ(n->value, 7u);
    });
  });
  while (!ctx.in_foreign) std::this_thread::yield();
  cgosan_gc();  // from a thread with no G, while the other G is parked
  EXPECT_TRUE(cgosan_is_managed(Unhide(ctx.hidden)));
  ctx.release = true;
  t.join();
}

// Many Gs build and drop lists while collections run: no reachable node is
// ever freed (poisoned), every node keeps its value.
struct PrependFrame {
  Node **head;
  uintptr_t value;
};

// Makes a node and prepends it. With across_cgocall, the node is held only
// by this frame across a cgocall made before any safepoint: in a callback,
// the G's last park (the cgocall the callback came from) lies above this
// frame, so the nested cgocall must publish its own.
void Prepend(PrependFrame *f, bool across_cgocall) {
  auto *n = static_cast<Node *>(cgosan_new(&kNode));
  n->value = f->value;
  if (across_cgocall)
    cgosan_cgocall([](void *) {}, nullptr);
  n->next = *f->head;
  *f->head = n;
}

void PrependAcrossANestedCgocall(void *arg) {  // a callback: managed code again
  Prepend(static_cast<PrependFrame *>(arg), /*across_cgocall=*/true);
}

void ForeignCallsBackToPrepend(void *arg) {
  cgosan_cgocallback(PrependAcrossANestedCgocall, arg);
}

uintptr_t NodeValue(int t, int r, int i) {
  return uintptr_t(t) << 40 | uintptr_t(r) << 20 | uintptr_t(i);
}

// Builds a kLen-node list in managed code, every 25th node through a cgocall
// whose foreign function calls back to allocate it, parking the G (list on
// its stack) in between, and cgocalls again from the callback; then counts
// the nodes whose value is wrong.
constexpr int kLen = 200;
long BuildAndVerifyList(int t, int r) {
  Node *head = nullptr;
  for (int i = 0; i < kLen; i++) {
    PrependFrame f = {&head, NodeValue(t, r, i)};
    if (i % 25 == 0)
      cgosan_cgocall(ForeignCallsBackToPrepend, &f);
    else
      Prepend(&f, /*across_cgocall=*/false);
  }
  long bad = 0;
  int i = kLen;
  Node *n = head;
  for (; n && i > 0; n = n->next) {
    if (!cgosan_is_managed(n))  // freed: its bytes are poison, stop here
      return bad + 1;
    if (n->value != NodeValue(t, r, --i))
      bad++;
  }
  // Too short, or too long: a freed node made again may close a cycle.
  return bad + (i != 0 || n != nullptr);
}

// Gs on their own threads and callbacks from threads foreign code created
// (extra Ms) build and check lists while collections run, started by
// allocation in several Gs at once and forced from this thread: no reachable
// node is ever freed (poisoned) or loses its value.
TEST(Collector, StressNoLiveObjectFreed) {
  constexpr int kGThreads = 3, kForeignThreads = 1, kRounds = 1500;
  std::atomic<int> done{0};
  std::atomic<long> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kGThreads; t++)
    threads.emplace_back([&, t] {
      RunAsG([&] {
        for (int r = 0; r < kRounds; r++) bad += BuildAndVerifyList(t, r);
      });
      done++;
    });
  for (int t = kGThreads; t < kGThreads + kForeignThreads; t++)
    threads.emplace_back([&, t] {  // a plain thread: each round is a callback
      for (int r = 0; r < kRounds / 10; r++) {
        struct Round {
          int t, r;
          std::atomic<long> *bad;
        } round = {t, r, &bad};
        cgosan_cgocallback(
            [](void *arg) {
              auto *x = static_cast<Round *>(arg);
              *x->bad += BuildAndVerifyList(x->t, x->r);
            },
            &round);
      }
      done++;
    });
  while (done < kGThreads + kForeignThreads) {
    cgosan_gc();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(__cgosan::NumGc(), 0u);
}

// Allocation alone starts collections (gc_percent): garbage does not pile up.
TEST(Collector, AllocationTriggersCollection) {
  // The trigger follows what survived the last collection, which an earlier
  // test in this process may have left high: collect first, then allocate
  // until a collection starts, up to 20 times the smallest trigger (4 MiB).
  cgosan_gc();
  uint64_t before = __cgosan::NumGc();
  RunAsGOnThread([before] {
    for (int i = 0; i < 20 * (4 << 20) / 48 && __cgosan::NumGc() == before; i++) {
      volatile void *p = cgosan_new(&kBytes40);  // 48 B each
      (void)p;
    }
  });
  EXPECT_GT(__cgosan::NumGc(), before);
}

// A span of small objects that stays empty gives its pages back to the OS
// once it has been empty through gc_release_after collections, not before,
// and is reused before any new span: its objects come back zeroed.
const cgosan_type kBytes2000 = {"char[2000]", 2000, 0, nullptr, 0};  // 4 a span

bool PageResident(uintptr_t addr) {
  uintptr_t page = addr & ~(static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)) - 1);
  unsigned char vec = 0;
  EXPECT_EQ(mincore(reinterpret_cast<void *>(page), 1, &vec), 0);
  return vec & 1;
}

TEST(Collector, EmptySpansGoBackToTheOsAfterTheirWait) {
  constexpr size_t kObjects = 1024;  // 2 MiB: no collection starts...
  std::vector<uintptr_t> hidden(kObjects);
  // ...once one has just ended. Enough of them that the garbage of earlier
  // tests in this process is released already: the counter moves for ours.
  int wait = __cgosan::flags()->gc_release_after;
  ASSERT_GT(wait, 0);
  for (int i = 0; i < wait + 2; i++) cgosan_gc();
  uint64_t collections = __cgosan::NumGc();
  RunAsGOnThread([&] {
    for (uintptr_t &h : hidden) {
      void *p = cgosan_new(&kBytes2000);
      memset(p, 1, kBytes2000.size);
      h = Hide(p);
    }
  });
  ASSERT_EQ(__cgosan::NumGc(), collections);
  auto resident = [&] {
    size_t n = 0;
    for (uintptr_t h : hidden) n += PageResident(reinterpret_cast<uintptr_t>(Unhide(h)));
    return n;
  };
  uintptr_t released_before = __cgosan::ReleasedHeapBytes();
  cgosan_gc();  // they die: poisoned and quarantined
  for (int empty_for = 0; empty_for < wait; empty_for++) {
    EXPECT_EQ(resident(), kObjects) << "released when empty for " << empty_for;
    EXPECT_EQ(__cgosan::ReleasedHeapBytes(), released_before);
    cgosan_gc();  // the first ends the quarantine: the spans are empty
  }
  EXPECT_EQ(resident(), 0u);
  std::vector<uintptr_t> objects;  // dead now: not hidden any more
  for (uintptr_t h : hidden) objects.push_back(reinterpret_cast<uintptr_t>(Unhide(h)));
  EXPECT_EQ(__cgosan::ReleasedHeapBytes() - released_before,
            BytesOfSpansHolding(objects.data(), objects.size()));
  for (uintptr_t p : objects) EXPECT_FALSE(cgosan_is_managed(reinterpret_cast<void *>(p)));

  size_t reused = 0, nonzero = 0;
  RunAsGOnThread([&] {
    for (size_t i = 0; i < kObjects; i++) {
      auto *p = static_cast<const unsigned char *>(cgosan_new(&kBytes2000));
      for (uintptr_t h : hidden) reused += Unhide(h) == p;
      for (size_t b = 0; b < kBytes2000.size; b++) nonzero += p[b] != 0;
      EXPECT_TRUE(cgosan_is_managed(p));
    }
  });
  EXPECT_EQ(reused, kObjects);
  EXPECT_EQ(nonzero, 0u);
  EXPECT_EQ(__cgosan::ReleasedHeapBytes(), released_before);
}

// FindObject from a thread the collector does not stop (foreign code asking
// about pointers it kept) races the sweep that frees those objects and their
// spans: it answers "no object" or the whole object, never a torn one, and
// never reads freed memory.
const cgosan_type kBytes40000 = {"char[40000]", 40000, 0, nullptr, 0};  // large

TEST(Collector, FindObjectOffTheWorldRacesLargeObjectsDying) {
  constexpr int kKept = 8;
  std::atomic<uintptr_t> kept[kKept];  // hidden: not roots
  for (auto &k : kept) k = Hide(nullptr);
  std::atomic<bool> done{false};
  std::atomic<long> found{0}, torn{0};
  std::thread foreign([&] {
    while (!done.load(std::memory_order_relaxed)) {
      for (auto &k : kept) {
        uintptr_t p = reinterpret_cast<uintptr_t>(Unhide(k.load(std::memory_order_relaxed)));
        ObjectInfo info;
        if (!FindObject(p, &info))
          continue;
        found++;
        if (info.type != &kBytes40000 || info.base != p || info.size != 40000)
          torn++;
      }
    }
  });
  RunAsGOnThread([&] {
    // At least 400 rounds, and on until the foreign thread has seen objects.
    for (int round = 0; round < 400 || (found < 1000 && round < 100000); round++) {
      for (auto &k : kept) k.store(Hide(cgosan_new(&kBytes40000)), std::memory_order_relaxed);
      cgosan_gc();  // the last round's objects leave quarantine: their spans are freed
    }
  });
  done = true;
  foreign.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(found.load(), 0);
}

// The pages of a freed large object stay resident (poisoned) for reuse, and
// go back to the OS once they have stayed free through gc_release_after
// collections. A large object made on them reads all zeros either way:
// zeroed while they are resident, fresh from the OS after.
constexpr size_t kLargeSize = 100000;

// Makes a large object, dirties it and drops it; returns it hidden, dead
// and quarantined.
uintptr_t DroppedLargeObject() {
  uintptr_t hidden = 0;
  RunAsGOnThread([&] {
    void *p = cgosan_new_array(&kByte, kLargeSize);
    memset(p, 0xab, kLargeSize);
    hidden = Hide(p);
  });
  cgosan_gc();  // dead: poisoned, quarantined
  return hidden;
}

// Makes large objects of `size` bytes, kept alive, until one lands on the
// pages of the dead object at `freed`, and calls inspect(that one); false if
// none did. Free runs are taken first fit, lowest address first, so the
// objects land in rising order through whatever free runs earlier tests left
// below (a neighbour merged with the freed run moves where the objects
// fall), and one covers `freed` unless it was not reused. Nothing else is
// allocated meanwhile: a new small span would take the lowest free run too.
template <typename Inspect>
bool InspectLargeObjectOn(uintptr_t freed, size_t size, Inspect inspect) {
  constexpr size_t kMaxBelow = 4096;  // 400 MB of 100 KB free runs below it
  static void *made[kMaxBelow];       // each a root while it is used
  size_t nmade = 0;
  bool reused = false;
  RunAsGOnThread([&] {
    while (nmade < kMaxBelow) {
      auto *p = static_cast<unsigned char *>(cgosan_new_array(&kByte, size));
      made[nmade] = p;
      cgosan_add_root(&made[nmade++]);
      uintptr_t start = reinterpret_cast<uintptr_t>(p);
      if (start + size <= freed)
        continue;  // below it
      if (start < freed + size) {
        reused = true;
        inspect(p);
      }
      break;
    }
  });
  while (nmade > 0) cgosan_remove_root(&made[--nmade]);  // last added, first found
  return reused;
}

// Counts the bytes of the large object that lands on the pages of the dead
// one at `freed` (kLargeSize bytes) that are not zero; kNotReused if none did.
constexpr size_t kNotReused = ~size_t{0};
size_t NonzeroBytesOfLargeObjectOn(uintptr_t freed) {
  size_t nonzero = 0;
  bool reused = InspectLargeObjectOn(freed, kLargeSize, [&](const unsigned char *p) {
    for (size_t b = 0; b < kLargeSize; b++) nonzero += p[b] != 0;
  });
  return reused ? nonzero : kNotReused;
}

TEST(Collector, LargeObjectOnResidentFreedPagesReadsZero) {
  uintptr_t first = reinterpret_cast<uintptr_t>(Unhide(DroppedLargeObject()));
  cgosan_gc();  // freed: its pages are a free run
  EXPECT_TRUE(PageResident(first));
  EXPECT_EQ(NonzeroBytesOfLargeObjectOn(first), 0u);
}

TEST(Collector, FreedLargeObjectPagesGoBackAfterTheirWait) {
  uintptr_t first = reinterpret_cast<uintptr_t>(Unhide(DroppedLargeObject()));
  int wait = __cgosan::flags()->gc_release_after;
  ASSERT_GT(wait, 0);
  for (int free_for = 0; free_for < wait; free_for++) {
    EXPECT_TRUE(PageResident(first)) << "released when free for " << free_for;
    cgosan_gc();  // the first ends the quarantine: its pages are a free run
  }
  EXPECT_FALSE(PageResident(first));
  EXPECT_FALSE(PageResident(first + kLargeSize - 1));
  EXPECT_EQ(NonzeroBytesOfLargeObjectOn(first), 0u);
}

// A large buffer of which the program touched a few pages: its death and
// the reuse of its pages fault in none of the others (ScrubPages). The
// touched pages read poison once it is dead; the others read zero.
// Large enough to be asked about in two queries (4 MiB each), with touched
// pages on both sides of the boundary between them, and at both ends.
constexpr size_t kSparseSize = 6 << 20;
constexpr size_t kSparseTouched[] = {0, 2 << 20, (4 << 20) - 1, 4 << 20,
                                     kSparseSize - 1};  // offsets written

std::vector<bool> ResidentPages(uintptr_t start, size_t size) {
  size_t page = sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> vec(size / page);
  EXPECT_EQ(mincore(reinterpret_cast<void *>(start), size, vec.data()), 0);
  std::vector<bool> resident;
  for (unsigned char v : vec) resident.push_back(v & 1);
  return resident;
}

size_t CountResident(const std::vector<bool> &pages) {
  return std::count(pages.begin(), pages.end(), true);
}

// Makes the sparse buffer, touches its pages and drops it: returns it
// hidden, with its residency while it was alive. First the free runs that
// earlier tests left resident go back to the OS, so it is made on pages
// that are not.
uintptr_t DroppedSparseObject(std::vector<bool> *resident_alive) {
  for (int i = 0; i < __cgosan::flags()->gc_release_after + 2; i++) cgosan_gc();
  uintptr_t hidden = 0;
  RunAsGOnThread([&] {
    auto *p = static_cast<unsigned char *>(cgosan_new_array(&kByte, kSparseSize));
    // With transparent huge pages always on, one write would make 2 MiB
    // resident: the test is about 4 KiB pages (the advice stays with the
    // range, so the object made again on it later has it too).
    madvise(p, kSparseSize, MADV_NOHUGEPAGE);
    for (size_t offset : kSparseTouched) p[offset] = 0xab;
    *resident_alive = ResidentPages(reinterpret_cast<uintptr_t>(p), kSparseSize);
    hidden = Hide(p);
  });
  return hidden;
}

TEST(Collector, DeadSparseLargeObjectFaultsInNoUntouchedPage) {
  std::vector<bool> alive;
  auto *p = static_cast<volatile unsigned char *>(Unhide(DroppedSparseObject(&alive)));
  uintptr_t start = reinterpret_cast<uintptr_t>(p);
  ASSERT_LT(CountResident(alive), kSparseSize / sysconf(_SC_PAGESIZE) / 2)
      << "the untouched pages of a new large object are resident already";
  cgosan_gc();  // dead: poisoned, quarantined
  std::vector<bool> dead = ResidentPages(start, kSparseSize);
  EXPECT_TRUE(dead == alive) << "resident pages: " << CountResident(alive)
                             << " alive, " << CountResident(dead) << " dead";
  for (size_t offset : kSparseTouched) EXPECT_EQ(p[offset], 0xca) << offset;
  size_t page = sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < dead.size(); i++) {
    unsigned char expected = dead[i] ? 0xca : 0;  // read after the check
    ASSERT_EQ(p[i * page], expected) << "page " << i;
  }
}

TEST(Collector, LargeObjectOnSparseFreedPagesFaultsInNoUntouchedPage) {
  std::vector<bool> alive;
  uintptr_t first = reinterpret_cast<uintptr_t>(Unhide(DroppedSparseObject(&alive)));
  cgosan_gc();  // dead: poisoned, quarantined
  cgosan_gc();  // freed: its pages are a free run, dirty
  std::vector<bool> freed = ResidentPages(first, kSparseSize);
  ASSERT_LT(CountResident(freed), freed.size() / 2);
  size_t page = sysconf(_SC_PAGESIZE), faulted = 0, nonzero = 0;
  bool reused = InspectLargeObjectOn(first, kSparseSize, [&](const unsigned char *p) {
    // Its pages inside the freed object's, which were not resident, still
    // are not; then every byte reads zero.
    uintptr_t start = reinterpret_cast<uintptr_t>(p);
    uintptr_t from = std::max(start, first), to = std::min(start, first) + kSparseSize;
    std::vector<bool> made = ResidentPages(from, to - from);
    for (size_t i = 0; i < made.size(); i++)
      faulted += made[i] && !freed[(from - first) / page + i];
    for (size_t b = 0; b < kSparseSize; b++) nonzero += p[b] != 0;
  });
  EXPECT_TRUE(reused);
  EXPECT_EQ(faulted, 0u);
  EXPECT_EQ(nonzero, 0u);
}

// Large objects of varying sizes, allocated and dropped for a long time:
// the pages of the dead ones are reused, so the arena stops growing at a
// few times what is live (before freed runs were merged, it grew by about
// a quarter of all that was allocated, until "managed heap exhausted").
TEST(Collector, LargeObjectsOfVaryingSizesReuseTheArena) {
  static void *live[8];
  for (void *&p : live) cgosan_add_root(&p);
  uintptr_t arena_before = __cgosan::ArenaBytesUsed();  // earlier tests' share
  RunAsGOnThread([] {
    unsigned seed = 1;
    for (int i = 0; i < 1000; i++) {
      seed = seed * 1103515245 + 12345;
      size_t n = 33000 + (seed >> 8) % 600000;  // 33 KB to 633 KB
      live[i % 8] = cgosan_new_array(&kByte, n);
    }
  });
  // Live: at most 8 x 633 KB; garbage and quarantine add up to two GC
  // triggers (4 MiB each): 18 MiB measured. Allocated in all: about 330 MB
  // (unmerged runs: 109 MiB).
  uintptr_t grown = __cgosan::ArenaBytesUsed() - arena_before;
  EXPECT_LT(grown, 40u << 20) << "arena grew by " << (grown >> 20) << " MiB";
  for (void *&p : live) cgosan_remove_root(&p);
}

}  // namespace
}  // namespace cgotest
