#include "audit/daemon/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

namespace sc::audit {
namespace {
using nlohmann::json;

// Kernel strings may be any bytes: the journal always stores them in hex.
std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) { out += digits[c >> 4]; out += digits[c & 15]; }
  return out;
}

std::string from_hex(const std::string& s) {
  auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out += static_cast<char>(val(s[i]) * 16 + val(s[i + 1]));
  return out;
}

json to_json(const Observation& o) {
  json j = {{"c", to_hex(o.container_id)}, {"rt", o.runtime}, {"cg", to_hex(o.cgroup_path)},
            {"cgid", o.cgroup_id}, {"mode", o.mode}, {"pn", o.profile_name}, {"pp", to_hex(o.profile_path)},
            {"ps", o.profile_sha256}, {"arch", o.key.arch}, {"nr", o.key.nr}, {"act", o.key.action},
            {"err", o.key.error}, {"sys", o.syscall}, {"n", o.count}, {"f", o.first_ns}, {"l", o.last_ns}};
  if (!o.would_be_action.empty()) j["wb"] = o.would_be_action;
  if (o.sample)
    j["s"] = {{"comm", to_hex(o.sample->comm)}, {"exe", to_hex(o.sample->exe)}, {"pid", o.sample->pid},
              {"tid", o.sample->tid}, {"ip", o.sample->instruction_pointer}};
  return j;
}

Observation from_json(const json& j) {
  Observation o;
  o.container_id = from_hex(j.at("c").get<std::string>());
  o.runtime = j.at("rt").get<std::string>();
  o.cgroup_path = from_hex(j.at("cg").get<std::string>());
  o.cgroup_id = j.at("cgid").get<uint64_t>();
  o.mode = j.at("mode").get<std::string>();
  o.profile_name = j.at("pn").get<std::string>();
  o.profile_path = from_hex(j.at("pp").get<std::string>());
  o.profile_sha256 = j.at("ps").get<std::string>();
  o.key = VerdictKey{j.at("arch").get<std::string>(), j.at("nr").get<int32_t>(), j.at("act").get<std::string>(),
                     j.at("err").get<int32_t>()};
  o.syscall = j.at("sys").get<std::string>();
  o.count = j.at("n").get<uint64_t>();
  o.first_ns = j.at("f").get<int64_t>();
  o.last_ns = j.at("l").get<int64_t>();
  if (j.contains("wb")) o.would_be_action = j["wb"].get<std::string>();
  if (j.contains("s")) {
    const json& s = j["s"];
    Sample sample;
    sample.comm = from_hex(s.at("comm").get<std::string>());
    sample.exe = from_hex(s.at("exe").get<std::string>());
    sample.pid = s.at("pid").get<int32_t>();
    sample.tid = s.at("tid").get<int32_t>();
    sample.instruction_pointer = s.at("ip").get<uint64_t>();
    o.sample = sample;
  }
  return o;
}

}  // namespace

Journal::Journal(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open journal '" + path_ + "'");
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(uint64_t seq, const std::vector<Observation>& batch) {
  json obs = json::array();
  for (const auto& o : batch) obs.push_back(to_json(o));
  std::string line = json{{"seq", seq}, {"obs", std::move(obs)}}.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "append to journal '" + path_ + "'");
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0)
    throw std::system_error(errno, std::generic_category(), "fdatasync journal '" + path_ + "'");
}

void Journal::truncate() {
  if (::ftruncate(fd_, 0) != 0)
    throw std::system_error(errno, std::generic_category(), "truncate journal '" + path_ + "'");
  if (::fdatasync(fd_) != 0)
    throw std::system_error(errno, std::generic_category(), "fdatasync journal '" + path_ + "'");
}

ReplayResult replay_journal(const std::string& path, uint64_t after_seq,
                            const std::function<void(const Observation&)>& on_observation) {
  ReplayResult result;
  std::ifstream in(path);
  if (!in) return result;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      json j = json::parse(line);
      uint64_t seq = j.at("seq").get<uint64_t>();
      std::vector<Observation> batch;
      for (const auto& o : j.at("obs")) batch.push_back(from_json(o));
      if (seq > result.last_seq) result.last_seq = seq;
      if (seq <= after_seq) continue;
      ++result.batches;
      for (const auto& o : batch) {
        on_observation(o);
        ++result.observations;
      }
    } catch (const json::exception&) {
      ++result.torn_lines;
    }
  }
  return result;
}

}  // namespace sc::audit
