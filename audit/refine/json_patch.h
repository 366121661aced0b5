// RFC 6902 JSON Patch operations as `suggest` emits them, and applying them (nlohmann's
// json::patch, op by op) to produce `--format=profile` and to check each op as it is made.
// Every op may carry a "comment" member: RFC 6902 section 4 says members an operation does
// not define are ignored, so standard tools apply the patch unchanged.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sc::refine {

using ordered_json = nlohmann::ordered_json;

struct PatchOp {
  std::string op;        // "add" | "remove" | "test"
  std::string path;      // JSON Pointer (RFC 6901)
  ordered_json value;    // for add/test
  std::string comment;   // why; "" for none
};

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& token);

ordered_json to_json(const std::vector<PatchOp>& ops);

// Applies ops in order to `doc` (RFC 6902: nlohmann's patch). Throws std::runtime_error naming
// the op index, op and path, and why ("test failed: value is ..." for a failed test); the ops
// before the failing one stay applied.
void apply_patch(ordered_json& doc, const std::vector<PatchOp>& ops);

}  // namespace sc::refine
