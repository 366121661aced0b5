// The isolator's registry: one JSON file per container in <runtime_dir>/containers/<id>.json,
// written atomically by `seccomp-isolator launch` at start and again at exit. The audit
// daemon, `suggest`/`report` and `inspect` read it to know what each container runs under.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/paths.h"

namespace sc::registry {

inline constexpr const char* kDefaultRuntimeDir = common::kDefaultRuntimeDir;

// Who wrote the entry: `seccomp-isolator launch` (runtime "seccomp-companion"), or the OCI
// hook / runc wrapper for a container of another runtime (runtimes/: "docker", "podman",
// "crio", "runc"), which name the runtime's own container id and name.
inline constexpr const char* kRuntimeCompanion = "seccomp-companion";

struct Entry {
  std::string container_id;
  std::string runtime = kRuntimeCompanion;  // an entry without the field: the isolator's
  std::string container_name;          // the runtime's name ("web-1"), "" when it has none
  pid_t pid = 0;                       // the container's init process (as seen from the host)
  std::string cgroup_path;             // relative to the cgroup2 mount: "/seccomp-companion/<id>"
  uint64_t cgroup_id = 0;              // inode of the cgroup directory
  std::string profile_name;            // "" when unconfined
  std::string profile_path;            // absolute path of the profile file, "" when unconfined
  std::string profile_sha256;          // hex digest of the profile file's bytes
  std::string mode;                    // "enforce" | "audit" | "unconfined"
  // --new_syscalls the filter was built with: "enosys" | "default"; "" when unconfined. An
  // entry without it was written before the field existed, when filters had no ENOSYS rule:
  // it reads back as "default".
  std::string new_syscalls;
  std::vector<std::string> capabilities;  // bounding set the rules were resolved against
  // Whether the filter carries SECCOMP_FILTER_FLAG_LOG: "on", "off" (ERRNO/TRAP denials make no
  // audit record; launch registered the container with the tracer's syscall hooks, or
  // --seccomp_log=never), "" when unconfined or written before the field existed (then "on").
  std::string seccomp_log;
  std::vector<std::string> command;
  int64_t started_at_ns = 0;           // CLOCK_REALTIME, ns since the epoch
  std::optional<int64_t> exited_at_ns;
  std::optional<int> exit_status;      // launch's exit code (docker run convention)
  // Optional (absent from entries written before they existed, and omitted when empty): the
  // workload the container belongs to (`launch --workload`, the name fleet merges group by),
  // and free-form labels (`launch --label KEY=VALUE`, or a runtime's container labels copied
  // by whatever registers the container). `seccomp-audit run --workload_label=NAME` takes the
  // workload from labels[NAME] when it is present.
  std::string workload;
  std::map<std::string, std::string> labels;
};

std::string to_json_text(const Entry& entry);
// Throws std::runtime_error naming the field when the text is not a valid entry.
Entry from_json_text(const std::string& text);

std::string containers_dir(const std::string& runtime_dir);
std::string entry_path(const std::string& runtime_dir, const std::string& container_id);

// Atomic write (temporary file, fsync, rename). Throws std::system_error.
void write(const std::string& runtime_dir, const Entry& entry);
// write() in two halves (host::publish_file, host::make_durable): `publish` makes the entry
// visible to readers at once, `make_durable` waits for the disk. For a new entry that must
// be seen before its container runs without keeping the container waiting on fsync.
void publish(const std::string& runtime_dir, const Entry& entry);
void make_durable(const std::string& runtime_dir, const std::string& container_id);
// nullopt when there is no entry for that id. Throws on unreadable/corrupt entries.
std::optional<Entry> read(const std::string& runtime_dir, const std::string& container_id);
// Every entry; corrupt ones are skipped and reported through `errors` (never thrown).
std::vector<Entry> read_all(const std::string& runtime_dir, std::vector<std::string>* errors = nullptr);

// Container ids become file names and cgroup names: [A-Za-z0-9][A-Za-z0-9_.-]{0,127}.
bool valid_container_id(const std::string& id);

}  // namespace sc::registry
