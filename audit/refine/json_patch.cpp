#include "audit/refine/json_patch.h"

#include <stdexcept>

namespace sc::refine {
namespace {

// nlohmann's messages start with their id ("[json.exception.out_of_range.403] key 'x' not
// found"): the id says nothing to someone reading a patch error.
std::string without_id(const std::string& what) {
  if (what.rfind("[json.exception.", 0) == 0)
    if (size_t end = what.find("] "); end != std::string::npos) return what.substr(end + 2);
  return what;
}

// A failed test says what is there instead (nlohmann's says only that it failed).
std::string test_failure(const ordered_json& doc, const std::string& path) {
  try {
    const ordered_json::json_pointer pointer(path);
    if (!doc.contains(pointer)) return "test failed: no value there";
    return "test failed: value is " + doc.at(pointer).dump();
  } catch (const ordered_json::exception& e) {
    return without_id(e.what());
  }
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
  // One op at a time, so that a failure names the op; nlohmann applies each (RFC 6902).
  const ordered_json patch = to_json(ops);
  for (size_t n = 0; n < ops.size(); ++n) {
    const PatchOp& op = ops[n];
    try {
      doc.patch_inplace(ordered_json::array({patch[n]}));
    } catch (const ordered_json::exception& e) {
      // 501: a test op whose value differs (or whose path holds nothing).
      std::string why = op.op == "test" && e.id == 501 ? test_failure(doc, op.path) : without_id(e.what());
      throw std::runtime_error("patch op " + std::to_string(n) + " (" + op.op + " " + op.path + "): " + why);
    }
  }
}

}  // namespace sc::refine
