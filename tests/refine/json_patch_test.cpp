// The patch plumbing: RFC 6902 ops, JSON Pointer tokens, and applying them (nlohmann's
// json::patch, op by op, with errors that name the op).
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/json_patch.h"

namespace sc::refine {
namespace {

// The message apply_patch throws for `ops` on `doc`, or "" when it applies.
std::string patch_error(ordered_json doc, const std::vector<PatchOp>& ops) {
  try {
    apply_patch(doc, ops);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(JsonPatch, PointerTokensEscapeTildeAndSlash) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pointer_token("~1"), "~01");
  EXPECT_EQ(pointer_token("plain"), "plain");
}

TEST(JsonPatch, AddRemoveAndTestGiveTheExpectedDocument) {
  ordered_json doc = ordered_json::parse(R"({"syscalls":[{"names":["a","c"]},{"names":["x"]}],"k/e~y":1})");
  std::vector<PatchOp> ops = {{"test", "/syscalls/0/names/1", "c", ""},
                              {"add", "/syscalls/0/names/1", "b", "why"},
                              {"add", "/syscalls/-", ordered_json{{"names", {"z"}}}, ""},
                              {"remove", "/syscalls/1", nullptr, ""},
                              {"remove", "/" + pointer_token("k/e~y"), nullptr, ""}};
  apply_patch(doc, ops);
  EXPECT_EQ(doc.dump(), R"({"syscalls":[{"names":["a","b","c"]},{"names":["z"]}]})");
  // The comment member is carried in the output and ignored by RFC 6902 tools.
  EXPECT_EQ(to_json(ops)[1]["comment"], "why");
  EXPECT_FALSE(to_json(ops)[0].contains("comment"));
  EXPECT_FALSE(to_json(ops)[3].contains("value"));
}

TEST(JsonPatch, DashAppendsToAnArrayAndAddKeepsMemberOrder) {
  ordered_json doc = ordered_json::parse(R"({"z":1,"names":["a"]})");
  apply_patch(doc, {{"add", "/names/-", "b", ""}, {"add", "/names/-", "c", ""}, {"add", "/a", true, ""}});
  EXPECT_EQ(doc.dump(), R"({"z":1,"names":["a","b","c"],"a":true})");
  // add on an existing member replaces it, in place.
  apply_patch(doc, {{"add", "/z", 2, ""}});
  EXPECT_EQ(doc.dump(), R"({"z":2,"names":["a","b","c"],"a":true})");
}

TEST(JsonPatch, EscapedTokensReachMembersWithTildeAndSlash) {
  ordered_json doc = ordered_json::parse(R"({"a/b":{"c~d":[1]},"~1":"tilde-one"})");
  apply_patch(doc, {{"test", "/a~1b/c~0d/0", 1, ""}, {"add", "/a~1b/c~0d/-", 2, ""}, {"remove", "/~01", nullptr, ""}});
  EXPECT_EQ(doc.dump(), R"({"a/b":{"c~d":[1,2]}})");
  apply_patch(doc, {{"add", "/" + pointer_token("e/f~g"), "x", ""}});
  EXPECT_EQ(doc["e/f~g"], "x");
}

TEST(JsonPatch, AFailingTestNamesTheOpThePathAndWhatIsThere) {
  ordered_json doc = ordered_json::parse(R"({"syscalls":[{"names":["a","c"],"action":"SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(patch_error(doc, {{"test", "/syscalls/0/action", "SCMP_ACT_ALLOW", ""},
                              {"test", "/syscalls/0/names/0", "nope", ""}}),
            R"(patch op 1 (test /syscalls/0/names/0): test failed: value is "a")");
  EXPECT_EQ(patch_error(doc, {{"test", "/syscalls/0/comment", "x", ""}}),
            "patch op 0 (test /syscalls/0/comment): test failed: no value there");
}

TEST(JsonPatch, ABadPathNamesTheOpAndThePath) {
  ordered_json doc = ordered_json::parse(R"({"syscalls":[{"names":["a"]}]})");
  std::string e = patch_error(doc, {{"remove", "/syscalls/9", nullptr, ""}});
  EXPECT_EQ(e.rfind("patch op 0 (remove /syscalls/9): ", 0), 0u) << e;
  EXPECT_NE(e.find("9"), std::string::npos) << e;
  e = patch_error(doc, {{"add", "/syscalls/0/names/-", "b", ""}, {"remove", "/nothing/here", nullptr, ""}});
  EXPECT_EQ(e.rfind("patch op 1 (remove /nothing/here): ", 0), 0u) << e;
  EXPECT_NE(e.find("nothing"), std::string::npos) << e;
  e = patch_error(doc, {{"add", "syscalls", 1, ""}});
  EXPECT_EQ(e.rfind("patch op 0 (add syscalls): ", 0), 0u) << e;
  EXPECT_EQ(e.find("[json.exception"), std::string::npos) << "nlohmann's id is left out: " << e;
  e = patch_error(doc, {{"add", "/syscalls/5", 1, ""}});
  EXPECT_EQ(e.rfind("patch op 0 (add /syscalls/5): ", 0), 0u) << e;
}

TEST(JsonPatch, OpsBeforeTheFailingOneStayApplied) {
  ordered_json doc = ordered_json::parse(R"({"names":["a"]})");
  EXPECT_THROW(apply_patch(doc, {{"add", "/names/-", "b", ""}, {"test", "/names/0", "x", ""}}), std::runtime_error);
  EXPECT_EQ(doc.dump(), R"({"names":["a","b"]})");
}

}  // namespace
}  // namespace sc::refine
