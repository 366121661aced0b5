// A profile file as text and as an order-preserving JSON document, with the formatting
// conventions it was written in, so `suggest --format=profile` writes the patched profile
// the way the operator's file looks (same indentation, key order, final newline) and a diff
// against the original shows only the change.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/sha256.h"

namespace sc::refine {

struct Formatting {
  int indent = -1;          // -1: compact (one line)
  char indent_char = ' ';   // ' ' or '\t'
  bool final_newline = true;
};

// Detects the indentation from the first indented line. Compact text -> indent -1.
Formatting detect_formatting(const std::string& text);

struct ProfileDocument {
  std::string path;
  std::string text;
  nlohmann::ordered_json json;
  Formatting formatting;
};

// Reads and parses (JSON only; semantic checks are the profile engine's). Throws
// std::runtime_error "Failed to read Seccomp profile file '<path>': ..." or
// "Failed to parse Seccomp profile '<path>': ..." (line and column).
ProfileDocument load_document(const std::string& path);
ProfileDocument document_from_text(const std::string& text, const std::string& path = "<text>");

std::string dump(const nlohmann::ordered_json& json, const Formatting& formatting);

// Lower-case hex SHA-256 of the bytes (what the registry records as profile_sha256; the one
// implementation, common/sha256.h).
using common::sha256_hex;

}  // namespace sc::refine
