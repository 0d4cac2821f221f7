// race_fd.cpp — happens-before through file descriptors. A thread that
// writes a byte to a pipe, an eventfd or a socket, and a thread that reads
// it, are ordered by the kernel: everything the writer did before write()
// happens before everything the reader does after its read() returns. Event
// loops (libuv, libevent, glib, servers) hand completions over this way, so
// without these edges race=precise would report every one of them.
// The model is TSan's (tsan_fd.cpp): each fd names a sync object. Calls
// that send (write, send, eventfd_write...) release it before the real call;
// calls that receive (read, recv, eventfd_read...) acquire it after a
// successful one (race_fd_io.cpp). A call that makes a file (pipe, eventfd,
// socketpair, epoll_create, timerfd, signalfd, inotify) gives it a fresh
// sync object, shared by the two ends of a pipe or socketpair; close (and
// fclose, close_range, closefrom) forgets it and dup shares it
// (race_fd_life.cpp), so a number reused by a new file never carries the
// old file's clock. epoll_ctl releases the epoll fd and epoll_wait acquires
// it; a send to a watched file releases to the epoll fd too
// (race_fd_epoll.cpp). poll and select need nothing: the read that
// follows them acquires.
// Allowed on purpose (both can only hide races, never invent one): sockets
// from socket()/accept() share one clock, since the two ends of a loopback
// connection are unrelated fds (TSan does the same); an fd made where the
// interceptors cannot see it (open(), a library's raw syscall, libc's own
// calls) shares one "file" clock with every other such fd. In race=go every
// fd shares that one clock: Go's syscall.Read and Write acquire and release
// a single ioSync, and race=go gives Go's verdicts.
// Cost, when tracking: one clock join per send or receive, a table lookup
// (two loads), and a spin lock per creation, dup or close for the sync
// object's count of users; once the program uses epoll, a send on a pipe,
// socketpair or eventfd also looks up (under a spin lock) whether an epoll
// instance watches its file. The table is 8 KiB of bss, plus 8 KiB per 1024
// fds in use (mmap'd on first use); fds past 2^20 get no edges.
#include "race_fd.h"

namespace __cgosan {

namespace {
// The sync object of one fd, as an id (0: none). A sync object's key in the
// engine's sync table is kFdSyncKeys + id: never an address of the program
// (addresses are below 2^47), and never reused, so an edge that races with a
// close (the program's own bug) cannot reach a later file.
struct FdEntry {
  atomic_uint64_t sync;  // the fd's file's clock; 0: the shared file clock
};

// A private sync object: how many fds (and epoll watches) use it, since it
// dies with the last, and the epoll instance that watches its file.
struct SyncUsers {
  uptr key;  // the sync id
  SyncUsers *next;
  uptr users;
  u64 watch;  // 0: none
};
}  // namespace

constexpr u64 kFdSyncKeys = 1ull << 60;
constexpr u64 kFileSync = 1;       // every fd whose making was not seen
constexpr u64 kSocketSync = 2;     // sockets made by socket() and accept()
constexpr u64 kFirstPrivateSync = 16;

constexpr uptr kFdsPerChunk = 1024;
constexpr uptr kFdChunks = 1024;
static atomic_uintptr_t fd_chunks[kFdChunks];  // FdEntry[kFdsPerChunk] each
static atomic_uint64_t next_private_sync;
static AddrTable<SyncUsers, 509> sync_users;
// Set by the first epoll watch: until then a send looks for no watch.
static atomic_uint8_t any_watch;

static bool Bogus(int fd) {
  return fd < 0 || static_cast<uptr>(fd) >= kFdsPerChunk * kFdChunks;
}

// fd's entry; null if its chunk was never made and `make` is false.
static FdEntry *Entry(int fd, bool make) {
  atomic_uintptr_t *slot = &fd_chunks[fd / kFdsPerChunk];
  uptr chunk = atomic_load(slot, memory_order_acquire);
  if (!chunk) {
    if (!make)
      return nullptr;
    uptr size = kFdsPerChunk * sizeof(FdEntry);
    uptr fresh = reinterpret_cast<uptr>(MmapOrDie(size, "cgosan fd table"));
    if (atomic_compare_exchange_strong(slot, &chunk, fresh,
                                       memory_order_acq_rel))
      chunk = fresh;
    else
      UnmapOrDie(reinterpret_cast<void *>(fresh), size);
  }
  return &reinterpret_cast<FdEntry *>(chunk)[fd % kFdsPerChunk];
}

static bool IsPrivate(u64 id) { return id >= kFirstPrivateSync; }

void LockFdSyncUsersForFork() { sync_users.LockAllBuckets(); }
void UnlockFdSyncUsersAfterFork() { sync_users.UnlockAllBuckets(); }

static void AddUsers(u64 id, uptr users) {
  if (!IsPrivate(id))
    return;
  StaticSpinMutex *mu;
  SyncUsers **head = sync_users.Lock(id, &mu);
  BucketLock l(mu);
  sync_users.FindOrCreate(head, id)->users += users;
}

// The last user of a private sync object is gone: so is its clock, and its
// file's use of the epoll instance that watched it.
static void DropUser(u64 id) {
  if (!IsPrivate(id))
    return;
  u64 watch;
  {
    StaticSpinMutex *mu;
    SyncUsers **head = sync_users.Lock(id, &mu);
    BucketLock l(mu);
    SyncUsers *users = sync_users.Find(*head, id);
    if (!users || --users->users > 0)
      return;
    watch = users->watch;
    sync_users.Remove(head, id);
  }
  RaceSyncDestroyed(kFdSyncKeys + id);
  DropUser(watch);
}

// The epoll instance watching the file of sync object `id` (0: none).
static u64 WatchOf(u64 id) {
  if (!IsPrivate(id) || !atomic_load(&any_watch, memory_order_relaxed))
    return 0;
  StaticSpinMutex *mu;
  SyncUsers **head = sync_users.Lock(id, &mu);
  BucketLock l(mu);
  SyncUsers *users = sync_users.Find(*head, id);
  return users ? users->watch : 0;
}

// Points fd at sync object `id` (whose count of users already includes it)
// and forgets what it named before.
static void Attach(int fd, u64 id) {
  if (Bogus(fd)) {
    DropUser(id);
    return;
  }
  DropUser(atomic_exchange(&Entry(fd, true)->sync, id, memory_order_acq_rel));
}

static u64 NewPrivateSync(uptr fds) {
  u64 id = kFirstPrivateSync +
           atomic_fetch_add(&next_private_sync, 1, memory_order_relaxed);
  AddUsers(id, fds);
  return id;
}

// The sync object fd's sends and receives use.
static u64 SyncOf(int fd, FdEntry *e) {
  if (RaceModeNow() == kRaceGo || !e)
    return kFileSync;
  u64 id = atomic_load(&e->sync, memory_order_acquire);
  return id ? id : kFileSync;
}

void FdReleaseEdge(int fd) {
  if (Bogus(fd))
    return;
  ScopedRaceEdge edge;
  RaceThread *thr = edge.thread();  // null: untracked (RaceRelease)
  u64 id = SyncOf(fd, Entry(fd, false));
  RaceRelease(thr, kFdSyncKeys + id);
  if (u64 watch = WatchOf(id))
    RaceRelease(thr, kFdSyncKeys + watch);
}

void FdAcquireEdge(int fd) {
  if (Bogus(fd))
    return;
  ScopedRaceEdge edge;
  RaceAcquire(edge.thread(), kFdSyncKeys + SyncOf(fd, Entry(fd, false)));
}

void FdCreated(int fd, FdOrigin origin) {
  ScopedRaceEdge edge;
  Attach(fd, origin == kFdSocket ? kSocketSync : NewPrivateSync(1));
}

void FdPairCreated(int fd0, int fd1) {
  ScopedRaceEdge edge;
  u64 id = NewPrivateSync(2);
  Attach(fd0, id);
  Attach(fd1, id);
}

void FdClosing(int fd) {
  if (Bogus(fd))
    return;
  FdReleaseEdge(fd);
  ScopedRaceEdge edge;
  if (FdEntry *e = Entry(fd, false))
    DropUser(atomic_exchange(&e->sync, 0, memory_order_acq_rel));
}

void FdRangeClosed(unsigned first, unsigned last) {
  ScopedRaceEdge edge;
  uptr end = Min<uptr>(static_cast<uptr>(last) + 1, kFdsPerChunk * kFdChunks);
  for (uptr fd = first; fd < end; fd++) {
    if (fd % kFdsPerChunk == 0 && !Entry(static_cast<int>(fd), false)) {
      fd += kFdsPerChunk - 1;  // a chunk never made: no entries to forget
      continue;
    }
    if (FdEntry *e = Entry(static_cast<int>(fd), false))
      DropUser(atomic_exchange(&e->sync, 0, memory_order_acq_rel));
  }
}

void FdDuplicated(int oldfd, int newfd) {
  if (Bogus(oldfd) || oldfd == newfd)
    return;
  ScopedRaceEdge edge;
  FdEntry *old_entry = Entry(oldfd, false);
  u64 id = old_entry ? atomic_load(&old_entry->sync, memory_order_acquire) : 0;
  AddUsers(id, 1);
  Attach(newfd, id);
}

void FdWatched(int epfd, int fd) {
  if (Bogus(epfd) || Bogus(fd) || RaceModeNow() == kRaceGo)
    return;
  ScopedRaceEdge edge;
  FdEntry *ep = Entry(epfd, false), *e = Entry(fd, false);
  u64 epoll_sync = ep ? atomic_load(&ep->sync, memory_order_acquire) : 0;
  u64 file_sync = e ? atomic_load(&e->sync, memory_order_acquire) : 0;
  if (!IsPrivate(epoll_sync) || !IsPrivate(file_sync))
    return;
  // The watch belongs to the file, not the fd: a pipe is watched through
  // its read end and written through the other. One epoll instance per
  // file, the first to watch it (as TSan): which of several a write wakes
  // is the kernel's choice. The file holds a use of the instance's clock.
  atomic_store(&any_watch, 1, memory_order_relaxed);
  AddUsers(epoll_sync, 1);
  bool taken = false;
  {
    StaticSpinMutex *mu;
    SyncUsers **head = sync_users.Lock(file_sync, &mu);
    BucketLock l(mu);
    SyncUsers *users = sync_users.Find(*head, file_sync);
    if (users && !users->watch) {
      users->watch = epoll_sync;
      taken = true;
    }
  }
  if (!taken)
    DropUser(epoll_sync);
}

}  // namespace __cgosan
