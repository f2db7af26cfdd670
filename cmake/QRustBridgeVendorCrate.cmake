# cmake -P script: copies one crate of this tree into a cargo directory
# source, the way `cargo package` would publish it (docs/cmake-backend.md):
#   <DEST>/<name>-<version>/{Cargo.toml, README.md, src/...,
#                            .cargo-checksum.json}
#   -DSOURCE_DIR=<crate> -DDEST=<directory source> -DNAME -DVERSION
# Cargo.toml loses what only makes sense in this tree: the `path` of
# dependencies (they resolve by version, from the same directory source) and
# [dev-dependencies] (never resolved for a dependency; ours include the crate
# itself by path).
cmake_policy(VERSION 3.21)
set(out ${DEST}/${NAME}-${VERSION})
file(REMOVE_RECURSE ${out})
file(MAKE_DIRECTORY ${out})

file(STRINGS ${SOURCE_DIR}/Cargo.toml lines)
set(manifest "# Copied from QRustBridge's source tree; dependency paths and\n# [dev-dependencies] removed (cmake/QRustBridgeVendorCrate.cmake).\n")
set(skip OFF)
foreach(line IN LISTS lines)
    if(line MATCHES "^\\[")
        if(line MATCHES "dev-dependencies\\]")
            set(skip ON)
        else()
            set(skip OFF)
        endif()
    endif()
    if(skip)
        continue()
    endif()
    # Only inline tables: a dependency's `{ path = "...", version = "..." }`.
    if(line MATCHES "= *{")
        string(REGEX REPLACE "path *= *\"[^\"]*\" *, *" "" line "${line}")
    endif()
    if(line MATCHES "= *{.*path *=")
        message(FATAL_ERROR "${SOURCE_DIR}/Cargo.toml: cannot publish a path dependency without a version: ${line}")
    endif()
    string(APPEND manifest "${line}\n")
endforeach()
file(WRITE ${out}/Cargo.toml "${manifest}")

set(files Cargo.toml)
if(EXISTS ${SOURCE_DIR}/README.md)
    file(COPY ${SOURCE_DIR}/README.md DESTINATION ${out})
    list(APPEND files README.md)
endif()
file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/src/*)
foreach(file IN LISTS sources)
    get_filename_component(dir ${out}/${file} DIRECTORY)
    file(COPY ${SOURCE_DIR}/${file} DESTINATION ${dir})
    list(APPEND files ${file})
endforeach()

# Cargo checks every listed file against its SHA-256 before building a
# crate of a directory source. No "package" sum: that one is the .crate
# archive's, and there is no archive.
list(SORT files)
set(entries "")
foreach(file IN LISTS files)
    file(SHA256 ${out}/${file} sum)
    if(entries)
        string(APPEND entries ",")
    endif()
    string(APPEND entries "\"${file}\":\"${sum}\"")
endforeach()
file(WRITE ${out}/.cargo-checksum.json "{\"files\":{${entries}},\"package\":null}\n")
