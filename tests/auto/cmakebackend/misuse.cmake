# cmake -P script: configures (and, with STAGE=build, builds) a project that
# misuses the CMake functions, and checks that it fails with the expected
# message.
#   -DCASE_DIR -DWORK_DIR -DMODULE=<QRustBridgeBackend.cmake> -DGENERATOR
#   -DSTAGE=configure|build -DEXPECT=<regex>...
cmake_policy(VERSION 3.21)
file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${CASE_DIR}/ DESTINATION ${WORK_DIR}/src)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK_DIR}/src -B ${WORK_DIR}/build -G ${GENERATOR}
        -DQRUSTBRIDGE_BACKEND_MODULE=${MODULE}
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(STAGE STREQUAL "build")
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "configuring failed, but only the build should:\n${output}")
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build
        RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
endif()
if(status EQUAL 0)
    message(FATAL_ERROR "expected the ${STAGE} step to fail, but it succeeded:\n${output}")
endif()
# Messages are wrapped at spaces: compare with runs of white space folded.
string(REGEX REPLACE "[ \t\r\n]+" " " folded "${output}")
foreach(regex IN LISTS EXPECT)
    if(NOT folded MATCHES "${regex}")
        message(FATAL_ERROR "the ${STAGE} error does not match \"${regex}\":\n${output}")
    endif()
endforeach()
message(STATUS "failed as expected:\n${output}")
