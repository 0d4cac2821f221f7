# Install.cmake — the layout of the design: include/cgosan/, lib/libcgosan.so
# and .a, lib/libCgosanPass.so (the clang pass plugin), lib/pkgconfig/cgosan.pc,
# lib/cmake/cgosan (find_package(cgosan)); and for static linking,
# lib/pkgconfig/cgosan-static.pc and the dynamic list it and
# cgosan::cgosan_static link with, lib/cgosan/interceptors.dyn.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/cgosan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS cgosan cgosan_static EXPORT cgosanTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The clang pass plugin: clang -fpass-plugin=<prefix>/lib/libCgosanPass.so
install(TARGETS CgosanPass LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT cgosanTargets NAMESPACE cgosan::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cgosan)

configure_package_config_file(cmake/cgosanConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/cgosanConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cgosan)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cgosanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cgosanConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cgosanConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cgosan)

configure_file(cmake/cgosan.pc.in ${CMAKE_CURRENT_BINARY_DIR}/cgosan.pc @ONLY)
configure_file(cmake/cgosan-static.pc.in ${CMAKE_CURRENT_BINARY_DIR}/cgosan-static.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cgosan.pc
              ${CMAKE_CURRENT_BINARY_DIR}/cgosan-static.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(FILES cmake/interceptors.dyn DESTINATION ${CMAKE_INSTALL_LIBDIR}/cgosan)

# The interposer tools (interceptors/gen, scripts/cgosan-run): bin/cgosan-gen
# and bin/cgosan-run; cgosan-gen's Python package and the C it compiles into
# every interposer in share/cgosan/gen; the annotations of known libraries in
# share/cgosan/annotations. Both tools find the rest relative to PREFIX/bin.
install(PROGRAMS interceptors/gen/cgosan-gen scripts/cgosan-run
  DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY interceptors/gen/cgosan_gen
  DESTINATION ${CMAKE_INSTALL_DATADIR}/cgosan/gen FILES_MATCHING PATTERN "*.py")
install(FILES interceptors/gen/interposer_rt.c interceptors/gen/interposer_rt.h
  DESTINATION ${CMAKE_INSTALL_DATADIR}/cgosan/gen)
install(DIRECTORY interceptors/gen/annotations/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/cgosan/annotations)
