// `seccomp-isolator compile PROFILE`: resolve and compile a profile, write the cBPF program
// (raw struct sock_filter array, as the kernel takes it) or libseccomp's PFC text.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>

#include "isolator/cli/commands.h"
#include "isolator/cli/resolve_flags.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/context_options.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/audit_variant.h"
#include "isolator/profile/oci_format.h"

namespace sc::cli {

namespace {
struct CompileFlags {
  std::string profile;
  std::string arch;
  ResolveFlags resolve;
  std::string format = "bpf";
  std::string output;
  bool linear = false;
};

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

int write_output(const CompileFlags& f, const std::string& data);

// --format=docker: the profile itself (checked by the engine first), or its log-only variant.
// Works on the document, not the resolution: includes/excludes stay for the runtime to apply.
std::string docker_profile_text(const std::string& path, bool audit) {
  profile::load_profile(path);  // the engine's errors (JSON path) for a bad profile
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json document = nlohmann::json::parse(ss.str());
  if (audit) document = profile::docker_audit_variant(document);
  return document.dump(2) + "\n";
}

int run_compile(const CompileFlags& f) {
  profile::ResolveContext context;
  try {
    context = resolve_context(f.resolve, f.arch);
  } catch (const profile::UsageError& e) {
    std::fprintf(stderr, "seccomp-isolator compile: %s\n", e.what());
    return 2;
  }
  std::string data;
  try {
    if (f.format == "docker") {
      data = docker_profile_text(f.profile, f.resolve.audit);
      return write_output(f, data);
    }
    profile::ResolvedProfile resolved = profile::resolve(profile::load_profile(f.profile), context);
    for (const auto& w : resolved.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    compiler::CompileOptions options;
    options.binary_tree = !f.linear;
    compiler::Filter filter(resolved, options);
    if (f.format == "oci") {
      data = profile::oci_seccomp_from_resolved(resolved).dump(2) + "\n";
    } else if (f.format == "pfc") {
      data = filter.pfc();
    } else {
      auto program = filter.bpf();
      data.assign(reinterpret_cast<const char*>(program.data()), program.size() * sizeof(sock_filter));
    }
  } catch (const profile::ParseError& e) {
    std::fprintf(stderr, "seccomp-isolator compile: invalid: %s\n", e.what());
    return 1;
  } catch (const compiler::FilterError& e) {
    std::fprintf(stderr, "seccomp-isolator compile: %s\n", e.what());
    return 1;
  } catch (const nlohmann::json::exception& e) {  // the engine read it; nlohmann did not
    std::fprintf(stderr, "seccomp-isolator compile: invalid: '%s': %s\n", f.profile.c_str(), e.what());
    return 1;
  }
  return write_output(f, data);
}

int write_output(const CompileFlags& f, const std::string& data) {
  if (f.output.empty() || f.output == "-") {
    if (!write_all(STDOUT_FILENO, data)) {
      std::fprintf(stderr, "seccomp-isolator compile: writing stdout: %s\n", std::strerror(errno));
      return 1;
    }
    return 0;
  }
  int fd = ::open(f.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || !write_all(fd, data) || ::fsync(fd) != 0) {
    int error = errno;
    if (fd >= 0) ::close(fd);
    std::fprintf(stderr, "seccomp-isolator compile: writing '%s': %s\n", f.output.c_str(), std::strerror(error));
    return 1;
  }
  if (::close(fd) != 0) {
    std::fprintf(stderr, "seccomp-isolator compile: closing '%s': %s\n", f.output.c_str(), std::strerror(errno));
    return 1;
  }
  return 0;
}
}  // namespace

Run add_compile_command(CLI::App& app) {
  auto flags = std::make_shared<CompileFlags>();
  CLI::App* sub = app.add_subcommand("compile", "Compile a seccomp profile into the BPF program the kernel gets");
  sub->add_option("PROFILE", flags->profile, "The profile (JSON file)")->required();
  add_audit_flag(sub, flags->resolve);
  add_new_syscalls_option(sub, flags->resolve);
  add_caps_option(sub, flags->resolve);
  sub->add_option("--arch", flags->arch, "Compile for this arch as native; default: this host");
  add_kernel_option(sub, flags->resolve);
  sub->add_option("--format", flags->format,
                  "bpf: raw struct sock_filter array; pfc: libseccomp's text; docker: a Docker-format profile "
                  "for `docker run`/`podman run --security-opt seccomp=FILE` (with --audit: its log-only variant, "
                  "includes/excludes kept; --caps/--arch/--kernel do not apply); oci: an OCI runtime-spec "
                  "linux.seccomp object, resolved for --caps/--arch/--kernel")
      ->check(CLI::IsMember({"bpf", "pfc", "docker", "oci"}))->capture_default_str();
  sub->add_option("--output", flags->output, "Write here instead of stdout");
  sub->add_flag("--linear", flags->linear, "Linear syscall chain instead of the binary tree");
  return [flags] { return run_compile(*flags); };
}

}  // namespace sc::cli
