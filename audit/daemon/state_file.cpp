#include "audit/daemon/state_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "host/atomic_file.h"

namespace sc::audit {

std::string state_file_path(const std::string& state_dir) { return state_dir + "/state.json"; }
std::string journal_file_path(const std::string& state_dir) { return state_dir + "/journal.jsonl"; }

LoadedState load_state_file(const std::string& state_dir) {
  LoadedState out;
  std::string path = state_file_path(state_dir);
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return out;
    throw std::system_error(errno, std::generic_category(), "read state file '" + path + "'");
  }
  out.existed = true;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  try {
    out.state = from_json_text(text);
    nlohmann::json j = nlohmann::json::parse(text);
    if (j.contains("daemon")) {
      const auto& d = j["daemon"];
      out.books.journal_seq = d.value("journal_seq", uint64_t{0});
      if (d.contains("tracer_baseline"))
        out.books.tracer_baseline = d["tracer_baseline"].get<std::map<std::string, uint64_t>>();
      if (d.contains("audit_kernel_lost_base")) {
        out.books.audit_kernel_lost_base = d["audit_kernel_lost_base"].get<uint64_t>();
        out.books.have_kernel_lost_base = true;
      }
    }
  } catch (const std::exception& e) {
    out.error = e.what();
    out.state = State{};
    out.books = Bookkeeping{};
    out.set_aside = path + ".corrupt-" + std::to_string(std::time(nullptr));
    if (std::rename(path.c_str(), out.set_aside.c_str()) != 0)
      throw std::system_error(errno, std::generic_category(),
                              "state file '" + path + "' is corrupt (" + out.error + ") and cannot be moved aside");
  }
  return out;
}

void save_state_file(const std::string& state_dir, const State& state, const Bookkeeping& books) {
  nlohmann::json j = nlohmann::json::parse(to_json_text(state));
  nlohmann::json d = {{"journal_seq", books.journal_seq}, {"tracer_baseline", books.tracer_baseline}};
  if (books.have_kernel_lost_base) d["audit_kernel_lost_base"] = books.audit_kernel_lost_base;
  j["daemon"] = std::move(d);
  host::write_file_atomically(state_file_path(state_dir), j.dump(1) + "\n", 0644);
}

}  // namespace sc::audit
