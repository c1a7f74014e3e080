#define BOOST_TEST_DYN_LINK
#include "common/base/html.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace dlr {

BOOST_AUTO_TEST_SUITE(HtmlTest)

BOOST_AUTO_TEST_CASE(EscapesMarkupQuotesAndControls) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"Airtel", "Airtel"},
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"' onmouseover='x", "&#39; onmouseover=&#39;x"},
      {"a & b", "a &amp; b"},
      {"&lt;", "&amp;lt;"},                      // already escaped text stays text
      {"tab\tnew\nline\r", "tab\tnew\nline\r"},  // whitespace kept
      {std::string("nul\0x", 5), "nul\xEF\xBF\xBDx"},
      {"esc\x1b[2J", "esc\xEF\xBF\xBD[2J"},
      {"del\x7f", "del\xEF\xBF\xBD"},
      {"Bengal\xC3\xBCru \xE0\xA4\xA6\xE0\xA4\xBF\xE0\xA4\xB2\xE0\xA5\x8D\xE0\xA4\xB2\xE0\xA5\x80",
       "Bengal\xC3\xBCru \xE0\xA4\xA6\xE0\xA4\xBF\xE0\xA4\xB2\xE0\xA5\x8D\xE0\xA4\xB2\xE0\xA5\x80"},
      {"\xF0\x9F\x93\xB1", "\xF0\x9F\x93\xB1"},                  // 4-byte UTF-8
      {"bad\xC3", "bad\xEF\xBF\xBD"},                            // truncated sequence
      {"\xC0\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong '<'
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // a surrogate
      {"\xC2\x85", "\xEF\xBF\xBD"},                              // a C1 control
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input [" << c.first << "]") { BOOST_TEST(HtmlEscape(c.first) == c.second); }
  }
}

BOOST_AUTO_TEST_CASE(NothingMarkupSurvives) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string out = HtmlEscape(all + "<>\"'");
  for (char c : std::string("<>\"'")) BOOST_TEST(out.find(c) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
