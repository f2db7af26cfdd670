# Included right after project() by the `tsan` preset
# (CMAKE_PROJECT_QRustBridge_INCLUDE): builds the clone() shim that the tsan
# test preset preloads (see tsan_clone_vm.cpp for why), next to the build root.
add_library(tsan_clone_vm SHARED ${CMAKE_CURRENT_LIST_DIR}/tsan_clone_vm.cpp)
# The shim itself must not be instrumented: it runs in the vfork child too.
target_compile_options(tsan_clone_vm PRIVATE -fno-sanitize=thread)
target_link_options(tsan_clone_vm PRIVATE -fno-sanitize=thread)
target_link_libraries(tsan_clone_vm PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(tsan_clone_vm PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}
    CXX_VISIBILITY_PRESET default)
