// <state_dir>/state.json: the State (state/aggregate.h) plus the daemon's own
// bookkeeping under the key "daemon" (ignored by every other reader): the journal sequence
// number the file includes, and the last absolute value read from each tracer map key.
// Both are written in the same atomic replacement as the counts they describe. Also its
// observable progress: a flush sequence number (one more at every write of the file) and
// the cgroups it watches, so that a reader can wait for an event instead of a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state/aggregate.h"
#include "state/tracer_baseline.h"

namespace sc::audit {

// One cgroup the daemon watches (its registry entry or a cgroup rule named it).
struct WatchedCgroup {
  std::string container_id;
  std::string cgroup_path;   // relative to the cgroup2 mount
  uint64_t cgroup_id = 0;
  // CLOCK_REALTIME from which the tracer counts this cgroup's verdicts (the audit stream
  // counts what is stamped before it). 0 when no tracer watches it.
  int64_t since_ns = 0;
  bool operator==(const WatchedCgroup&) const = default;
};

struct Bookkeeping {
  uint64_t journal_seq = 0;
  // Writes of state.json so far (kept across restarts): the file with flush_seq N is the N-th.
  uint64_t flush_seq = 0;
  // The watched set as of this write (the daemon clears it after loading: it describes a run).
  std::vector<WatchedCgroup> watched{};
  TracerBaseline tracer_baseline;                   // per tracer map entry, the last absolute count
  uint64_t audit_kernel_lost_base = 0;              // kernel lost counter when last read
  bool have_kernel_lost_base = false;
};

struct LoadedState {
  State state;
  Bookkeeping books;
  bool existed = false;
  std::string set_aside;   // when corrupt: where the bad file was moved
  std::string error;       // when corrupt: what was wrong
};

std::string state_file_path(const std::string& state_dir);
std::string journal_file_path(const std::string& state_dir);

// Renames `path` to <path>.corrupt-<unix time>.<nanoseconds>[-N], never over an existing file,
// and returns the new name. Throws std::system_error when it cannot.
std::string set_aside_file(const std::string& path);

// The "daemon" object of a state.json text (all of its keys optional; absent: defaults).
// Throws std::runtime_error / nlohmann::json::exception when the text is not JSON.
Bookkeeping bookkeeping_from_json_text(const std::string& text);

// The State of <state_dir>/state.json for a reader that changes nothing (`seccomp-audit
// events`, `suggest`, `report`, `shadow`). Throws std::system_error (the errno of open) when the file cannot be opened, and
// std::runtime_error naming the JSON path when it is corrupt (the file stays where it is).
State read_state_file(const std::string& state_dir);
// The same for a state.json at `path` (`suggest --state_file`, a copy from another host).
State read_state_json(const std::string& path);

// The daemon's loader. Never throws for a corrupt file: moves it aside (set_aside_file) and reports.
// Throws std::system_error when the file exists but cannot be read or moved aside.
LoadedState load_state_file(const std::string& state_dir);
// Atomic replacement (temporary file, fsync, rename, fsync dir).
void save_state_file(const std::string& state_dir, const State& state, const Bookkeeping& books);

}  // namespace sc::audit
