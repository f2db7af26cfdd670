# Runs a backend's --describe and generates the header from what it prints.
#   cmake -DBACKEND=<exe> -DCODEGEN=<exe> -DNAMESPACE=<ns> -DOUTPUT=<header> -P describe_backend.cmake
execute_process(COMMAND ${BACKEND} --describe OUTPUT_FILE ${OUTPUT}.json RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${BACKEND} --describe failed: ${status}")
endif()
execute_process(COMMAND ${CODEGEN} --namespace ${NAMESPACE} --output ${OUTPUT} ${OUTPUT}.json RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "qrustbridge-codegen failed on ${OUTPUT}.json: ${status}")
endif()
