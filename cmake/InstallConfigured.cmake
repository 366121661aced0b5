# Run by `cmake --install` (install(CODE) in cmake/Install.cmake): the systemd unit and the
# config file, configured for the prefix being installed to. Paths only: nothing is run.
set(_prefix "${CMAKE_INSTALL_PREFIX}")
if(_prefix STREQUAL "/usr")
  set(SC_CONFDIR "/etc/seccomp-companion")  # the package: FHS
else()
  set(SC_CONFDIR "${_prefix}/etc/seccomp-companion")
endif()
set(SC_BINDIR "${_prefix}/${SC_BINDIR_REL}")
set(SC_DOCDIR "${_prefix}/${SC_DATADIR_REL}/doc/seccomp-companion")
set(SC_UNIT_DIR "${_prefix}/lib/systemd/system")
string(MD5 _key "${_prefix}")
set(_out "${SC_BINARY_DIR}/packaging/configured-${_key}")
configure_file("${SC_SOURCE_DIR}/packaging/seccomp-audit.service.in" "${_out}/seccomp-audit.service" @ONLY)
file(INSTALL DESTINATION "${SC_UNIT_DIR}" TYPE FILE FILES "${_out}/seccomp-audit.service")
file(INSTALL DESTINATION "${SC_CONFDIR}" TYPE FILE FILES "${SC_SOURCE_DIR}/packaging/seccomp-audit.conf")
# The runtimes' registration, naming the programs where they are installed: the OCI hook in
# the hooks.d dir Podman and CRI-O read by default, and a daemon.json for Docker to merge.
set(SC_LIBEXECDIR "${_prefix}/${SC_LIBEXECDIR_REL}")
configure_file("${SC_SOURCE_DIR}/packaging/runtimes/seccomp-companion-hook.json.in" "${_out}/seccomp-companion.json" @ONLY)
file(INSTALL DESTINATION "${_prefix}/${SC_DATADIR_REL}/containers/oci/hooks.d" TYPE FILE
     FILES "${_out}/seccomp-companion.json")
configure_file("${SC_SOURCE_DIR}/packaging/runtimes/docker-daemon.json.in" "${_out}/docker-daemon.json" @ONLY)
file(INSTALL DESTINATION "${_prefix}/${SC_DATADIR_REL}/seccomp-companion/docker" TYPE FILE
     FILES "${_out}/docker-daemon.json")
