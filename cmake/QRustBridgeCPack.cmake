# Debian packages with CPack (DEB), one per install component:
#
#   libqrustbridge0           runtime: libQRustBridge.so.0*, translations
#   libqrustbridge-dev        headers, CMake package (QRustBridgeConfig.cmake,
#                             qrustbridge_add_backend() & co.), the generator,
#                             the libQRustBridge.so / libQRustBridgeQml.so links,
#                             the crates qrustbridge and qrustbridge-derive in
#                             /usr/share/cargo/registry (scripts/packages.sh sets
#                             QRUSTBRIDGE_CARGO_REGISTRY_DIR=share/cargo/registry)
#   qml6-module-qrustbridge   the QML module QRustBridge (qmldir, qmltypes,
#                             plugin) and its backing libQRustBridgeQml.so.0*
#
# Build them from a tree configured for /usr (so that GNUInstallDirs picks
# Debian's multiarch libdir and the QML module lands in Qt's import path):
#   cmake -S . -B build-packages -DCMAKE_INSTALL_PREFIX=/usr ... && cmake --build build-packages
#   (cd build-packages && cpack -G DEB)
# scripts/packages.sh does that and tests the packages in a clean chroot.
#
# Components: the top-level CMakeLists.txt gives each subdirectory's install
# rules a default component (src: dev, qml: qml, translations: runtime), as
# those rules name none. The runtime library files are moved from the dev
# to the runtime package, and the QML backing library's link from the qml to
# the dev package, by cmake/QRustBridgeCPackSplit.cmake (a pre-build script,
# run once CPack has installed each component into its staging directory).

set(CPACK_PACKAGE_NAME qrustbridge)
set(CPACK_PACKAGE_VENDOR "QRustBridge")
set(CPACK_PACKAGE_CONTACT "QRustBridge maintainers <qrustbridge@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_COMPONENTS_ALL runtime dev qml)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/qrustbridge")
# Build-time dependencies of the packaged binaries, from the binaries
# themselves (dpkg-shlibdeps): Qt, libstdc++ and libc with the names and
# versions of the distribution the packages are built on.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${CMAKE_BINARY_DIR}/src ${CMAKE_BINARY_DIR}/qml)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(qrustbridge_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libqrustbridge${PROJECT_VERSION_MAJOR})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "Qt 6 library that drives a Rust backend process over NDJSON (runtime)\n\
QRustBridge starts a backend process (or connects to a local socket) and\n\
exchanges newline-delimited JSON requests, responses, stream chunks and\n\
events with it, without blocking the GUI thread.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libqrustbridge-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libqrustbridge${PROJECT_VERSION_MAJOR} (= ${qrustbridge_deb_version}), qt6-base-dev (>= 6.4)")
# What a Rust backend built with qrustbridge_add_backend() needs.
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS
    "cargo, librust-serde-dev, librust-serde-json-dev, librust-tokio-dev, librust-tokio-util-dev, librust-log-dev, librust-libc-dev, librust-syn-dev, librust-quote-dev, librust-proc-macro2-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Qt 6 library that drives a Rust backend process over NDJSON (development files)\n\
Headers and the CMake package: find_package(QRustBridge) and\n\
target_link_libraries(app PRIVATE QRustBridge::QRustBridge); the CMake\n\
functions that build, ship and describe a Rust backend, and the Rust crate.")

set(CPACK_DEBIAN_QML_PACKAGE_NAME qml6-module-qrustbridge)
set(CPACK_DEBIAN_QML_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_QML_PACKAGE_DEPENDS
    "libqrustbridge${PROJECT_VERSION_MAJOR} (= ${qrustbridge_deb_version})")
set(CPACK_COMPONENT_QML_DESCRIPTION
    "Qt 6 library that drives a Rust backend process over NDJSON (QML module)\n\
The QML module QRustBridge: import QRustBridge, RustBridge { binaryName: ... },\n\
with call()/stream()/spawn() returning JavaScript Promises.")

set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/QRustBridgeCPackSplit.cmake)
# Read by the pre-build script (CPack passes CPACK_* variables on).
set(CPACK_QRUSTBRIDGE_LIBDIR ${CMAKE_INSTALL_LIBDIR})

# Debian's copyright file, in the runtime package (the others depend on it).
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/libqrustbridge${PROJECT_VERSION_MAJOR}
    RENAME copyright
    COMPONENT runtime)

include(CPack)
