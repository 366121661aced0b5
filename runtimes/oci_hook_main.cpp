// seccomp-oci-hook: the OCI hook (Podman, CRI-O; installed with its hooks.d file) that puts a
// container into the seccomp-companion registry at createRuntime and marks it exited at
// poststop. It ALWAYS exits 0 and gives up after its budget: a runtime fails a container whose
// hook fails, and the companion being down, missing or broken must never do that. What goes
// wrong is said on stderr, which the runtime shows only in its debug log.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "runtimes/registration.h"
#include "runtimes/registration_flags.h"
#include "runtimes/time_budget.h"

namespace sc::runtimes {
namespace {

constexpr size_t kMaxState = 1 << 20;

std::string read_stdin() {
  std::string out;
  char buf[8192];
  ssize_t n;
  while (out.size() < kMaxState && (n = ::read(STDIN_FILENO, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void usage(FILE* to) {
  std::fprintf(to,
               "usage: seccomp-oci-hook [--OPTION=VALUE]... [createRuntime|prestart|poststop]\n"
               "OCI hook: registers the container (state on stdin) with seccomp-companion; without a stage,\n"
               "the state's status decides (stopped: poststop). Always exits 0.\n%s",
               registration_flags_help("--").c_str());
}

int run(int argc, char** argv) {
  RegistrationFlags flags = default_registration_flags();
  std::string stage;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (take_registration_flag(a, "--", flags)) continue;
    if (!a.empty() && a[0] != '-' && stage.empty()) {
      stage = a;
      continue;
    }
    if (flags.error.empty()) flags.error = "unknown argument '" + a + "'";
  }
  if (!stage.empty() && stage != "createRuntime" && stage != "prestart" && stage != "poststop" && flags.error.empty())
    flags.error = "unknown stage '" + stage + "'";
  if (!flags.error.empty()) {
    std::fprintf(stderr, "seccomp-oci-hook: %s (container not registered)\n", flags.error.c_str());
    return 0;
  }
  arm_budget(flags.budget_ms);
  nlohmann::json state = nlohmann::json::parse(read_stdin(), nullptr, false);
  if (!state.is_object() || !state.contains("id") || !state["id"].is_string()) {
    std::fprintf(stderr, "seccomp-oci-hook: stdin: not an OCI state object with a string 'id' (container not registered)\n");
    return 0;
  }
  std::string id = state["id"].get<std::string>();
  // One hooks.d file serves both stages (it cannot pass a different argument to each): the
  // state's status says which ("creating"/"created" at createRuntime, "stopped" at poststop).
  if (stage.empty()) stage = state.value("status", std::string()) == "stopped" ? "poststop" : "createRuntime";
  try {
    if (stage == "poststop") {
      register_exit(flags.options.runtime_dir, id, std::nullopt);
      return 0;
    }
    ContainerStart start;
    start.id = id;
    start.pid = state.value("pid", 0);
    start.bundle = state.value("bundle", std::string());
    if (start.pid <= 0 || start.bundle.empty()) {
      std::fprintf(stderr, "seccomp-oci-hook: stdin: state has no pid or bundle (container %s not registered)\n", id.c_str());
      return 0;
    }
    Registered r = register_container(start, flags.options);
    for (const auto& n : r.notes) std::fprintf(stderr, "seccomp-oci-hook: %s: %s\n", id.c_str(), n.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seccomp-oci-hook: container %s not registered: %s\n", id.c_str(), e.what());
  }
  return 0;
}

}  // namespace
}  // namespace sc::runtimes

int main(int argc, char** argv) {
  int status = 0;
  try {
    status = sc::runtimes::run(argc, argv);
  } catch (...) {  // never fail the container, whatever happened
    status = 0;
  }
  // The exit status is the runtime's contract: nothing run at exit (a sanitizer's leak check
  // in the test builds, a static destructor) may change it.
  std::fflush(nullptr);
  _exit(status);
}
