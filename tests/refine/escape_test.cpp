// The two escaping functions every recorded string goes through, and the patch plumbing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/refine/html_escape.h"
#include "audit/refine/json_patch.h"
#include "audit/refine/markdown_escape.h"

namespace sc::refine {
namespace {

TEST(HtmlEscape, HostileNamesBecomeText) {
  EXPECT_EQ(html_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(html_text("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
  EXPECT_EQ(html_text(std::string("x\xff\x01y", 4)), "x\\xFF\\x01y");
  EXPECT_EQ(html_text("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 kept
  EXPECT_EQ(html_text("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // surrogate: not valid UTF-8
  EXPECT_EQ(html_lines("a<\nb"), "a&lt;\nb");
}

TEST(MarkdownEscape, NoRawHtmlNoTableBreak) {
  EXPECT_EQ(markdown_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert\\(1\\)&gt;");
  EXPECT_EQ(markdown_text("a|b\nc"), "a\\|b c");
  EXPECT_EQ(markdown_text("*x* _y_ [z](u)"), "\\*x\\* \\_y\\_ \\[z\\]\\(u\\)");
  std::string block = markdown_code_block("x ```` y", "json");
  EXPECT_EQ(block.substr(0, 5), "`````");
  EXPECT_EQ(block, "`````json\nx ```` y\n`````\n");
}

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
