# Included right after project() by the `fuzz` preset
# (CMAKE_PROJECT_QRustBridge_INCLUDE): the top-level CMakeLists.txt knows
# nothing of the fuzzers. At the end of the top-level file (everything is
# defined by then) it includes fuzzers.cmake, once.
if(QRUSTBRIDGE_BUILD_FUZZERS)
    enable_testing()  # CTest replays the seed corpora; has no effect when deferred
endif()
function(qrustbridge_add_fuzzers_once)
    if(QRUSTBRIDGE_BUILD_FUZZERS AND NOT TARGET qrustbridge_fuzzcore)
        include(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/fuzzers.cmake)
    endif()
endfunction()
cmake_language(DEFER CALL qrustbridge_add_fuzzers_once)
