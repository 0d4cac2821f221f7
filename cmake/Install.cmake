# Install.cmake — the layout of the design: include/cgosan/, lib/libcgosan.so
# and .a, lib/pkgconfig/cgosan.pc, lib/cmake/cgosan (find_package(cgosan)).
include(CMakePackageConfigHelpers)

install(DIRECTORY include/cgosan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS cgosan cgosan_static EXPORT cgosanTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
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
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cgosan.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
