# Installation (cmake --install BUILD [--prefix P]) and the Debian package (cpack -G DEB,
# scripts/package.sh). The file list is documented in docs/install.md, "Files", and checked by
# tests/install (keep the three in sync).
#
# Man pages and bash completions are generated at build time from the built programs'
# --help (packaging/gen-cli-docs.py), so they cannot drift from the programs.
# The unit and the config file are configured at INSTALL time, for the prefix actually
# installed to: the unit's ExecStart names <prefix>/bin/seccomp-audit, and the config goes
# to /etc for the prefix /usr (the package) and to <prefix>/etc otherwise.
include(GNUInstallDirs)

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(SC_PACKAGE_NAME seccomp-companion)
set(SC_GEN_DIR ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${SC_GEN_DIR}/man ${SC_GEN_DIR}/completions)

set(SC_GENERATED_DOCS)
foreach(program seccomp-audit seccomp-isolator)
  set(man ${SC_GEN_DIR}/man/${program}.1)
  set(completion ${SC_GEN_DIR}/completions/${program})
  add_custom_command(
    OUTPUT ${man} ${completion}
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
            ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/packaging/gen-cli-docs.py
            --binary $<TARGET_FILE:${program}> --name ${program} --version ${PROJECT_VERSION}
            --include ${CMAKE_SOURCE_DIR}/packaging/${program}.man.roff
            --man ${man} --completion ${completion}
    DEPENDS ${program} ${CMAKE_SOURCE_DIR}/packaging/gen-cli-docs.py
            ${CMAKE_SOURCE_DIR}/packaging/${program}.man.roff
    COMMENT "Generating ${program}(1) and its bash completion from --help"
    VERBATIM)
  list(APPEND SC_GENERATED_DOCS ${man} ${completion})
endforeach()
add_custom_target(sc_cli_docs ALL DEPENDS ${SC_GENERATED_DOCS})

install(TARGETS seccomp-audit seccomp-isolator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# What Docker (daemon.json "runtimes") and Podman/CRI-O (hooks.d) run: not for people, so
# under libexec, without man pages (docs/runtimes.md).
install(TARGETS seccomp-oci-hook seccomp-runc RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/${SC_PACKAGE_NAME})
install(FILES ${SC_GEN_DIR}/man/seccomp-audit.1 ${SC_GEN_DIR}/man/seccomp-isolator.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${SC_GEN_DIR}/completions/seccomp-audit ${SC_GEN_DIR}/completions/seccomp-isolator
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(DIRECTORY profiles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/${SC_PACKAGE_NAME}/profiles)
install(DIRECTORY dashboards/grafana dashboards/alerts DESTINATION ${CMAKE_INSTALL_DATADIR}/${SC_PACKAGE_NAME})
# The Kubernetes DaemonSet (+ Namespace, PodMonitor): an example to edit (image) and apply.
install(FILES deploy/kubernetes/seccomp-companion.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/${SC_PACKAGE_NAME}/kubernetes)
# The default config, also kept as a reference beside the data (the copy in etc/ is the
# operator's, a conffile in the package).
install(FILES packaging/seccomp-audit.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/${SC_PACKAGE_NAME})
install(FILES README.md packaging/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${SC_PACKAGE_NAME})
# The manual, one page per part, beside the README that links to it as docs/PAGE.md.
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${SC_PACKAGE_NAME}/docs)

# The unit and the config file in etc/, for the prefix installed to.
install(CODE "
  set(SC_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
  set(SC_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
  set(SC_BINDIR_REL \"${CMAKE_INSTALL_BINDIR}\")
  set(SC_DATADIR_REL \"${CMAKE_INSTALL_DATADIR}\")
  set(SC_LIBEXECDIR_REL \"${CMAKE_INSTALL_LIBEXECDIR}/${SC_PACKAGE_NAME}\")
  include(\"${CMAKE_SOURCE_DIR}/cmake/InstallConfigured.cmake\")")

# The Debian package.
set(CPACK_PACKAGE_NAME ${SC_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "seccomp-companion")
set(CPACK_PACKAGE_CONTACT "seccomp-companion maintainers <seccomp-companion@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "seccomp isolator with Mesos semantics and an audit daemon with eBPF tracing")
set(CPACK_PACKAGE_DESCRIPTION "seccomp-isolator checks, compiles and explains Docker-format seccomp profiles
and launches containers under them (Apache Mesos's linux/seccomp semantics).
seccomp-audit records every seccomp verdict per container from the kernel audit
stream and an eBPF tracer, serves Prometheus metrics, and suggests profile patches.")
set(CPACK_GENERATOR DEB)
# Absolute destinations (/etc) and an install-time prefix of /usr, not the staging dir.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/apache/mesos")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, grafana, bash-completion")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
configure_file(${CMAKE_SOURCE_DIR}/packaging/conffiles.in ${SC_GEN_DIR}/debian/conffiles @ONLY)
foreach(script postinst prerm postrm)
  # configure_file: an edit of the script re-runs cmake, so the package has the new one.
  configure_file(${CMAKE_SOURCE_DIR}/packaging/${script} ${SC_GEN_DIR}/debian/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SC_GEN_DIR}/debian/conffiles ${SC_GEN_DIR}/debian/postinst ${SC_GEN_DIR}/debian/prerm ${SC_GEN_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
