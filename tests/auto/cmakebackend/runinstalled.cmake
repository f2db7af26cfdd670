# cmake -P script: the three CMake functions against an installed QRustBridge
# only. Installs the build tree into a temporary prefix, copies consumer/ to
# a temporary directory (outside every source tree), builds it there (its
# crate gets `qrustbridge = "0.1"` from the installed directory source), runs
# it from the build tree and installed, then renames a field in the backend:
# the old program logs the schema warning, and a full build regenerates the
# header, so the stale field name no longer compiles.
#   -DBUILD_DIR=<QRustBridge build> -DCONSUMER_DIR -DGENERATOR
cmake_policy(VERSION 3.21)
if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
    set(tmp "$ENV{TMPDIR}")
else()
    set(tmp /tmp)
endif()
string(RANDOM LENGTH 8 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 suffix)
set(dir ${tmp}/qrustbridge-cmakebackend-${suffix})
set(prefix ${dir}/prefix)
set(src ${dir}/src)
set(build ${dir}/build)
file(MAKE_DIRECTORY ${dir})
message(STATUS "working in ${dir} (kept if the test fails)")

# run(<out var> <expected: 0 or FAIL> <command>...): output is stdout + stderr.
function(run out expect)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(expect STREQUAL "FAIL" AND status EQUAL 0)
        message(FATAL_ERROR "expected a failure, but succeeded: ${ARGN}\n${output}")
    elseif(NOT expect STREQUAL "FAIL" AND NOT status EQUAL 0)
        message(FATAL_ERROR "failed (${status}): ${ARGN}\n${output}")
    endif()
    set(${out} "${output}" PARENT_SCOPE)
endfunction()

function(expect_match output regex what)
    if(NOT output MATCHES "${regex}")
        message(FATAL_ERROR "${what}: expected output matching \"${regex}\", got:\n${output}")
    endif()
endfunction()

run(ignored 0 ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file lib/cmake/QRustBridge/QRustBridgeBackend.cmake
             share/qrustbridge/cargo-registry/qrustbridge-0.1.0/.cargo-checksum.json
             share/qrustbridge/cargo-registry/qrustbridge-derive-0.1.0/.cargo-checksum.json)
    if(NOT EXISTS ${prefix}/${file})
        message(FATAL_ERROR "not installed: ${file}")
    endif()
endforeach()

file(COPY ${CONSUMER_DIR}/ DESTINATION ${src})
run(ignored 0 ${CMAKE_COMMAND} -S ${src} -B ${build} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_INSTALL_PREFIX=${dir}/app)
run(output 0 ${CMAKE_COMMAND} --build ${build})

# cargo took the qrustbridge crate from the installed package.
file(GLOB linked LIST_DIRECTORIES true ${build}/qrustbridge-cargo/registry-*/qrustbridge-0.1.0)
if(NOT linked)
    message(FATAL_ERROR "no qrustbridge crate in the consumer's cargo source:\n${output}")
endif()
file(REAL_PATH ${linked} crate)
if(NOT crate STREQUAL "${prefix}/share/qrustbridge/cargo-registry/qrustbridge-0.1.0")
    message(FATAL_ERROR "the consumer's qrustbridge crate is ${crate}, not the installed one")
endif()

# The backend next to the program, found by the default locator.
if(NOT EXISTS ${build}/notes-backend)
    message(FATAL_ERROR "qrustbridge_link_backend() put no notes-backend next to notes")
endif()
run(output 0 ${build}/notes)
expect_match("${output}" "saved 7: groceries \\[home, food\\]" "build tree")
if(output MATCHES "schema")
    message(FATAL_ERROR "a schema warning although header and backend match:\n${output}")
endif()

# Installed: notes in bin/, the backend in libexec/, found from there; run
# from another working directory, which the locator never searches.
run(ignored 0 ${CMAKE_COMMAND} --install ${build})
if(NOT EXISTS ${dir}/app/libexec/notes-backend)
    message(FATAL_ERROR "the backend was not installed to libexec/")
endif()
# (The library in the temporary prefix is not on the loader's path.)
file(GLOB_RECURSE library ${prefix}/libQRustBridge.so.0)
get_filename_component(libdir "${library}" DIRECTORY)
execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${dir}/app/bin/notes
    WORKING_DIRECTORY ${tmp}
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "the installed program failed (${status}):\n${output}")
endif()
expect_match("${output}" "saved 7: groceries" "installed")

# A field renamed in Rust, only the backend rebuilt: the old program (old
# header) is told its schema is not the backend's, and the call fails.
file(READ ${src}/backend/src/main.rs rust)
string(REPLACE "    title: String," "    heading: String," rust "${rust}")
string(REPLACE "note.title" "note.heading" rust "${rust}")
file(WRITE ${src}/backend/src/main.rs "${rust}")
run(ignored 0 ${CMAKE_COMMAND} --build ${build} --target notes-backend_cargo)
file(GLOB new_backend ${build}/cargo-target/release/notes-backend)
run(output FAIL ${build}/notes ${new_backend})
expect_match("${output}" "but this client was generated for schema" "stale header")
expect_match("${output}" "heading" "stale header: the backend names the missing field")

# A full build regenerates the header from the new description: the field
# the program still uses is gone, a compile error instead of a surprise.
run(output FAIL ${CMAKE_COMMAND} --build ${build})
expect_match("${output}" "Generating .*notes_backend_commands.h" "regeneration")
expect_match("${output}" "title" "compile error naming the renamed field")

file(REMOVE_RECURSE ${dir})
message(STATUS "consumer built against ${prefix} only; backend found in the build tree and installed; rename detected")
