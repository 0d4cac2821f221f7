# SanitizerCommon.cmake — LLVM compiler-rt's sanitizer_common and interception,
# built from Debian's llvm-toolchain-19 source package at configure time by
# scripts/build-sanitizer-common (cached; see that script). Defines:
#   cgosan_sanitizer_common   an imported OBJECT library of their objects
#   CGOSAN_COMPILER_RT_DIR    the compiler-rt source tree (for its headers)
# Another build directory's may be named, so a second build (scripts/test's
# UBSan one) does not build it again.
set(CGOSAN_SANCOMMON_DIR "${CMAKE_BINARY_DIR}/_deps/sanitizer_common" CACHE PATH
    "Where sanitizer_common is built")
execute_process(
  COMMAND "${PROJECT_SOURCE_DIR}/scripts/build-sanitizer-common" "${CGOSAN_SANCOMMON_DIR}"
  RESULT_VARIABLE _sancommon_rc)
if(NOT _sancommon_rc EQUAL 0)
  message(FATAL_ERROR "building sanitizer_common failed (see the lines above)")
endif()
set(CGOSAN_COMPILER_RT_DIR "${CGOSAN_SANCOMMON_DIR}/src/compiler-rt")
file(STRINGS "${CGOSAN_SANCOMMON_DIR}/objects.txt" _sancommon_objects)

add_library(cgosan_sanitizer_common OBJECT IMPORTED GLOBAL)
set_target_properties(cgosan_sanitizer_common PROPERTIES
  IMPORTED_OBJECTS "${_sancommon_objects}"
  INTERFACE_INCLUDE_DIRECTORIES "${CGOSAN_COMPILER_RT_DIR}/lib")
