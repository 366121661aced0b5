#include "bpf/libbpf_log.h"

#include <cstring>

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

namespace sc::bpf {
namespace {

thread_local std::deque<std::string> recent_lines;
constexpr size_t kKeptLines = 12;

int on_libbpf_message(enum libbpf_print_level level, const char* format, va_list args) {
  // One message can be a whole verifier log: format it at its full length.
  va_list copy;
  va_copy(copy, args);
  int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (size < 0) return 0;
  std::string text(static_cast<size_t>(size) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(size));
  if (level != LIBBPF_DEBUG) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      recent_lines.emplace_back(text.substr(start, end - start) + "\n");
      start = end + 1;
    }
    while (recent_lines.size() > kKeptLines) recent_lines.pop_front();
  }
  if (std::getenv("SC_TRACER_DEBUG")) std::fputs(text.c_str(), stderr);
  return 0;
}

}  // namespace

void install_libbpf_log() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(on_libbpf_message); });
}

void clear_libbpf_log() { recent_lines.clear(); }

std::string libbpf_log_tail() {
  std::string out;
  for (const auto& line : recent_lines) out += line;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string errno_text(int err) {
  if (err < 0) err = -err;
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

}  // namespace sc::bpf
