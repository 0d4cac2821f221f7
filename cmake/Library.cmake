# Library.cmake — libcgosan.so (exports only cgosan_* and the pthread, fd
# and signal interceptors) and libcgosan.a, from the runtime core (rtl/),
# the checkers (checkers/), the pthread interceptors (interceptors/pthread/)
# and sanitizer_common + interception.
# libunwind is dlopen'ed RTLD_LOCAL (stack_capture_linux.cpp), not linked.
set(_cgosan_link Threads::Threads ${CMAKE_DL_LIBS})
# Built with CGOSAN_SELF_SANITIZE=undefined, the runtime calls UBSan's
# minimal runtime (cmake/SelfSanitize.cmake): the shared library holds a
# private copy; the static one's users link it.
if(CGOSAN_SELF_SANITIZE_RUNTIME)
  list(APPEND _cgosan_link "${CGOSAN_SELF_SANITIZE_RUNTIME}")
endif()
find_package(Threads REQUIRED)

add_library(cgosan SHARED
  $<TARGET_OBJECTS:cgosan_rtl> $<TARGET_OBJECTS:cgosan_checkers>
  $<TARGET_OBJECTS:cgosan_interceptors_pthread>
  $<TARGET_OBJECTS:cgosan_sanitizer_common>)
target_include_directories(cgosan PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(cgosan PRIVATE ${_cgosan_link})
target_link_options(cgosan PRIVATE
  -Wl,--version-script=${PROJECT_SOURCE_DIR}/rtl/cgosan.map
  -Wl,--exclude-libs,ALL -Wl,-z,defs)
set_target_properties(cgosan PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION 0
  LINK_DEPENDS ${PROJECT_SOURCE_DIR}/rtl/cgosan.map)

add_library(cgosan_static STATIC
  $<TARGET_OBJECTS:cgosan_rtl> $<TARGET_OBJECTS:cgosan_checkers>
  $<TARGET_OBJECTS:cgosan_interceptors_pthread>
  $<TARGET_OBJECTS:cgosan_sanitizer_common>)
set_target_properties(cgosan_static PROPERTIES OUTPUT_NAME cgosan)
target_include_directories(cgosan_static PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/rtl>
  $<BUILD_INTERFACE:${CGOSAN_COMPILER_RT_DIR}/lib>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(cgosan_static PUBLIC
  $<BUILD_INTERFACE:${_cgosan_link}>
  $<INSTALL_INTERFACE:Threads::Threads;${CMAKE_DL_LIBS};stdc++>)
# A program linked with libcgosan.a defines the pthread interceptors itself.
# Two link options make that complete: pull them in even when only shared
# libraries call pthread (std::thread lives in libstdc++.so), and export them
# so those libraries, and ones loaded later, bind to them (cmake/
# interceptors.dyn, a --dynamic-list, as the sanitizers' .syms files).
target_link_options(cgosan_static INTERFACE
  LINKER:--undefined=pthread_create
  "LINKER:--dynamic-list=$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/cmake/interceptors.dyn>$<INSTALL_INTERFACE:$<INSTALL_PREFIX>/${CMAKE_INSTALL_LIBDIR}/cgosan/interceptors.dyn>")
