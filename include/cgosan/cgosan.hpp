// cgosan.hpp — a thin C++ layer over cgosan.h: run any callable as a G, or
// across the boundary, without writing a trampoline by hand.
//
//   cgosan::run([&] { ... managed code ... });
//   int err = cgosan::cgocall([&] { return write(fd, buf, n); });
//   cgosan::cgocallback([&] { ... managed code, from a C callback ... });
//
// The callable is passed by address; it must outlive the call (it does: each
// function returns only after the callable has run).
#ifndef CGOSAN_CGOSAN_HPP
#define CGOSAN_CGOSAN_HPP

#include <cgosan/cgosan.h>

#include <type_traits>

namespace cgosan {

namespace detail {
template <class F>
void invoke(void *callable) {
  (*static_cast<F *>(callable))();
}
}  // namespace detail

template <class F>
int run(F &&f) {
  using Fn = typename std::remove_reference<F>::type;
  return cgosan_run(&detail::invoke<Fn>, static_cast<void *>(&f));
}

template <class F>
int cgocall(F &&f) {
  using Fn = typename std::remove_reference<F>::type;
  return cgosan_cgocall(&detail::invoke<Fn>, static_cast<void *>(&f));
}

template <class F>
void cgocallback(F &&f) {
  using Fn = typename std::remove_reference<F>::type;
  cgosan_cgocallback(&detail::invoke<Fn>, static_cast<void *>(&f));
}

inline bool in_managed() { return cgosan_in_managed() != 0; }
inline int64_t num_cgocall() { return cgosan_num_cgocall(); }

}  // namespace cgosan

#endif  // CGOSAN_CGOSAN_HPP
