// The two escaping functions every recorded string goes through.
#include <gtest/gtest.h>

#include "audit/report/html_escape.h"
#include "audit/report/markdown_escape.h"

namespace sc::report {
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

}  // namespace
}  // namespace sc::report
