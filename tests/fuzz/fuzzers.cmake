# libFuzzer targets (docs/reliability.md), built by the `fuzz` preset with
# clang: -fsanitize=fuzzer links libFuzzer's main(). With any other compiler
# they link replaymain.cpp instead and only replay inputs. Either way CTest
# replays the seed corpus (corpus/<target>/) as a regression test.
#
# The private classes under test are compiled into one static library here,
# from the same source list as the QRustBridge library, so the fuzzers reach
# hidden symbols (PendingTable, MessageCodec) without a second copy of the
# shared library's QObjects.
#
# Included by hook.cmake at the end of the top-level file (the `fuzz` preset
# sets QRUSTBRIDGE_BUILD_FUZZERS and the hook): paths are relative to this
# file, not to the current directory.

set(qrustbridge_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})

get_target_property(core_sources QRustBridge SOURCES)
get_target_property(core_source_dir QRustBridge SOURCE_DIR)
set(fuzz_core_sources "")
foreach(source IN LISTS core_sources)
    if(NOT IS_ABSOLUTE "${source}")
        set(source "${core_source_dir}/${source}")
    endif()
    list(APPEND fuzz_core_sources "${source}")
endforeach()

add_library(qrustbridge_fuzzcore STATIC ${fuzz_core_sources})
target_compile_definitions(qrustbridge_fuzzcore PUBLIC QRUSTBRIDGE_STATIC_DEFINE)
target_include_directories(qrustbridge_fuzzcore PUBLIC
    ${PROJECT_SOURCE_DIR}/include
    ${PROJECT_BINARY_DIR}/include
    ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(qrustbridge_fuzzcore PUBLIC Qt6::Core Qt6::Network)
qrustbridge_set_strict_flags(qrustbridge_fuzzcore)

if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(QRUSTBRIDGE_LIBFUZZER ON)
else()
    set(QRUSTBRIDGE_LIBFUZZER OFF)
endif()

# qrustbridge_add_fuzzer(<name>): fuzz_<name>.cpp, seeds in corpus/<name>/.
function(qrustbridge_add_fuzzer name)
    set(target fuzz_${name})
    add_executable(${target} ${qrustbridge_fuzz_dir}/${target}.cpp ${qrustbridge_fuzz_dir}/fuzzcommon.h)
    target_link_libraries(${target} PRIVATE qrustbridge_fuzzcore)
    qrustbridge_set_strict_flags(${target})
    if(QRUSTBRIDGE_LIBFUZZER)
        target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    else()
        target_sources(${target} PRIVATE ${qrustbridge_fuzz_dir}/replaymain.cpp)
    endif()
    file(GLOB seeds CONFIGURE_DEPENDS ${qrustbridge_fuzz_dir}/corpus/${name}/*)
    add_test(NAME ${target}_corpus COMMAND ${target} ${seeds})
    set_tests_properties(${target}_corpus PROPERTIES TIMEOUT 120)
endfunction()

qrustbridge_add_fuzzer(linescanner)
qrustbridge_add_fuzzer(protocol)
