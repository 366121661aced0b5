// Fuzzes the path of untrusted bytes through the daemon: an audit record (type 1326) parsed ->
// an observation whose every string field carries the record's hostile bytes -> the journal
// (append, replay) -> the state (apply, save, load) -> metrics exposition -> Markdown and HTML
// reports. The property: no crash or sanitizer report, nothing throws, the journal and the
// state file read back exactly what was written, and every output is valid UTF-8.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "state/journal.h"
#include "state/observation.h"
#include "state/state_file.h"
#include "audit/refine/observations.h"
#include "audit/report/report_model.h"
#include "audit/sources/seccomp_record.h"
#include "state/aggregate.h"
#include "bytes/untrusted.h"
#include "metrics/exporter.h"
#include "tests/support/verdict_key.h"
#include "common/arch.h"

using namespace sc;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "record_fuzzer: %s\n", what);
  std::abort();
}

const std::string& scratch_dir() {  // tmpfs: fdatasync is cheap
  static const std::string dir = [] {
    std::string d = "/dev/shm/sc-record-fuzzer-" + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

bool same(const audit::Observation& a, const audit::Observation& b) {
  return a.container_id == b.container_id && a.runtime == b.runtime && a.cgroup_path == b.cgroup_path &&
         a.mode == b.mode && a.profile_name == b.profile_name && a.profile_path == b.profile_path &&
         a.profile_sha256 == b.profile_sha256 && a.key == b.key && a.syscall == b.syscall && a.count == b.count &&
         a.would_be_action == b.would_be_action && a.sample.has_value() == b.sample.has_value() &&
         (!a.sample || (a.sample->comm == b.sample->comm && a.sample->exe == b.sample->exe));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto record = audit::parse_seccomp_record(input);
  // Unparsable input still feeds the rest: its raw bytes become the strings.
  std::string comm = record ? record->comm : input.substr(0, 16);
  std::string exe = record ? record->exe : input;
  audit::Observation o;
  o.container_id = comm.empty() ? std::string("c") : comm;
  o.runtime = "cgroup";
  o.cgroup_path = "/" + exe;
  o.mode = record && record->code == 0x7ffc0000 ? "audit" : "enforce";
  o.profile_name = exe;
  o.profile_sha256 = comm;
  o.key = record ? audit::VerdictKey{common::arch_of(record->arch, record->syscall), record->syscall,
                                     common::action_of(record->code), -1}
               : sc::testing::verdict_key("x86_64", 39, "log", -1);
  o.syscall = exe.substr(0, 32);
  o.count = 1;
  o.first_ns = o.last_ns = record ? record->timestamp_ns : 1;
  // Any action value, named or not, must round-trip: the record's code shifted into other bits.
  if (record) o.would_be_action = common::action_of(record->code * 0x10001u);
  o.sample = audit::Sample{comm, exe, record ? record->pid : 1, 0, false, {}, record ? record->ip : 0};

  const std::string& dir = scratch_dir();
  std::string journal_path = audit::journal_file_path(dir);
  std::filesystem::remove(journal_path);
  std::vector<audit::Observation> replayed;
  {
    audit::Journal journal(journal_path);
    journal.append(1, {o});
  }
  auto replay = audit::replay_journal(journal_path, 0, [&](const audit::Observation& r) { replayed.push_back(r); });
  if (replay.torn_lines != 0 || replayed.size() != 1 || !same(replayed[0], o)) fail("journal did not round-trip");

  audit::State state;
  audit::apply(state, replayed[0]);
  state.sources["audit"] = audit::SourceHealth{true, input, 1, 0, 0};
  audit::Bookkeeping books;
  books.journal_seq = 1;
  audit::save_state_file(dir, state, books);
  auto loaded = audit::load_state_file(dir);
  if (!loaded.error.empty()) fail("the state file written could not be read back");
  if (audit::to_json_text(loaded.state) != audit::to_json_text(state)) fail("state did not round-trip");
  const auto& c = loaded.state.containers.at(o.container_id);
  if (c.cgroup_path != o.cgroup_path || c.verdicts.begin()->second.sample->comm != comm) fail("bytes changed");

  metrics::ExporterOptions mo;
  std::string exposition = metrics::render(loaded.state, mo, 2);
  if (!bytes::valid_utf8(exposition)) fail("metrics exposition is not UTF-8");

  report::ReportOptions ro;
  ro.generated_at_ns = 2;
  auto built = report::build_report(loaded.state, refine::group_by_profile(loaded.state), ro);
  if (!bytes::valid_utf8(report::render_markdown(built))) fail("Markdown report is not UTF-8");
  std::string html = report::render_html(built);
  if (!bytes::valid_utf8(html)) fail("HTML report is not UTF-8");
  if (comm.find("<") != std::string::npos && html.find("<span class=\"comm\">" + comm) != std::string::npos)
    fail("raw markup from a recorded name in the HTML report");
  return 0;
}
