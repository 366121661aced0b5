#include "state/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "bytes/untrusted.h"
#include "common/paths.h"
#include "host/atomic_file.h"

namespace sc::audit {

std::string state_file_path(const std::string& state_dir) { return common::state_file_path(state_dir); }
std::string journal_file_path(const std::string& state_dir) { return state_dir + "/journal.jsonl"; }

std::string set_aside_file(const std::string& path) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%lld.%09ld", static_cast<long long>(now.tv_sec), now.tv_nsec);
  std::string base = path + ".corrupt-" + stamp;
  // RENAME_NOREPLACE: two corruptions in the same nanosecond (or a clock step back) get -1, -2,
  // ... rather than one overwriting the other.
  for (int n = 0;; ++n) {
    std::string target = n == 0 ? base : base + "-" + std::to_string(n);
    if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return target;
    if (errno != EEXIST || n >= 1000)
      throw std::system_error(errno, std::generic_category(), "move '" + path + "' aside to '" + target + "'");
  }
}

Bookkeeping bookkeeping_from_json_text(const std::string& text) {
  Bookkeeping books;
  nlohmann::json j = nlohmann::json::parse(text);
  if (!j.is_object() || !j.contains("daemon")) return books;
  const auto& d = j["daemon"];
  books.journal_seq = d.value("journal_seq", uint64_t{0});
  books.flush_seq = d.value("flush_seq", uint64_t{0});
  if (d.contains("tracer_baseline"))
    books.tracer_baseline = tracer_baseline_from(d["tracer_baseline"]);
  if (d.contains("audit_kernel_lost_base")) {
    books.audit_kernel_lost_base = d["audit_kernel_lost_base"].get<uint64_t>();
    books.have_kernel_lost_base = true;
  }
  if (d.contains("watched"))
    for (const auto& w : d["watched"]) {
      WatchedCgroup c;
      c.container_id = bytes::decode_stored(w.value("container_id", std::string()));
      c.cgroup_path = bytes::decode_stored(w.value("cgroup_path", std::string()));
      c.cgroup_id = w.value("cgroup_id", uint64_t{0});
      c.since_ns = w.value("since_ns", int64_t{0});
      books.watched.push_back(std::move(c));
    }
  return books;
}

State read_state_file(const std::string& state_dir) { return read_state_json(state_file_path(state_dir)); }

State read_state_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return from_json_text(buffer.str());
}

LoadedState load_state_file(const std::string& state_dir) {
  LoadedState out;
  std::string path = state_file_path(state_dir);
  std::ifstream in(path);
  int open_errno = errno;
  struct stat st{};
  if (!in && ::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return out;
  out.existed = true;
  std::string text;
  if (in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  try {
    if (!in) throw std::system_error(open_errno, std::generic_category(), "cannot open");
    out.state = from_json_text(text);
    out.books = bookkeeping_from_json_text(text);
  } catch (const std::exception& e) {
    out.error = e.what();
    out.state = State{};
    out.books = Bookkeeping{};
    try {
      out.set_aside = set_aside_file(path);
    } catch (const std::system_error& moving) {
      throw std::system_error(moving.code(), "state file '" + path + "' is corrupt (" + out.error + ") and cannot be moved aside");
    }
  }
  return out;
}

void save_state_file(const std::string& state_dir, const State& state, const Bookkeeping& books) {
  nlohmann::json j = nlohmann::json::parse(to_json_text(state));
  nlohmann::json d = {{"journal_seq", books.journal_seq}, {"tracer_baseline", tracer_baseline_json(books.tracer_baseline)},
                      {"flush_seq", books.flush_seq}};
  if (books.have_kernel_lost_base) d["audit_kernel_lost_base"] = books.audit_kernel_lost_base;
  nlohmann::json watched = nlohmann::json::array();
  for (const auto& w : books.watched)
    watched.push_back({{"container_id", bytes::encode_stored(w.container_id)},
                       {"cgroup_path", bytes::encode_stored(w.cgroup_path)}, {"cgroup_id", w.cgroup_id},
                       {"since_ns", w.since_ns}});
  d["watched"] = std::move(watched);
  j["daemon"] = std::move(d);
  host::write_file_atomically(state_file_path(state_dir), j.dump(1) + "\n", 0644);
}

}  // namespace sc::audit
