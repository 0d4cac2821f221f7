/* pass_race_lib.c — see pass_race_lib.h. Plain C, built with the plugin and
 * -cgosan-race. */
#include "pass_race_lib.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct race_lib_request {
  pthread_t thread;
  enum race_lib_signal how;
  int fds[2];        /* the channel: pipe, socketpair, or fds[0] = eventfd */
  int epfd;          /* RACE_LIB_EPOLL: watches fds[0] */
  int unseen_fds[2]; /* a pipe made and used by raw syscalls only */
  pthread_t waiter;  /* RACE_LIB_SIGNAL: the thread that made the request */
  pthread_mutex_t mu;
  pthread_cond_t cond;
  int done;
  int let_go; /* RACE_LIB_RELAXED: the thread may end */
  void (*work)(struct race_lib_request *req);
  void *target;
  size_t size;
  int value;
};

static void store_int(struct race_lib_request *req) {
  *(int *)req->target = req->value;
}

static void fill_bytes(struct race_lib_request *req) {
  memset(req->target, req->value, req->size);
}

static void store_ints(struct race_lib_request *req) {
  int *ints = req->target;
  for (size_t i = 0; i < req->size; i++)
    ints[i] = req->value;
}

static void store_int_atomic(struct race_lib_request *req) {
  __atomic_store_n((int *)req->target, req->value, __ATOMIC_RELAXED);
}

/* RACE_LIB_SIGNAL: set by the handler, on the waiting thread. */
static volatile sig_atomic_t signalled;
static void (*signal_hook)(void);

static void on_signal(int sig) {
  (void)sig;
  if (signal_hook)
    signal_hook();
  signalled = 1;
}

void race_lib_on_signal(void (*hook)(void)) { signal_hook = hook; }

static void send_signal(struct race_lib_request *req) {
  char byte = 1;
  switch (req->how) {
  case RACE_LIB_COND:
    pthread_mutex_lock(&req->mu);
    req->done = 1;
    pthread_cond_signal(&req->cond);
    pthread_mutex_unlock(&req->mu);
    return;
  case RACE_LIB_PIPE:
  case RACE_LIB_EPOLL:
    if (write(req->fds[1], &byte, 1) != 1)
      abort();
    return;
  case RACE_LIB_SOCKETPAIR:
    if (send(req->fds[1], &byte, 1, 0) != 1)
      abort();
    return;
  case RACE_LIB_EVENTFD:
    if (eventfd_write(req->fds[0], 1) != 0)
      abort();
    return;
  case RACE_LIB_SIGNAL:
  case RACE_LIB_SIGNAL_FIRST:
    if (pthread_kill(req->waiter, SIGUSR1) != 0)
      abort();
    return;
  case RACE_LIB_RELAXED:
    race_lib_set(&req->done, 1);
    race_lib_wait_for(&req->let_go, 1);
    return;
  }
}

static void *request_thread(void *arg) {
  struct race_lib_request *req = arg;
  if (req->how == RACE_LIB_SIGNAL_FIRST)
    send_signal(req);
  req->work(req);
  if (req->how != RACE_LIB_SIGNAL_FIRST)
    send_signal(req);
  char byte = 1;
  if (syscall(SYS_write, req->unseen_fds[1], &byte, 1) != 1)
    abort();
  return NULL;
}

static void open_channel(struct race_lib_request *req) {
  req->fds[0] = req->fds[1] = req->epfd = -1;
  switch (req->how) {
  case RACE_LIB_COND:
  case RACE_LIB_RELAXED:
    return;
  case RACE_LIB_PIPE:
    if (pipe(req->fds) != 0)
      abort();
    return;
  case RACE_LIB_EPOLL: {
    if (pipe(req->fds) != 0)
      abort();
    struct epoll_event ev = {.events = EPOLLIN};
    req->epfd = epoll_create1(0);
    if (req->epfd < 0 || epoll_ctl(req->epfd, EPOLL_CTL_ADD, req->fds[0], &ev) != 0)
      abort();
    return;
  }
  case RACE_LIB_SOCKETPAIR:
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, req->fds) != 0)
      abort();
    return;
  case RACE_LIB_EVENTFD:
    req->fds[0] = eventfd(0, 0);
    if (req->fds[0] < 0)
      abort();
    return;
  case RACE_LIB_SIGNAL:
  case RACE_LIB_SIGNAL_FIRST: {
    /* Blocked until the waiter's sigsuspend, so it cannot be lost. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0)
      abort();
    req->waiter = pthread_self();
    return;
  }
  }
}

static struct race_lib_request *start(void (*work)(struct race_lib_request *),
                                      void *target, size_t size, int value,
                                      enum race_lib_signal how) {
  struct race_lib_request *req = calloc(1, sizeof *req);
  if (!req)
    abort();
  req->how = how;
  open_channel(req);
  if (syscall(SYS_pipe2, req->unseen_fds, 0) != 0)
    abort();
  req->work = work;
  req->target = target;
  req->size = size;
  req->value = value;
  pthread_mutex_init(&req->mu, NULL);
  pthread_cond_init(&req->cond, NULL);
  if (pthread_create(&req->thread, NULL, request_thread, req) != 0)
    abort();
  return req;
}

struct race_lib_request *race_lib_store_async(int *slot, int value,
                                              enum race_lib_signal how) {
  return start(store_int, slot, sizeof *slot, value, how);
}

struct race_lib_request *race_lib_fill_async(char *buf, size_t n, int byte,
                                             enum race_lib_signal how) {
  return start(fill_bytes, buf, n, byte, how);
}

struct race_lib_request *race_lib_store_ints_async(int *ints, int count, int value,
                                                   enum race_lib_signal how) {
  return start(store_ints, ints, (size_t)count, value, how);
}

struct race_lib_request *race_lib_atomic_store_async(int *slot, int value,
                                                     enum race_lib_signal how) {
  return start(store_int_atomic, slot, sizeof *slot, value, how);
}

void race_lib_let_go(struct race_lib_request *req) { race_lib_set(&req->let_go, 1); }

void race_lib_wait(struct race_lib_request *req) {
  char byte;
  switch (req->how) {
  case RACE_LIB_RELAXED:
    race_lib_wait_for(&req->done, 1);
    return;
  case RACE_LIB_COND:
    pthread_mutex_lock(&req->mu);
    while (!req->done)
      pthread_cond_wait(&req->cond, &req->mu);
    pthread_mutex_unlock(&req->mu);
    return;
  case RACE_LIB_EPOLL: {
    struct epoll_event ev;
    if (epoll_wait(req->epfd, &ev, 1, -1) != 1)
      abort();
  }
    /* fall through: read what woke it */
  case RACE_LIB_PIPE:
    if (read(req->fds[0], &byte, 1) != 1)
      abort();
    return;
  case RACE_LIB_SOCKETPAIR:
    if (recv(req->fds[0], &byte, 1, 0) != 1)
      abort();
    return;
  case RACE_LIB_EVENTFD: {
    eventfd_t count;
    if (eventfd_read(req->fds[0], &count) != 0)
      abort();
    return;
  }
  case RACE_LIB_SIGNAL:
  case RACE_LIB_SIGNAL_FIRST: {
    sigset_t unblocked;
    pthread_sigmask(SIG_BLOCK, NULL, &unblocked);
    sigdelset(&unblocked, SIGUSR1);
    while (!signalled)
      sigsuspend(&unblocked);
    signalled = 0;
    return;
  }
  }
}

void race_lib_wait_unseen(struct race_lib_request *req) {
  char byte;
  if (syscall(SYS_read, req->unseen_fds[0], &byte, 1) != 1)
    abort();
}

int race_lib_fd(struct race_lib_request *req) { return req->fds[0]; }

void race_lib_close(struct race_lib_request *req) {
  int *fds[] = {&req->epfd, &req->fds[0], &req->fds[1]};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
    if (*fds[i] >= 0)
      close(*fds[i]);
    *fds[i] = -1;
  }
}

void race_lib_finish(struct race_lib_request *req) {
  pthread_join(req->thread, NULL);
  race_lib_close(req);
  syscall(SYS_close, req->unseen_fds[0]);
  syscall(SYS_close, req->unseen_fds[1]);
  pthread_mutex_destroy(&req->mu);
  pthread_cond_destroy(&req->cond);
  free(req);
}

static int notified;

void race_lib_notify(void) {
  __atomic_store_n(&notified, 1, __ATOMIC_RELEASE);
}

void race_lib_wait_notified(void) {
  while (!__atomic_load_n(&notified, __ATOMIC_ACQUIRE))
    sched_yield();
}

void race_lib_set(int *flag, int value) { __atomic_store_n(flag, value, __ATOMIC_RELAXED); }

void race_lib_wait_for(const int *flag, int value) {
  while (__atomic_load_n(flag, __ATOMIC_RELAXED) != value)
    sched_yield();
}
