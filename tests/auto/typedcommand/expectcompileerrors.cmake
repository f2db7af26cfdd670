# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DMESSAGES="<m1>|<m2>|..." -P expectcompileerrors.cmake
# Passes when building TARGET fails and the output contains every message.
execute_process(
    COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
    OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled, but every misuse in it must be a compile error")
endif()
string(REPLACE "|" ";" messages "${MESSAGES}")
foreach(expected IN LISTS messages)
    string(FIND "${output}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${TARGET}: no compile error saying \"${expected}\". Output:\n${output}")
    endif()
    message(STATUS "compile error as expected: ${expected}")
endforeach()
