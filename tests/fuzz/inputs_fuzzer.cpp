// Fuzzes every other reader of untrusted or hand-edited bytes, one binary to keep CI time low:
// the first input byte picks the target, the rest is its input (seeds: tests/fuzz/inputs_seeds,
// each file starting with its target's letter).
//   S  state.json (load_state_file): never throws for a corrupt file; what loads, saved again,
//      loads back equal; the file written is strict JSON.
//   J  the journal (replay_journal): never throws; every batch replayed, appended again to a
//      fresh journal, replays back equal.
//   R  a registry entry (registry::from_json_text): only std::runtime_error; what loads
//      round-trips through to_json_text.
//   C  --container_info JSON (parse_container_info): only LaunchError; limits are consistent.
//   G  the cgroup rules file (parse_cgroup_rules, match_cgroup): only std::runtime_error; a
//      match names a non-empty id.
//   L  metrics label values, stored text (utf8_label_value, encode/decode_stored).
//   H  HTML text (html_text, html_lines).
//   M  Markdown text and code blocks (markdown_text, markdown_code_block).
// Any other first byte picks one of them by value modulo 8.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/attribution/cgroup_rules.h"
#include "state/journal.h"
#include "state/state_file.h"
#include "audit/report/html_escape.h"
#include "audit/report/markdown_escape.h"
#include "state/aggregate.h"
#include "bytes/untrusted.h"
#include "isolator/launch/container_info.h"
#include "isolator/launch/launch_error.h"
#include "isolator/registry/registry.h"
#include "metrics/label_value.h"

using namespace sc;

namespace {

[[noreturn]] void inputs_fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "inputs_fuzzer [%s]: %s\n", target, what.c_str());
  std::abort();
}

const std::string& inputs_scratch() {  // tmpfs: fsync is cheap
  static const std::string dir = [] {
    std::string d = "/dev/shm/sc-inputs-fuzzer-" + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void clear_scratch() {
  for (const auto& e : std::filesystem::directory_iterator(inputs_scratch())) std::filesystem::remove_all(e.path());
}

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- S: state.json ----------------------------------------------------------------------
void fuzz_state(std::string_view input) {
  clear_scratch();
  const std::string& dir = inputs_scratch();
  write_bytes(audit::state_file_path(dir), input);
  audit::LoadedState first;
  try {
    first = audit::load_state_file(dir);
  } catch (const std::exception& e) {
    inputs_fail("state", std::string("load_state_file threw for a corrupt file: ") + e.what());
  }
  if (!first.error.empty()) {
    if (first.set_aside.empty() || read_bytes(first.set_aside) != input)
      inputs_fail("state", "a corrupt file was not kept byte for byte");
    return;
  }
  try {
    audit::save_state_file(dir, first.state, first.books);
  } catch (const std::exception& e) {
    inputs_fail("state", std::string("a state that loaded cannot be saved: ") + e.what());
  }
  std::string saved = read_bytes(audit::state_file_path(dir));
  if (!bytes::valid_utf8(saved)) inputs_fail("state", "the saved file is not UTF-8");
  if (!nlohmann::json::accept(saved)) inputs_fail("state", "the saved file is not JSON");
  audit::LoadedState second = audit::load_state_file(dir);
  if (!second.error.empty()) inputs_fail("state", "what was saved does not load: " + second.error);
  if (audit::to_json_text(second.state) != audit::to_json_text(first.state)) inputs_fail("state", "state changed");
  if (second.books.journal_seq != first.books.journal_seq || second.books.tracer_baseline != first.books.tracer_baseline ||
      second.books.have_kernel_lost_base != first.books.have_kernel_lost_base ||
      second.books.audit_kernel_lost_base != first.books.audit_kernel_lost_base)
    inputs_fail("state", "bookkeeping changed");
}

// --- J: the journal ---------------------------------------------------------------------
bool same_observation(const audit::Observation& a, const audit::Observation& b) {
  bool samples = a.sample.has_value() == b.sample.has_value() &&
                 (!a.sample || (a.sample->comm == b.sample->comm && a.sample->exe == b.sample->exe &&
                                a.sample->pid == b.sample->pid && a.sample->tid == b.sample->tid &&
                                a.sample->instruction_pointer == b.sample->instruction_pointer));
  return samples && a.container_id == b.container_id && a.runtime == b.runtime && a.cgroup_path == b.cgroup_path &&
         a.cgroup_id == b.cgroup_id && a.mode == b.mode && a.profile_name == b.profile_name &&
         a.profile_path == b.profile_path && a.profile_sha256 == b.profile_sha256 && a.key == b.key &&
         a.syscall == b.syscall && a.count == b.count && a.first_ns == b.first_ns && a.last_ns == b.last_ns &&
         a.would_be_action == b.would_be_action;
}

void fuzz_journal(std::string_view input) {
  clear_scratch();
  const std::string path = inputs_scratch() + "/journal.jsonl";
  write_bytes(path, input);
  std::vector<audit::Observation> first;
  audit::ReplayResult r;
  try {
    r = audit::replay_journal(path, 0, [&](const audit::Observation& o) { first.push_back(o); });
  } catch (const std::exception& e) {
    inputs_fail("journal", std::string("replay threw: ") + e.what());
  }
  size_t lines = 0;
  for (char c : input) lines += c == '\n';
  if (r.batches + r.torn_lines > lines + 1) inputs_fail("journal", "more batches than lines");
  if (r.observations != first.size()) inputs_fail("journal", "observation count differs from the calls");
  if (first.empty()) return;
  const std::string again = inputs_scratch() + "/again.jsonl";
  {
    audit::Journal journal(again);
    try {
      journal.append(1, first);
    } catch (const std::exception& e) {
      inputs_fail("journal", std::string("what replayed cannot be journaled again: ") + e.what());
    }
  }
  std::vector<audit::Observation> second;
  auto r2 = audit::replay_journal(again, 0, [&](const audit::Observation& o) { second.push_back(o); });
  if (r2.torn_lines != 0 || second.size() != first.size()) inputs_fail("journal", "re-journaled batch did not replay");
  for (size_t i = 0; i < first.size(); ++i)
    if (!same_observation(first[i], second[i])) inputs_fail("journal", "an observation changed");
}

// --- R: a registry entry ----------------------------------------------------------------
void fuzz_registry(std::string_view input) {
  registry::Entry e;
  try {
    e = registry::from_json_text(std::string(input));
  } catch (const std::runtime_error&) {
    return;
  } catch (const std::exception& ex) {
    inputs_fail("registry", std::string("not a std::runtime_error: ") + ex.what());
  }
  if (!registry::valid_container_id(e.container_id)) inputs_fail("registry", "an invalid id was accepted");
  std::string text;
  try {
    text = registry::to_json_text(e);
  } catch (const std::exception& ex) {
    inputs_fail("registry", std::string("an entry that loaded cannot be written: ") + ex.what());
  }
  if (!bytes::valid_utf8(text)) inputs_fail("registry", "the entry written is not UTF-8");
  registry::Entry b = registry::from_json_text(text);
  if (b.container_id != e.container_id || b.pid != e.pid || b.cgroup_path != e.cgroup_path ||
      b.cgroup_id != e.cgroup_id || b.profile_name != e.profile_name || b.profile_path != e.profile_path ||
      b.profile_sha256 != e.profile_sha256 || b.mode != e.mode || b.capabilities != e.capabilities ||
      b.command != e.command || b.started_at_ns != e.started_at_ns || b.exited_at_ns != e.exited_at_ns ||
      b.exit_status != e.exit_status)
    inputs_fail("registry", "the entry changed");
}

// --- C: --container_info ----------------------------------------------------------------
void fuzz_container_info(std::string_view input) {
  launch::ContainerInfo info;
  try {
    info = launch::parse_container_info(std::string(input));
  } catch (const launch::LaunchError& e) {
    if (std::strncmp(e.what(), "Invalid ContainerInfo", 21) != 0) inputs_fail("container_info", e.what());
    return;
  } catch (const std::exception& e) {
    inputs_fail("container_info", std::string("not a LaunchError: ") + e.what());
  }
  for (const auto& l : info.rlimits)
    if (l.hard != RLIM_INFINITY && l.soft > l.hard) inputs_fail("container_info", "soft limit above hard accepted");
  for (const auto* caps : {&info.effective_capabilities, &info.bounding_capabilities})
    if (*caps)
      for (const auto& c : **caps)
        if (c.rfind("CAP_", 0) != 0) inputs_fail("container_info", "a capability name is not canonical: " + c);
}

// --- G: the cgroup rules file -----------------------------------------------------------
void fuzz_cgroup_rules(std::string_view input) {
  // std::regex backtracks: a hostile pattern can take exponential time on a long path. The
  // rules file is the operator's; keep the fuzzer on its parser and on short paths.
  if (input.size() > 512) return;
  std::vector<attribution::CgroupRule> rules;
  try {
    rules = attribution::parse_cgroup_rules(std::string(input), "rules.json");
  } catch (const std::runtime_error&) {
    return;
  } catch (const std::exception& e) {
    inputs_fail("cgroup_rules", std::string("not a std::runtime_error: ") + e.what());
  }
  static const char* const paths[] = {"/", "/system.slice/docker-0123.scope", "/mesos/a/mesos/b", "/kubepods/x/y"};
  for (const auto& rule : rules)
    if (rule.id_group < 0 || static_cast<size_t>(rule.id_group) > rule.compiled.mark_count())
      inputs_fail("cgroup_rules", "an id_group outside the pattern was accepted");
  for (const char* p : paths) {
    auto m = attribution::match_cgroup(rules, p);
    if (m && m->container_id.empty()) inputs_fail("cgroup_rules", "a match with an empty id");
  }
}

// --- L, H, M: the escapers --------------------------------------------------------------
bool has_control(std::string_view s) {  // C0, DEL, and C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F)
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return true;
  }
  return false;
}

void fuzz_label(std::string_view input) {
  std::string raw(input);
  std::string label = metrics::utf8_label_value(raw);
  if (!bytes::valid_utf8(label)) inputs_fail("label", "not UTF-8");
  if (has_control(label)) inputs_fail("label", "a control character in a label value");
  if (bytes::valid_utf8(raw) && !has_control(raw) && label != raw) inputs_fail("label", "plain text was changed");
  std::string stored = bytes::encode_stored(raw);
  if (!bytes::valid_utf8(stored)) inputs_fail("label", "stored text is not UTF-8");
  if (bytes::decode_stored(stored) != raw) inputs_fail("label", "stored text does not decode to the bytes");
  std::string dumped = nlohmann::json(stored).dump();  // throws when not UTF-8
  if (nlohmann::json::parse(dumped).get<std::string>() != stored) inputs_fail("label", "JSON changed it");
}

// Every '&' starts one of the entities html_text writes; nothing that is markup remains.
void check_html(const char* target, std::string_view html, bool newlines_allowed) {
  if (!bytes::valid_utf8(html)) inputs_fail(target, "not UTF-8");
  static const char* const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<' || c == '>' || c == '"' || c == '\'') inputs_fail(target, "raw markup character");
    if (c == '\n' && !newlines_allowed) inputs_fail(target, "a raw newline");
    if (c == '&') {
      bool ok = false;
      for (const char* e : entities) ok = ok || html.substr(i, std::strlen(e)) == e;
      if (!ok) inputs_fail(target, "a bare '&'");
    }
  }
  std::string_view without_newlines = html;
  std::string copy;
  if (newlines_allowed) {
    for (char c : html)
      if (c != '\n') copy += c;
    without_newlines = copy;
  }
  if (has_control(without_newlines)) inputs_fail(target, "a control character");
}

void fuzz_html(std::string_view input) {
  std::string raw(input);
  check_html("html_text", report::html_text(raw), false);
  std::string lines = report::html_lines(raw);
  check_html("html_lines", lines, true);
  size_t in_newlines = 0, out_newlines = 0;
  for (char c : raw) in_newlines += c == '\n';
  for (char c : lines) out_newlines += c == '\n';
  if (in_newlines != out_newlines) inputs_fail("html_lines", "newlines were not kept one for one");
}

void fuzz_markdown(std::string_view input) {
  std::string raw(input);
  std::string text = report::markdown_text(raw);
  if (!bytes::valid_utf8(text)) inputs_fail("markdown_text", "not UTF-8");
  if (has_control(text)) inputs_fail("markdown_text", "a control character (or a newline that breaks a row)");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' || text[i] == '>') inputs_fail("markdown_text", "raw '<' or '>'");
    if (text[i] == '&' && text.compare(i, 5, "&amp;") != 0 && text.compare(i, 4, "&lt;") != 0 &&
        text.compare(i, 4, "&gt;") != 0)
      inputs_fail("markdown_text", "a bare '&'");
    if (text[i] == '|' && (i == 0 || text[i - 1] != '\\')) inputs_fail("markdown_text", "an unescaped '|'");
    if (text[i] == '`' && (i == 0 || text[i - 1] != '\\')) inputs_fail("markdown_text", "an unescaped '`'");
  }
  std::string block = report::markdown_code_block(raw, "json");
  if (!bytes::valid_utf8(block)) inputs_fail("markdown_code_block", "not UTF-8");
  size_t fence = 0;
  while (fence < block.size() && block[fence] == '`') ++fence;
  if (fence < 3 || block.compare(fence, 5, "json\n") != 0) inputs_fail("markdown_code_block", "bad opening fence");
  const std::string closing = "\n" + std::string(fence, '`') + "\n";
  if (block.size() < fence + 5 + closing.size() - 1 ||
      block.compare(block.size() - closing.size(), closing.size(), closing) != 0)
    inputs_fail("markdown_code_block", "bad closing fence");
  // No line of the body is itself a fence that long (it would close the block early).
  std::string_view body = std::string_view(block).substr(fence + 5, block.size() - closing.size() + 1 - fence - 5);
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    size_t run = 0;
    while (run < line.size() && line[run] == '`') ++run;
    if (run >= fence) inputs_fail("markdown_code_block", "a body line closes the fence");
    if (has_control(line)) inputs_fail("markdown_code_block", "a control character in the body");
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static void (*const targets[])(std::string_view) = {fuzz_state, fuzz_journal, fuzz_registry, fuzz_container_info,
                                                      fuzz_cgroup_rules, fuzz_label, fuzz_html, fuzz_markdown};
  static const char letters[] = "SJRCGLHM";
  const char* at = std::strchr(letters, static_cast<char>(data[0]));
  size_t which = at && data[0] != 0 ? static_cast<size_t>(at - letters) : data[0] % 8;
  targets[which](input);
  return 0;
}
