// Charts of the status page as inline SVG: drawn on the server, no script
// and no asset from anywhere, scaled to the width of the screen (a viewBox
// and width 100%).
//
// Pure functions returning markup; every text from the caller is escaped
// (html.h).
#ifndef DLR_COMMON_OPS_SVG_CHART_H_
#define DLR_COMMON_OPS_SVG_CHART_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dlr {

// One bar of the hourly chart.
struct HourBar {
  std::string hour;  // "YYYY-MM-DDTHH" (UTC)
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t pending = 0;
};

// Stacked bars in time order (delivered at the bottom, then failed, then
// pending), a scale on the left (0, half and the highest bar's total, a
// whole number) and the hour under every sixth bar. Each bar is a
// <g class="hour"> whose data-hour, data-delivered, data-failed and
// data-pending attributes carry its figures, and whose <title> says them
// (shown on hover). An empty `bars` draws the axes only.
std::string HourlyChartSvg(const std::vector<HourBar>& bars);

// A horizontal bar filled to `rate` (0 to 1; clamped) in the delivered
// colour, the rest in the failed colour; grey when `rate` is negative (no
// final event). data-rate carries the rate with 4 decimals ("" when none).
std::string RateBarSvg(double rate);

}  // namespace dlr

#endif  // DLR_COMMON_OPS_SVG_CHART_H_
