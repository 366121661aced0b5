#include "audit/refine/profile_document.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>


namespace sc::refine {

Formatting detect_formatting(const std::string& text) {
  Formatting f;
  size_t end = text.find_last_not_of(" \t\r\n");
  f.final_newline = end != std::string::npos && end + 1 < text.size() && text.find('\n', end) != std::string::npos;
  // The first line that starts with whitespace followed by a non-space gives the unit of
  // indentation (nlohmann and Go's MarshalIndent indent one unit per level).
  size_t pos = 0;
  while ((pos = text.find('\n', pos)) != std::string::npos) {
    ++pos;
    size_t n = 0;
    while (pos + n < text.size() && (text[pos + n] == ' ' || text[pos + n] == '\t')) ++n;
    if (n > 0 && pos + n < text.size() && text[pos + n] != '\n' && text[pos + n] != '\r') {
      f.indent_char = text[pos];
      f.indent = static_cast<int>(n);
      return f;
    }
    if (n == 0 && pos < text.size() && text[pos] != '\n') {
      // A line at column 0 that is not the last brace: no indentation convention (newlines
      // but no indent), nlohmann's indent 0 reproduces that.
      if (text[pos] != '}' && text[pos] != ']') { f.indent = 0; return f; }
    }
  }
  f.indent = text.find('\n') == std::string::npos || text.find('\n') >= end ? -1 : 0;
  return f;
}

ProfileDocument document_from_text(const std::string& text, const std::string& path) {
  ProfileDocument doc;
  doc.path = path;
  doc.text = text;
  try {
    doc.json = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number that overflows
    throw std::runtime_error("Failed to parse Seccomp profile '" + path + "': " + e.what());
  }
  if (!doc.json.is_object())
    throw std::runtime_error("Failed to parse Seccomp profile '" + path + "': not a JSON object");
  doc.formatting = detect_formatting(text);
  return doc;
}

ProfileDocument load_document(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("Failed to read Seccomp profile file '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error("Failed to read Seccomp profile file '" + path + "': read error");
  return document_from_text(ss.str(), path);
}

std::string dump(const nlohmann::ordered_json& json, const Formatting& formatting) {
  std::string out = json.dump(formatting.indent, formatting.indent_char);
  if (formatting.final_newline) out += '\n';
  return out;
}

}  // namespace sc::refine
