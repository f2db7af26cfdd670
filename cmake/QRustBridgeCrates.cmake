# The Rust crates qrustbridge and qrustbridge-derive as a cargo directory
# source: built into ${PROJECT_BINARY_DIR}/cargo-registry (what backends in
# this tree resolve `qrustbridge = "0.1"` from) and installed with the
# package, so that an app's own crate builds offline against the installed
# QRustBridge (docs/cmake-backend.md).
#
# QRUSTBRIDGE_CARGO_REGISTRY_DIR: where, relative to the prefix. The Debian
# -dev package puts the crates the Debian way, into share/cargo/registry
# (scripts/packages.sh), next to the librust-*-dev crates.
set(QRUSTBRIDGE_CARGO_REGISTRY_DIR ${CMAKE_INSTALL_DATADIR}/qrustbridge/cargo-registry CACHE STRING
    "Where the qrustbridge crates are installed as a cargo directory source (relative to the prefix)")
set(QRUSTBRIDGE_CARGO_REGISTRY ${PROJECT_BINARY_DIR}/cargo-registry)
set(QRUSTBRIDGE_CARGO_REGISTRY_TARGET qrustbridge-crates)

set(crate_outputs)
foreach(crate qrustbridge qrustbridge-derive)
    set(crate_dir ${PROJECT_SOURCE_DIR}/rust/${crate})
    if(NOT EXISTS ${crate_dir}/Cargo.toml)
        continue()
    endif()
    file(STRINGS ${crate_dir}/Cargo.toml version_line REGEX "^version *= *\"")
    string(REGEX REPLACE "^version *= *\"([^\"]*)\".*" "\\1" version "${version_line}")
    file(GLOB_RECURSE crate_files CONFIGURE_DEPENDS ${crate_dir}/src/*)
    set(checksum ${QRUSTBRIDGE_CARGO_REGISTRY}/${crate}-${version}/.cargo-checksum.json)
    add_custom_command(OUTPUT ${checksum}
        COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${crate_dir} -DDEST=${QRUSTBRIDGE_CARGO_REGISTRY}
                -DNAME=${crate} -DVERSION=${version}
                -P ${PROJECT_SOURCE_DIR}/cmake/QRustBridgeVendorCrate.cmake
        DEPENDS ${crate_files} ${crate_dir}/Cargo.toml ${crate_dir}/README.md
                ${PROJECT_SOURCE_DIR}/cmake/QRustBridgeVendorCrate.cmake
        COMMENT "Copying crate ${crate} ${version} into the cargo directory source"
        VERBATIM)
    list(APPEND crate_outputs ${checksum})
endforeach()
add_custom_target(qrustbridge-crates ALL DEPENDS ${crate_outputs})

install(DIRECTORY ${QRUSTBRIDGE_CARGO_REGISTRY}/
    DESTINATION ${QRUSTBRIDGE_CARGO_REGISTRY_DIR}
    COMPONENT dev)
