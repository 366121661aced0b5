#include "audit/sources/seccomp_record.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "bytes/untrusted.h"

namespace sc::audit {
namespace {

template <typename T>
bool parse_number(std::string_view s, T& out, int base = 10) {
  if (base == 16 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// An "untrusted string" as audit_log_untrustedstring() writes it: "quoted" when it has no
// space, quote, control or non-ASCII byte; otherwise upper-case hex; "(null)" when absent.
std::string decode_untrusted(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    return std::string(value.substr(1, value.size() - 2));
  if (value == "(null)") return std::string(value);
  if (value.empty()) return std::string(value);
  auto bytes = bytes::decode_hex(value);
  return bytes ? std::move(*bytes) : std::string(value);
}

// Splits "k=v k2="v 2" k3=v3" into pairs. A value in quotes runs to the closing quote (the
// kernel never puts a quote inside one: such strings are hex-encoded). A bare word without
// '=' (e.g. an AppArmor subj "prof (enforce)") is appended to the previous value.
std::vector<std::pair<std::string_view, std::string_view>> split_fields(std::string_view body) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && body[i] == ' ') ++i;
    if (i >= body.size()) break;
    size_t start = i;
    size_t eq = std::string_view::npos;
    while (i < body.size() && body[i] != ' ' && body[i] != '=') ++i;
    if (i < body.size() && body[i] == '=') {
      eq = i;
      ++i;
      if (i < body.size() && body[i] == '"') {
        size_t close = body.find('"', i + 1);
        i = close == std::string_view::npos ? body.size() : close + 1;
      }
      while (i < body.size() && body[i] != ' ') ++i;
      fields.emplace_back(body.substr(start, eq - start), body.substr(eq + 1, i - eq - 1));
    } else if (!fields.empty()) {
      auto& last = fields.back().second;
      // Extend the previous value to cover this word (both views point into `body`).
      last = std::string_view(last.data(), static_cast<size_t>(body.data() + i - last.data()));
    }
  }
  return fields;
}

}  // namespace

std::optional<SeccompRecord> parse_seccomp_record(std::string_view text) {
  SeccompRecord r;
  // Optional "audit(SEC.MSEC:SERIAL): " prefix.
  if (text.substr(0, 6) == "audit(") {
    size_t close = text.find("):");
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view stamp = text.substr(6, close - 6);
    size_t dot = stamp.find('.'), colon = stamp.find(':');
    if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot) return std::nullopt;
    int64_t sec = 0, msec = 0;
    if (!parse_number(stamp.substr(0, dot), sec) || !parse_number(stamp.substr(dot + 1, colon - dot - 1), msec) ||
        !parse_number(stamp.substr(colon + 1), r.serial))
      return std::nullopt;
    // The kernel prints seconds since the epoch and 0..999 ms; anything that would overflow
    // nanoseconds in an int64 (past the year 2262) is not a record it wrote.
    if (sec < 0 || sec > INT64_MAX / 1000000000 - 1 || msec < 0 || msec > 999) return std::nullopt;
    r.timestamp_ns = sec * 1000000000 + msec * 1000000;
    text.remove_prefix(close + 2);
  }
  bool have_arch = false, have_syscall = false, have_code = false, have_pid = false;
  for (auto [key, value] : split_fields(text)) {
    bool ok = true;
    if (key == "auid") ok = parse_number(value, r.auid);
    else if (key == "uid") ok = parse_number(value, r.uid);
    else if (key == "gid") ok = parse_number(value, r.gid);
    else if (key == "ses") ok = parse_number(value, r.ses);
    else if (key == "subj" || key.substr(0, 5) == "subj_") { if (r.subj.empty()) r.subj = std::string(value); }
    else if (key == "pid") ok = have_pid = parse_number(value, r.pid);
    else if (key == "comm") r.comm = decode_untrusted(value);
    else if (key == "exe") r.exe = decode_untrusted(value);
    else if (key == "sig") ok = parse_number(value, r.sig);
    else if (key == "arch") ok = have_arch = parse_number(value, r.arch, 16);
    else if (key == "syscall") ok = have_syscall = parse_number(value, r.syscall);
    else if (key == "compat") { int c = 0; ok = parse_number(value, c); r.compat = c != 0; }
    else if (key == "ip") ok = parse_number(value, r.ip, 16);
    else if (key == "code") ok = have_code = parse_number(value, r.code, 16);
    // Unknown keys (future kernels) are ignored.
    if (!ok) return std::nullopt;
  }
  if (!have_arch || !have_syscall || !have_code || !have_pid) return std::nullopt;
  return r;
}


}  // namespace sc::audit
