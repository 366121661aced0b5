#include "bench/runtimes/contenders.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace sc::bench {
namespace {

std::vector<std::string> on_host(const Rootfs& rootfs, std::vector<std::string> argv) {
  argv.at(0) = rootfs.host_path(argv.at(0));
  return argv;
}

std::string first_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  // runc/crun print a few lines; the last non-empty one carries the reason.
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

Contender host_contender(std::string label, const Rootfs& rootfs, bool filtered,
                         std::function<void()> in_child) {
  Contender c;
  c.label = std::move(label);
  c.filtered = filtered;
  c.run = [rootfs, in_child](const std::vector<std::string>& argv) {
    return run_process(on_host(rootfs, argv), in_child);
  };
  return c;
}

Contender oci_contender(std::string label, const std::string& runtime_binary,
                        const std::string& state_root, const std::string& bundle_dir,
                        const Rootfs& rootfs, std::optional<nlohmann::json> seccomp) {
  Contender c;
  c.label = std::move(label);
  c.filtered = seccomp.has_value();
  if (runtime_binary.empty()) {
    c.unavailable = "not installed";
    return c;
  }
  auto counter = std::make_shared<unsigned>(0);
  c.run = [=](const std::vector<std::string>& argv) {
    std::string id = "sc-bench-" + std::to_string(getpid()) + "-" + std::to_string(++*counter);
    write_bundle_config(bundle_dir, rootfs, argv, seccomp, "/" + id);
    ProcessResult result =
        run_process({runtime_binary, "--root", state_root, "run", "--bundle", bundle_dir, id});
    if (!result.exited_ok())  // leave no container, cgroup or state behind
      run_process({runtime_binary, "--root", state_root, "delete", "--force", id});
    return result;
  };
  return c;
}

Contender isolator_contender(std::string label, const std::string& isolator_binary,
                             std::vector<std::string> launch_flags, const Rootfs& rootfs,
                             bool pivot_into_rootfs) {
  Contender c;
  c.label = std::move(label);
  c.filtered = true;
  if (isolator_binary.empty()) {
    c.unavailable = "seccomp-isolator not built";
    return c;
  }
  if (pivot_into_rootfs) launch_flags.push_back("--rootfs=" + rootfs.path);
  c.run = [=](const std::vector<std::string>& argv) {
    std::vector<std::string> command = {isolator_binary, "launch"};
    command.insert(command.end(), launch_flags.begin(), launch_flags.end());
    command.push_back("--");
    for (const auto& a : pivot_into_rootfs ? argv : on_host(rootfs, argv)) command.push_back(a);
    return run_process(command);
  };
  return c;
}

void probe(Contender& contender, const std::vector<std::string>& probe_argv) {
  if (!contender.unavailable.empty()) return;
  ProcessResult result = contender.run(probe_argv);
  if (!result.exited_ok()) {
    std::string reason = first_line(result.err);
    contender.unavailable = "refused: " + (reason.empty() ? result.describe() : reason);
  }
}

std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin";
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace sc::bench
