# CPack pre-build script (cmake/QRustBridgeCPack.cmake): moves files between
# the components' staging directories, where the install rules cannot say it:
#   dev -> runtime  lib/.../libQRustBridge.so.<version> and its SONAME link
#   qml -> dev      lib/.../libQRustBridgeQml.so (the unversioned link)
# Staging layout: ${CPACK_TEMPORARY_DIRECTORY}/<component>/<install prefix>/...
set(libdir "${CPACK_PACKAGING_INSTALL_PREFIX}/${CPACK_QRUSTBRIDGE_LIBDIR}")

function(qrustbridge_move from to pattern)
    file(GLOB files LIST_DIRECTORIES false "${CPACK_TEMPORARY_DIRECTORY}/${from}${libdir}/${pattern}")
    if(NOT files)
        message(FATAL_ERROR "QRustBridgeCPackSplit: nothing matches ${from}${libdir}/${pattern}")
    endif()
    file(MAKE_DIRECTORY "${CPACK_TEMPORARY_DIRECTORY}/${to}${libdir}")
    foreach(file IN LISTS files)
        get_filename_component(name "${file}" NAME)
        file(RENAME "${file}" "${CPACK_TEMPORARY_DIRECTORY}/${to}${libdir}/${name}")
    endforeach()
endfunction()

qrustbridge_move(dev runtime "libQRustBridge.so.*")
qrustbridge_move(qml dev "libQRustBridgeQml.so")
