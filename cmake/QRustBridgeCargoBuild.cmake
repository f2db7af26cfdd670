# cmake -P script behind qrustbridge_add_backend(): builds one backend with
# cargo, offline, against a directory source that merges the qrustbridge
# crates with Debian's registry (or other REGISTRIES).
#   -DCARGO -DCRATE_DIR -DPACKAGE -DBINARY -DBINARY_FILE -DRELEASE_FLAG
#   -DTARGET_DIR -DSTATE_DIR -DREGISTRIES=<dir;...> -DRUSTFLAGS -DCALLER
cmake_policy(VERSION 3.21)

# The merged source: one directory of links, first registry wins per crate.
# Its name carries a hash of the qrustbridge crates: cargo takes a registry
# crate of an unchanged version as unchanged, so a reinstalled (or, in
# QRustBridge's own tree, edited) crate must come from a new source to be
# rebuilt.
list(REMOVE_DUPLICATES REGISTRIES)
list(FILTER REGISTRIES EXCLUDE REGEX "^$")
set(existing)
set(fingerprint "")
foreach(registry IN LISTS REGISTRIES)
    if(IS_DIRECTORY ${registry})
        list(APPEND existing ${registry})
        file(GLOB ours LIST_DIRECTORIES true ${registry}/qrustbridge-*)
        list(SORT ours)
        foreach(crate IN LISTS ours)
            if(EXISTS ${crate}/.cargo-checksum.json)
                file(SHA256 ${crate}/.cargo-checksum.json sum)
                string(APPEND fingerprint "${crate}=${sum};")
            endif()
        endforeach()
    endif()
endforeach()
string(APPEND fingerprint "${REGISTRIES}")
string(SHA256 fingerprint "${fingerprint}")
string(SUBSTRING ${fingerprint} 0 12 fingerprint)
set(overlay ${STATE_DIR}/registry-${fingerprint})
set(config ${STATE_DIR}/config-${fingerprint}.toml)

file(MAKE_DIRECTORY ${STATE_DIR})
# Backends built in parallel share the overlay.
file(LOCK ${STATE_DIR}/lock GUARD PROCESS TIMEOUT 600)
file(MAKE_DIRECTORY ${overlay})
set(linked)
foreach(registry IN LISTS existing)
    file(GLOB crates LIST_DIRECTORIES true RELATIVE ${registry} ${registry}/*)
    foreach(crate IN LISTS crates)
        if(crate IN_LIST linked OR NOT IS_DIRECTORY ${registry}/${crate})
            continue()
        endif()
        list(APPEND linked ${crate})
        if(NOT IS_SYMLINK ${overlay}/${crate})
            file(CREATE_LINK ${registry}/${crate} ${overlay}/${crate} SYMBOLIC)
        endif()
    endforeach()
endforeach()
# Crates that went away (uninstalled Debian packages).
file(GLOB links LIST_DIRECTORIES true RELATIVE ${overlay} ${overlay}/*)
foreach(link IN LISTS links)
    if(NOT link IN_LIST linked)
        file(REMOVE ${overlay}/${link})
    endif()
endforeach()
file(CONFIGURE OUTPUT ${config} CONTENT "# Written by qrustbridge_add_backend(): crates.io served offline from
# ${overlay}, which links the crates of
# ${existing}
[source.crates-io]
replace-with = \"qrustbridge-offline\"
[source.qrustbridge-offline]
directory = \"${overlay}\"
[net]
offline = true
")
file(LOCK ${STATE_DIR}/lock RELEASE)

set(command ${CARGO} build --offline --config ${config} --manifest-path ${CRATE_DIR}/Cargo.toml --bin ${BINARY})
if(RELEASE_FLAG)
    list(APPEND command ${RELEASE_FLAG})
endif()
if(PACKAGE)
    list(APPEND command -p ${PACKAGE})
endif()
set(ENV{CARGO_TARGET_DIR} ${TARGET_DIR})
if(RUSTFLAGS)
    set(ENV{RUSTFLAGS} "${RUSTFLAGS}")
endif()
# cargo's own messages go straight to the build log.
execute_process(COMMAND ${command} WORKING_DIRECTORY ${CRATE_DIR} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    list(JOIN existing ", " sources)
    list(JOIN command " " command)
    message(FATAL_ERROR "${CALLER}: cargo build failed (${status}) in ${CRATE_DIR}; "
        "cargo's messages are above. Crates come offline from: ${sources}. "
        "Command: ${command}")
endif()
if(NOT EXISTS ${BINARY_FILE})
    message(FATAL_ERROR "${CALLER}: cargo succeeded but ${BINARY_FILE} does not exist")
endif()
# cargo leaves an up-to-date binary alone; the build tool compares times.
file(TOUCH_NOCREATE ${BINARY_FILE})
