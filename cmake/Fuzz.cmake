# Fuzz.cmake — the runtime once more, built for the libFuzzer targets of
# tests/fuzz (see tests/fuzz/CMakeLists.txt for how a target is linked).
#
# cgosan_fuzz_variant(<object library>) makes <object library>_fuzz from the
# same sources with the same settings, plus libFuzzer's coverage and ASan and
# UBSan instrumentation. It is called in the directory of the original, so
# the per-file properties set there (boundary_guard.cpp's -fexceptions, ...)
# apply to the copy too.
option(CGOSAN_BUILD_FUZZ
  "Build the libFuzzer targets in tests/fuzz (clang only; ctest label fuzz)" ON)
if(CGOSAN_BUILD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(STATUS "cgosan: the fuzz targets need clang; CGOSAN_BUILD_FUZZ is off")
  set(CGOSAN_BUILD_FUZZ OFF)
endif()

# UBSan must end the run at its first finding, or libFuzzer counts none.
set(CGOSAN_FUZZ_COMPILE_OPTIONS
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
  CACHE INTERNAL "")

function(cgosan_fuzz_variant target)
  if(NOT CGOSAN_BUILD_FUZZ OR NOT CGOSAN_BUILD_TESTS)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  add_library(${target}_fuzz OBJECT ${sources})
  foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS
          LINK_LIBRARIES)
    get_target_property(value ${target} ${property})
    if(value)
      set_property(TARGET ${target}_fuzz PROPERTY ${property} "${value}")
    endif()
  endforeach()
  target_compile_options(${target}_fuzz PRIVATE ${CGOSAN_FUZZ_COMPILE_OPTIONS})
endfunction()
