# Building and shipping a Rust backend with CMake (docs/cmake-backend.md):
#
#   qrustbridge_add_backend(<name> CRATE_DIR <dir> [PACKAGE <cargo package>])
#   qrustbridge_link_backend(<app target> <name>)
#   qrustbridge_generate_commands(<app target> BACKEND <name>
#                                 [NAMESPACE <ns>] [HEADER <file>] [QML])
#
# Included by QRustBridgeConfig.cmake (find_package(QRustBridge)) and by
# QRustBridge's own top-level CMakeLists.txt. Variables it reads:
#   QRUSTBRIDGE_CARGO              cargo to run (default: PATH, then ~/.cargo/bin)
#   QRUSTBRIDGE_CARGO_TARGET_DIR   CARGO_TARGET_DIR (default <build>/cargo-target)
#   QRUSTBRIDGE_CARGO_REGISTRY     the qrustbridge crates as a cargo directory
#                                  source (set by the package config)
#   QRUSTBRIDGE_CARGO_VENDOR_DIRS  further directory sources merged with it
#                                  (default /usr/share/cargo/registry, Debian's)
#   QRUSTBRIDGE_RUSTFLAGS          RUSTFLAGS for the cargo build (default: none)
#   QRUSTBRIDGE_CARGO_PROFILE      release or debug (default: debug when
#                                  CMAKE_BUILD_TYPE is Debug, else release)
include_guard(GLOBAL)

set(_qrustbridge_backend_module_dir ${CMAKE_CURRENT_LIST_DIR})

# Functions record the policies in effect where they are defined.
cmake_policy(PUSH)
cmake_policy(VERSION 3.21)
if(POLICY CMP0116)
    cmake_policy(SET CMP0116 NEW)  # depfile paths as written (cargo's are absolute)
endif()

set(QRUSTBRIDGE_CARGO_VENDOR_DIRS /usr/share/cargo/registry CACHE STRING
    "Cargo directory sources (e.g. Debian's registry) that serve the backends' crates.io dependencies")

function(_qrustbridge_find_cargo out caller)
    if(NOT QRUSTBRIDGE_CARGO)
        find_program(QRUSTBRIDGE_CARGO cargo HINTS "$ENV{HOME}/.cargo/bin"
            DOC "cargo used by qrustbridge_add_backend()")
    endif()
    if(NOT QRUSTBRIDGE_CARGO)
        message(FATAL_ERROR "${caller}: cargo was not found (looked on PATH and in "
            "$ENV{HOME}/.cargo/bin). Install Rust (Debian: apt-get install cargo) "
            "or pass -DQRUSTBRIDGE_CARGO=/path/to/cargo.")
    endif()
    set(${out} ${QRUSTBRIDGE_CARGO} PARENT_SCOPE)
endfunction()

# Name of a backend's binary file (cargo adds .exe on Windows).
function(_qrustbridge_backend_file out target_dir profile name)
    set(${out} ${target_dir}/${profile}/${name}${CMAKE_EXECUTABLE_SUFFIX} PARENT_SCOPE)
endfunction()

function(qrustbridge_add_backend name)
    set(caller "qrustbridge_add_backend(${name})")
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "CRATE_DIR;PACKAGE" "")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${caller}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_CRATE_DIR)
        message(FATAL_ERROR "${caller}: CRATE_DIR is required: the directory holding the "
            "backend's Cargo.toml (a crate, or a workspace with PACKAGE)")
    endif()
    get_filename_component(crate_dir "${arg_CRATE_DIR}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(NOT EXISTS ${crate_dir}/Cargo.toml)
        message(FATAL_ERROR "${caller}: CRATE_DIR ${crate_dir} holds no Cargo.toml")
    endif()
    if(TARGET ${name})
        message(FATAL_ERROR "${caller}: a target named ${name} exists already; "
            "the backend's name is also its CMake target")
    endif()
    _qrustbridge_find_cargo(cargo "${caller}")

    if(QRUSTBRIDGE_CARGO_TARGET_DIR)
        set(target_dir ${QRUSTBRIDGE_CARGO_TARGET_DIR})
    else()
        set(target_dir ${CMAKE_BINARY_DIR}/cargo-target)
    endif()
    if(QRUSTBRIDGE_CARGO_PROFILE)
        set(profile ${QRUSTBRIDGE_CARGO_PROFILE})
    elseif(CMAKE_BUILD_TYPE STREQUAL "Debug")
        set(profile debug)
    else()
        set(profile release)
    endif()
    if(profile STREQUAL "debug")
        set(release_flag "")
    elseif(profile STREQUAL "release")
        set(release_flag --release)
    else()
        message(FATAL_ERROR "${caller}: QRUSTBRIDGE_CARGO_PROFILE is \"${profile}\" (release or debug)")
    endif()
    _qrustbridge_backend_file(binary ${target_dir} ${profile} ${name})

    # Rebuilt when the crate's files change (glob, re-globbed at every build),
    # when any source cargo compiled changes (its .d file, which also covers
    # path dependencies outside CRATE_DIR) and when the qrustbridge crates do.
    file(GLOB_RECURSE crate_files CONFIGURE_DEPENDS
        ${crate_dir}/*.rs ${crate_dir}/Cargo.toml ${crate_dir}/.cargo/config.toml)
    list(FILTER crate_files EXCLUDE REGEX "/target/")
    set(registry_depends)
    if(QRUSTBRIDGE_CARGO_REGISTRY_TARGET)
        list(APPEND registry_depends ${QRUSTBRIDGE_CARGO_REGISTRY_TARGET})
    endif()
    if(QRUSTBRIDGE_CARGO_REGISTRY)
        foreach(crate qrustbridge qrustbridge-derive)
            file(GLOB checksum LIST_DIRECTORIES false
                ${QRUSTBRIDGE_CARGO_REGISTRY}/${crate}-*/.cargo-checksum.json)
            list(APPEND registry_depends ${checksum})
        endforeach()
    endif()
    set(depfile_args)
    if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
        set(depfile_args DEPFILE ${target_dir}/${profile}/${name}.d)
    endif()

    set(state_dir ${CMAKE_BINARY_DIR}/qrustbridge-cargo)
    # The stamp: a custom target depending on the binary itself would be
    # mapped to the imported target below, a dependency cycle.
    set(stamp ${state_dir}/${name}.stamp)
    add_custom_command(OUTPUT ${binary} ${stamp}
        COMMAND ${CMAKE_COMMAND}
            -DCARGO=${cargo}
            -DCRATE_DIR=${crate_dir}
            -DPACKAGE=${arg_PACKAGE}
            -DBINARY=${name}
            -DBINARY_FILE=${binary}
            -DRELEASE_FLAG=${release_flag}
            -DTARGET_DIR=${target_dir}
            -DSTATE_DIR=${state_dir}
            "-DREGISTRIES=${QRUSTBRIDGE_CARGO_REGISTRY};${QRUSTBRIDGE_CARGO_VENDOR_DIRS}"
            "-DRUSTFLAGS=${QRUSTBRIDGE_RUSTFLAGS}"
            -DCALLER=${caller}
            -P ${_qrustbridge_backend_module_dir}/QRustBridgeCargoBuild.cmake
        COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
        DEPENDS ${crate_files} ${registry_depends}
            ${_qrustbridge_backend_module_dir}/QRustBridgeCargoBuild.cmake
        ${depfile_args}
        WORKING_DIRECTORY ${crate_dir}
        COMMENT "Building Rust backend ${name} with cargo (${profile}, offline)"
        USES_TERMINAL
        VERBATIM)
    # The backend is an imported executable (so $<TARGET_FILE:name> and
    # DEPENDS name work as for any program) whose build is <name>_cargo: a
    # custom target called <name> would clash with the copy of the binary
    # that qrustbridge_link_backend() puts in the same build directory.
    add_custom_target(${name}_cargo ALL DEPENDS ${stamp})
    add_executable(${name} IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES
        IMPORTED_LOCATION ${binary}
        QRUSTBRIDGE_BACKEND_FILE ${binary}
        QRUSTBRIDGE_BACKEND_CRATE_DIR ${crate_dir})
    # Followed in its place by whatever depends on ${name}.
    add_dependencies(${name} ${name}_cargo)
endfunction()

function(_qrustbridge_require_backend caller name)
    if(NOT TARGET ${name})
        message(FATAL_ERROR "${caller}: unknown backend \"${name}\": declare it first with "
            "qrustbridge_add_backend(${name} CRATE_DIR <dir>)")
    endif()
    get_target_property(file ${name} QRUSTBRIDGE_BACKEND_FILE)
    if(NOT file)
        message(FATAL_ERROR "${caller}: target \"${name}\" is not a backend declared with "
            "qrustbridge_add_backend()")
    endif()
endfunction()

function(_qrustbridge_require_target caller target)
    if(NOT TARGET ${target})
        message(FATAL_ERROR "${caller}: no target named \"${target}\" (create the app with "
            "add_executable() or qt_add_executable() first)")
    endif()
endfunction()

function(qrustbridge_link_backend app name)
    set(caller "qrustbridge_link_backend(${app} ${name})")
    if(ARGN)
        message(FATAL_ERROR "${caller}: unexpected arguments: ${ARGN}")
    endif()
    _qrustbridge_require_target("${caller}" ${app})
    _qrustbridge_require_backend("${caller}" ${name})
    get_target_property(binary ${name} QRUSTBRIDGE_BACKEND_FILE)

    # Next to the app in the build tree: the locator looks in <appDir>.
    get_target_property(app_dir ${app} RUNTIME_OUTPUT_DIRECTORY)
    if(NOT app_dir)
        if(CMAKE_RUNTIME_OUTPUT_DIRECTORY)
            set(app_dir ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
        else()
            get_target_property(app_dir ${app} BINARY_DIR)
        endif()
    endif()
    if(app_dir MATCHES "\\$<")
        message(FATAL_ERROR "${caller}: the app's RUNTIME_OUTPUT_DIRECTORY holds a generator "
            "expression, which this function does not support")
    endif()
    get_filename_component(file_name ${binary} NAME)
    set(copy ${app_dir}/${file_name})
    add_custom_command(OUTPUT ${copy}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${app_dir}
        COMMAND ${CMAKE_COMMAND} -E copy ${binary} ${copy}
        DEPENDS ${binary}
        COMMENT "Copying backend ${name} next to ${app}"
        VERBATIM)
    # Custom targets in DEPENDS would be read as file names: order by target.
    add_custom_target(${app}_qrustbridge_${name} DEPENDS ${copy})
    add_dependencies(${app}_qrustbridge_${name} ${name})
    add_dependencies(${app} ${app}_qrustbridge_${name})

    if(NOT DEFINED CMAKE_INSTALL_LIBEXECDIR)
        include(GNUInstallDirs)
    endif()
    # Installed: the locator tries <appDir>/../libexec/<name>, so with the app
    # in ${CMAKE_INSTALL_BINDIR} this is where it finds the backend.
    if(NOT CMAKE_INSTALL_LIBEXECDIR STREQUAL "libexec")
        message(AUTHOR_WARNING "${caller}: CMAKE_INSTALL_LIBEXECDIR is \"${CMAKE_INSTALL_LIBEXECDIR}\", "
            "but the default locator looks in <app dir>/../libexec: set the backend's path "
            "(QRustBridgeOptions::binaryPath or localPaths) in the app")
    endif()
    install(PROGRAMS ${binary} DESTINATION ${CMAKE_INSTALL_LIBEXECDIR})
endfunction()

# demo-backend -> DemoBackend: a namespace when none is given.
function(_qrustbridge_default_namespace out name)
    string(REGEX REPLACE "[^A-Za-z0-9]+" ";" words "${name}")
    set(ns "")
    foreach(word IN LISTS words)
        string(SUBSTRING ${word} 0 1 first)
        string(SUBSTRING ${word} 1 -1 rest)
        string(TOUPPER ${first} first)
        string(APPEND ns ${first}${rest})
    endforeach()
    if(ns STREQUAL "" OR ns MATCHES "^[0-9]")
        set(ns "Backend${ns}")
    endif()
    set(${out} ${ns} PARENT_SCOPE)
endfunction()

function(qrustbridge_generate_commands app)
    cmake_parse_arguments(PARSE_ARGV 1 arg "QML" "BACKEND;NAMESPACE;HEADER" "")
    set(caller "qrustbridge_generate_commands(${app})")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${caller}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_BACKEND)
        message(FATAL_ERROR "${caller}: BACKEND <name> is required")
    endif()
    _qrustbridge_require_target("${caller}" ${app})
    _qrustbridge_require_backend("${caller}" ${arg_BACKEND})
    if(NOT TARGET QRustBridge::codegen)
        message(FATAL_ERROR "${caller}: the generator QRustBridge::codegen is missing "
            "(find_package(QRustBridge) provides it)")
    endif()
    get_target_property(binary ${arg_BACKEND} QRUSTBRIDGE_BACKEND_FILE)

    set(ns ${arg_NAMESPACE})
    if(NOT ns)
        _qrustbridge_default_namespace(ns ${arg_BACKEND})
    endif()
    set(header ${arg_HEADER})
    if(NOT header)
        string(MAKE_C_IDENTIFIER ${arg_BACKEND} base)
        set(header ${base}_commands.h)
    endif()
    if(NOT IS_ABSOLUTE ${header})
        # Per app: two apps may generate the same file name from one backend.
        set(header ${CMAKE_CURRENT_BINARY_DIR}/qrustbridge-generated/${app}/${header})
    endif()
    get_filename_component(header_dir ${header} DIRECTORY)
    set(qml_flag "")
    if(arg_QML)
        set(qml_flag --qml)
    endif()

    add_custom_command(OUTPUT ${header}
        COMMAND ${CMAKE_COMMAND}
            -DBACKEND=${binary}
            -DBACKEND_NAME=${arg_BACKEND}
            -DCODEGEN=$<TARGET_FILE:QRustBridge::codegen>
            -DNAMESPACE=${ns}
            -DOUTPUT=${header}
            -DQML_FLAG=${qml_flag}
            -P ${_qrustbridge_backend_module_dir}/QRustBridgeGenerate.cmake
        DEPENDS ${binary} QRustBridge::codegen
            ${_qrustbridge_backend_module_dir}/QRustBridgeGenerate.cmake
        COMMENT "Generating ${header} from ${arg_BACKEND} --describe"
        VERBATIM)
    # moc must see the header (Q_GADGET, Q_NAMESPACE); only in this target.
    set_property(TARGET ${app} PROPERTY AUTOMOC ON)
    add_dependencies(${app} ${arg_BACKEND})
    target_sources(${app} PRIVATE ${header})
    target_include_directories(${app} PRIVATE ${header_dir})
    target_link_libraries(${app} PRIVATE QRustBridge::QRustBridge)
endfunction()

cmake_policy(POP)
