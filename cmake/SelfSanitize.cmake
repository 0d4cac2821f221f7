# SelfSanitize.cmake — CGOSAN_SELF_SANITIZE=undefined builds the runtime
# (libcgosan.so and .a) and the unit tests with UndefinedBehaviorSanitizer,
# so that undefined behaviour in the runtime itself fails the tests
# (-fno-sanitize-recover: the first one aborts the process). Defines:
#   CGOSAN_SELF_SANITIZE_COMPILE_OPTIONS  for the runtime's and tests' sources
#   CGOSAN_SELF_SANITIZE_RUNTIME          the UBSan runtime archive, linked
#                                         into libcgosan.so and .a's users
#   CGOSAN_SELF_SANITIZE_LABEL            the unit tests' ctest label: unit,
#                                         or ubsan
# It uses UBSan's minimal runtime: the standalone one carries its own copy of
# sanitizer_common and interceptors, which collide with the runtime's (see
# docs/design-notes.md, issue 23, "Which sanitizer can build the runtime").
# ASan and TSan cannot build the runtime at all, for the same reason: asking
# for them is a configure error that says why.
set(CGOSAN_SELF_SANITIZE "" CACHE STRING
    "Build the runtime and its unit tests with this sanitizer: undefined, or empty")
set_property(CACHE CGOSAN_SELF_SANITIZE PROPERTY STRINGS "" undefined)

set(CGOSAN_SELF_SANITIZE_COMPILE_OPTIONS "")
set(CGOSAN_SELF_SANITIZE_RUNTIME "")
set(CGOSAN_SELF_SANITIZE_LABEL unit)
if(CGOSAN_SELF_SANITIZE STREQUAL "undefined")
  # vptr needs RTTI, which the runtime does not have; function (an indirect
  # call through a mistyped pointer) is kept.
  set(CGOSAN_SELF_SANITIZE_COMPILE_OPTIONS
    -fsanitize=undefined -fno-sanitize=vptr -fsanitize-minimal-runtime
    -fno-sanitize-recover=all)
  execute_process(
    COMMAND ${CMAKE_CXX_COMPILER} --print-file-name=libclang_rt.ubsan_minimal-x86_64.a
    OUTPUT_VARIABLE _ubsan_minimal OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${_ubsan_minimal}" OR NOT EXISTS "${_ubsan_minimal}")
    execute_process(
      COMMAND ${CMAKE_CXX_COMPILER} -print-resource-dir
      OUTPUT_VARIABLE _resource_dir OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(_ubsan_minimal
        "${_resource_dir}/lib/linux/libclang_rt.ubsan_minimal-x86_64.a")
  endif()
  if(NOT EXISTS "${_ubsan_minimal}")
    message(FATAL_ERROR "CGOSAN_SELF_SANITIZE=undefined: UBSan's minimal "
                        "runtime is not installed (${_ubsan_minimal})")
  endif()
  set(CGOSAN_SELF_SANITIZE_RUNTIME "${_ubsan_minimal}")
  set(CGOSAN_SELF_SANITIZE_LABEL ubsan)
elseif(CGOSAN_SELF_SANITIZE STREQUAL "address" OR
       CGOSAN_SELF_SANITIZE STREQUAL "thread")
  message(FATAL_ERROR "CGOSAN_SELF_SANITIZE=${CGOSAN_SELF_SANITIZE}: the "
    "runtime cannot be built with that sanitizer: both carry sanitizer_common "
    "and intercept the same libc functions (with ASan the link fails; with "
    "TSan the runtime's interceptors are silently left out, and its race "
    "checker reports false races); see docs/design-notes.md, issue 23, "
    "\"Which sanitizer can build the runtime\"; use undefined")
elseif(NOT CGOSAN_SELF_SANITIZE STREQUAL "")
  message(FATAL_ERROR "CGOSAN_SELF_SANITIZE=${CGOSAN_SELF_SANITIZE}: unknown "
                      "value (expected undefined, or empty)")
endif()
