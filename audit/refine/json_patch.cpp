#include "audit/refine/json_patch.h"

#include <stdexcept>

namespace sc::refine {
namespace {

std::vector<std::string> split_pointer(const std::string& path) {
  if (path.empty()) return {};
  if (path[0] != '/') throw std::runtime_error("JSON pointer '" + path + "' does not start with '/'");
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      tokens.push_back(current);
      current.clear();
    } else if (path[i] == '~') {
      if (i + 1 >= path.size() || (path[i + 1] != '0' && path[i + 1] != '1'))
        throw std::runtime_error("JSON pointer '" + path + "' has a bad '~' escape");
      current += path[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      current += path[i];
    }
  }
  return tokens;
}

size_t array_index(const std::string& token, size_t size, bool allow_end) {
  if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
      (token.size() > 1 && token[0] == '0'))
    throw std::runtime_error("'" + token + "' is not an array index");
  size_t index = std::stoul(token);
  if (index > size || (!allow_end && index == size))
    throw std::runtime_error("array index " + token + " out of range (size " + std::to_string(size) + ")");
  return index;
}

// The parent container of the last token, and the last token.
ordered_json& parent_of(ordered_json& doc, const std::vector<std::string>& tokens) {
  ordered_json* node = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (node->is_object()) {
      auto it = node->find(t);
      if (it == node->end()) throw std::runtime_error("no member '" + t + "'");
      node = &*it;
    } else if (node->is_array()) {
      node = &(*node)[array_index(t, node->size(), false)];
    } else {
      throw std::runtime_error("'" + t + "' is inside a scalar");
    }
  }
  return *node;
}

}  // namespace

std::string pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

ordered_json to_json(const std::vector<PatchOp>& ops) {
  ordered_json out = ordered_json::array();
  for (const auto& op : ops) {
    ordered_json j;
    j["op"] = op.op;
    j["path"] = op.path;
    if (op.op == "add" || op.op == "test") j["value"] = op.value;
    if (!op.comment.empty()) j["comment"] = op.comment;
    out.push_back(std::move(j));
  }
  return out;
}

void apply_patch(ordered_json& doc, const std::vector<PatchOp>& ops) {
  for (size_t n = 0; n < ops.size(); ++n) {
    const PatchOp& op = ops[n];
    try {
      auto tokens = split_pointer(op.path);
      if (tokens.empty()) {
        if (op.op == "add") { doc = op.value; continue; }
        if (op.op == "test") { if (doc != op.value) throw std::runtime_error("test failed"); continue; }
        throw std::runtime_error("cannot remove the whole document");
      }
      ordered_json& parent = parent_of(doc, tokens);
      const std::string& last = tokens.back();
      if (op.op == "add") {
        if (parent.is_object()) parent[last] = op.value;
        else if (parent.is_array()) {
          size_t index = last == "-" ? parent.size() : array_index(last, parent.size(), true);
          parent.insert(parent.begin() + static_cast<std::ptrdiff_t>(index), op.value);
        } else throw std::runtime_error("parent is a scalar");
      } else if (op.op == "remove") {
        if (parent.is_object()) {
          if (parent.erase(last) == 0) throw std::runtime_error("no member '" + last + "'");
        } else if (parent.is_array()) {
          parent.erase(array_index(last, parent.size(), false));
        } else throw std::runtime_error("parent is a scalar");
      } else if (op.op == "test") {
        const ordered_json* target = nullptr;
        if (parent.is_object()) {
          auto it = parent.find(last);
          if (it == parent.end()) throw std::runtime_error("no member '" + last + "'");
          target = &*it;
        } else if (parent.is_array()) {
          target = &parent[array_index(last, parent.size(), false)];
        } else throw std::runtime_error("parent is a scalar");
        if (*target != op.value) throw std::runtime_error("test failed: value is " + target->dump());
      } else {
        throw std::runtime_error("unsupported op '" + op.op + "'");
      }
    } catch (const std::exception& e) {
      throw std::runtime_error("patch op " + std::to_string(n) + " (" + op.op + " " + op.path + "): " + e.what());
    }
  }
}

}  // namespace sc::refine
