#include "state/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "bytes/integer_json.h"
#include "bytes/untrusted.h"
#include "common/arch.h"

namespace sc::audit {
namespace {
using nlohmann::json;

// Line format 2 ({"v":2,...}): every string field through the one rule of bytes/untrusted.h,
// like state.json. Lines without "v" were written before (format 1): the container id, cgroup
// path, profile path, comm and exe in bare hex, the other fields as they came (which could not
// be dumped when they were not UTF-8, so a stored line holds valid text there).
constexpr int kJournalFormat = 2;

std::string journal_text(const json& j, const char* key) { return bytes::decode_stored(j.at(key).get<std::string>()); }

std::string legacy_hex(const json& j, const char* key) {
  auto decoded = bytes::decode_hex(j.at(key).get<std::string>());
  if (!decoded) throw std::invalid_argument(std::string("journal field '") + key + "' is not hex");
  return std::move(*decoded);
}

json observation_json(const Observation& o) {
  auto t = [](const std::string& s) { return bytes::encode_stored(s); };
  json j = {{"c", t(o.container_id)}, {"rt", t(o.runtime)}, {"cg", t(o.cgroup_path)},
            {"cgid", o.cgroup_id}, {"mode", t(o.mode)}, {"pn", t(o.profile_name)}, {"pp", t(o.profile_path)},
            {"ps", t(o.profile_sha256)}, {"arch", common::arch_name(o.key.arch)}, {"nr", o.key.nr},
            {"act", common::action_text(o.key.action)},
            {"err", o.key.error}, {"sys", t(o.syscall)}, {"n", o.count}, {"f", o.first_ns}, {"l", o.last_ns}};
  if (o.would_be_action) j["wb"] = common::action_text(*o.would_be_action);
  if (o.sample)
    j["s"] = {{"comm", t(o.sample->comm)}, {"exe", t(o.sample->exe)}, {"pid", o.sample->pid},
              {"tid", o.sample->tid}, {"ip", o.sample->instruction_pointer}};
  return j;
}

Observation observation_from(const json& j, int format) {
  auto text = [](const json& from, const char* key) { return journal_text(from, key); };
  auto hexed = [&](const json& from, const char* key) {
    return format >= 2 ? journal_text(from, key) : legacy_hex(from, key);
  };
  Observation o;
  o.container_id = hexed(j, "c");
  o.runtime = text(j, "rt");
  o.cgroup_path = hexed(j, "cg");
  o.cgroup_id = j.at("cgid").get<uint64_t>();
  o.mode = text(j, "mode");
  o.profile_name = text(j, "pn");
  o.profile_path = hexed(j, "pp");
  o.profile_sha256 = text(j, "ps");
  auto arch = common::arch_from_text(text(j, "arch"));
  if (!arch) throw std::invalid_argument("journal field 'arch' is neither an arch name nor 0x<hex>");
  auto action = common::action_from_text(text(j, "act"));
  if (!action) throw std::invalid_argument("journal field 'act' is neither a seccomp action word nor 0x<8 hex digits>");
  o.key = VerdictKey{*arch, j.at("nr").get<int32_t>(), *action, j.at("err").get<int32_t>()};
  o.syscall = text(j, "sys");
  o.count = j.at("n").get<uint64_t>();
  o.first_ns = j.at("f").get<int64_t>();
  o.last_ns = j.at("l").get<int64_t>();
  if (j.contains("wb")) {
    o.would_be_action = common::action_from_text(text(j, "wb"));
    if (!o.would_be_action) throw std::invalid_argument("journal field 'wb' is neither a seccomp action word nor 0x<8 hex digits>");
  }
  if (j.contains("s")) {
    const json& s = j["s"];
    Sample sample;
    sample.comm = hexed(s, "comm");
    sample.exe = hexed(s, "exe");
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
  for (const auto& o : batch) obs.push_back(observation_json(o));
  std::string line = json{{"v", kJournalFormat}, {"seq", seq}, {"obs", std::move(obs)}}.dump() + "\n";
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
      json j = bytes::parse_integer_json(line);
      uint64_t seq = j.at("seq").get<uint64_t>();
      int format = j.value("v", 1);
      if (format < 1 || format > kJournalFormat) throw std::invalid_argument("unknown journal format");
      std::vector<Observation> batch;
      for (const auto& o : j.at("obs")) batch.push_back(observation_from(o, format));
      if (seq > result.last_seq) result.last_seq = seq;
      if (seq <= after_seq) continue;
      ++result.batches;
      for (const auto& o : batch) {
        on_observation(o);
        ++result.observations;
      }
    } catch (const std::exception&) {  // json::exception, std::invalid_argument
      ++result.torn_lines;
    }
  }
  return result;
}

}  // namespace sc::audit
