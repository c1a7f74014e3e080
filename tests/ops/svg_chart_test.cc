#define BOOST_TEST_DYN_LINK
#include "common/ops/svg_chart.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace dlr {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SvgChartTest)

BOOST_AUTO_TEST_CASE(OneGroupPerHourCarryingItsFigures) {
  std::vector<HourBar> bars;
  for (int h = 0; h < 48; ++h) {
    HourBar b;
    b.hour = std::string("2026-03-0") + (h < 24 ? "1" : "2") + "T" + (h % 24 < 10 ? "0" : "") +
             std::to_string(h % 24);
    bars.push_back(b);
  }
  bars[10].delivered = 3;
  bars[10].failed = 1;
  bars[47].pending = 2;
  std::string svg = HourlyChartSvg(bars);
  BOOST_TEST(svg.rfind("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=", 0) ==
             0);
  BOOST_TEST(svg.substr(svg.size() - 6) == "</svg>");
  BOOST_TEST(Count(svg, "<g class=\"hour\"") == 48u);
  BOOST_TEST(svg.find("<g class=\"hour\" data-hour=\"2026-03-01T10\" data-delivered=\"3\" "
                      "data-failed=\"1\" data-pending=\"0\"><title>2026-03-01 10:00 UTC: 3 "
                      "delivered, 1 failed, 0 pending</title>") != std::string::npos);
  BOOST_TEST(Count(svg, "class=\"delivered\"") == 1u);
  BOOST_TEST(Count(svg, "class=\"failed\"") == 1u);
  BOOST_TEST(Count(svg, "class=\"pending\"") == 1u);
  // The scale's top is the highest total; the hour is written under every sixth bar.
  BOOST_TEST(svg.find(">4</text>") != std::string::npos);
  BOOST_TEST(svg.find(">2</text>") != std::string::npos);
  BOOST_TEST(svg.find(">06:00</text>") != std::string::npos);
  BOOST_TEST(svg.find(">07:00</text>") == std::string::npos);
  BOOST_TEST(svg.find("<script") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(BarHeightsAreProportional) {
  std::vector<HourBar> bars(2);
  bars[0].hour = "2026-03-01T00";
  bars[0].delivered = 4;
  bars[1].hour = "2026-03-01T01";
  bars[1].delivered = 2;
  std::string svg = HourlyChartSvg(bars);
  // Plot height 192 (240 - 12 - 36): 4 of 4 fills it, 2 of 4 half of it.
  BOOST_TEST(svg.find("height=\"192.0\" fill=\"#2e7d32\"") != std::string::npos, svg);
  BOOST_TEST(svg.find("height=\"96.0\" fill=\"#2e7d32\"") != std::string::npos, svg);
}

BOOST_AUTO_TEST_CASE(NoBarsDrawsTheAxesOnly) {
  std::string svg = HourlyChartSvg({});
  BOOST_TEST(Count(svg, "<g class=\"hour\"") == 0u);
  BOOST_TEST(svg.find("<line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AHostileHourIsEscaped) {
  std::vector<HourBar> bars(1);
  bars[0].hour = "\"><script>alert(1)</script>";
  std::string svg = HourlyChartSvg(bars);
  BOOST_TEST(svg.find("<script") == std::string::npos);
  BOOST_TEST(svg.find("&quot;&gt;&lt;script&gt;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RateBarsFillToTheRate) {
  const struct {
    double rate;
    const char* data;
    const char* delivered_width;  // nullptr: no delivered part
  } cases[] = {
      {0.75, "0.7500", "75.0"}, {1.0, "1.0000", "100.0"}, {0.0, "0.0000", nullptr},
      {1.5, "1.0000", "100.0"}, {-1, "", nullptr},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("rate " << c.rate) {
      std::string svg = RateBarSvg(c.rate);
      BOOST_TEST(svg.find(std::string("data-rate=\"") + c.data + "\"") != std::string::npos, svg);
      bool has_delivered = svg.find("class=\"delivered\"") != std::string::npos;
      BOOST_TEST(has_delivered == (c.delivered_width != nullptr));
      if (c.delivered_width) {
        BOOST_TEST(svg.find(std::string("class=\"delivered\" x=\"0.0\" y=\"0.0\" width=\"") +
                            c.delivered_width + "\"") != std::string::npos,
                   svg);
      }
    }
  }
  BOOST_TEST(RateBarSvg(-1).find("class=\"none\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
