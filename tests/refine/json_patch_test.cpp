// The patch plumbing: RFC 6902 ops, JSON Pointer tokens, applying a patch.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/json_patch.h"

namespace sc::refine {
namespace {

TEST(JsonPatch, PointerTokensAndOurApplierAgreeWithNlohmann) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
  ordered_json doc = ordered_json::parse(R"({"syscalls":[{"names":["a","c"]},{"names":["x"]}],"k/e~y":1})");
  std::vector<PatchOp> ops = {{"test", "/syscalls/0/names/1", "c", ""},
                              {"add", "/syscalls/0/names/1", "b", "why"},
                              {"add", "/syscalls/-", ordered_json{{"names", {"z"}}}, ""},
                              {"remove", "/syscalls/1", nullptr, ""},
                              {"remove", "/" + pointer_token("k/e~y"), nullptr, ""}};
  nlohmann::json theirs = nlohmann::json::parse(doc.dump()).patch(nlohmann::json::parse(to_json(ops).dump()));
  apply_patch(doc, ops);
  EXPECT_EQ(nlohmann::json::parse(doc.dump()), theirs);
  EXPECT_EQ(doc.dump(), R"({"syscalls":[{"names":["a","b","c"]},{"names":["z"]}]})");
  EXPECT_THROW(apply_patch(doc, std::vector<PatchOp>{PatchOp{"test", "/syscalls/0/names/0", "nope", ""}}), std::runtime_error);
  EXPECT_THROW(apply_patch(doc, std::vector<PatchOp>{PatchOp{"remove", "/syscalls/9", nullptr, ""}}), std::runtime_error);
  // The comment member is carried in the output and ignored by RFC 6902 tools.
  EXPECT_EQ(to_json(ops)[1]["comment"], "why");
}

}  // namespace
}  // namespace sc::refine
