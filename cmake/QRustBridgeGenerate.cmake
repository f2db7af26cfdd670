# cmake -P script behind qrustbridge_generate_commands(): runs the backend
# with --describe and turns its description into the header.
#   -DBACKEND -DBACKEND_NAME -DCODEGEN -DNAMESPACE -DOUTPUT -DQML_FLAG
cmake_policy(VERSION 3.21)
get_filename_component(dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
set(description ${OUTPUT}.json)
execute_process(COMMAND ${BACKEND} --describe
    OUTPUT_FILE ${description}.new
    ERROR_VARIABLE errors
    RESULT_VARIABLE status
    TIMEOUT 60)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "qrustbridge_generate_commands: `${BACKEND} --describe` failed (${status}):\n${errors}\n"
        "The backend must be built on the qrustbridge crate (0.1 or later), whose serve functions "
        "answer --describe.")
endif()
file(COPY_FILE ${description}.new ${description} ONLY_IF_DIFFERENT)
file(REMOVE ${description}.new)
set(qml)
if(QML_FLAG)
    set(qml ${QML_FLAG})
endif()
# The tool leaves an unchanged header alone, so nothing recompiles.
execute_process(COMMAND ${CODEGEN} --namespace ${NAMESPACE} ${qml} --output ${OUTPUT} ${description}
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "qrustbridge_generate_commands: qrustbridge-codegen failed (${status}) "
        "on the description of ${BACKEND_NAME} (${description}); its message is above")
endif()
