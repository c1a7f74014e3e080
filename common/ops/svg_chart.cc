#include "common/ops/svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "common/base/html.h"

namespace dlr {
namespace {

// Colours: also in the page's legend (dashboard.cc).
constexpr char kDelivered[] = "#2e7d32";
constexpr char kFailed[] = "#c62828";
constexpr char kPending[] = "#9e9e9e";
constexpr char kAxis[] = "#888";

// The drawing area of the hourly chart, in viewBox units.
constexpr double kWidth = 960, kHeight = 240;
constexpr double kLeft = 48, kRight = 8, kTop = 12, kBottom = 36;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Rect(double x, double y, double w, double h, const char* fill, const char* cls) {
  return "<rect class=\"" + std::string(cls) + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) +
         "\" width=\"" + Num(w) + "\" height=\"" + Num(h) + "\" fill=\"" + fill + "\"/>";
}

std::string Text(double x, double y, const std::string& anchor, const std::string& text) {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"13\" fill=\"#444\">" + HtmlEscape(text) + "</text>";
}

}  // namespace

std::string HourlyChartSvg(const std::vector<HourBar>& bars) {
  int64_t highest = 0;
  for (const HourBar& b : bars) highest = std::max(highest, b.delivered + b.failed + b.pending);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double base = kTop + plot_h;
  std::string out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    Num(kWidth) + " " + Num(kHeight) +
                    "\" role=\"img\" aria-label=\"DLRs received per hour\">";
  // Scale: 0, half, the highest total.
  const int64_t scale = std::max<int64_t>(highest, 1);
  for (int64_t mark : {int64_t{0}, scale / 2, scale}) {
    if (mark == 0 && scale == 0) continue;
    double y = base - plot_h * static_cast<double>(mark) / static_cast<double>(scale);
    out += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" + Num(y) +
           "\" y2=\"" + Num(y) + "\" stroke=\"" + kAxis + "\" stroke-width=\"" +
           (mark == 0 ? "1" : "0.4") + "\"/>";
    out += Text(kLeft - 6, y + 4, "end", std::to_string(mark));
  }
  const double slot = bars.empty() ? plot_w : plot_w / static_cast<double>(bars.size());
  const double bar_w = std::max(1.0, slot * 0.8);
  for (size_t i = 0; i < bars.size(); ++i) {
    const HourBar& b = bars[i];
    const double x = kLeft + slot * static_cast<double>(i) + (slot - bar_w) / 2;
    std::string label = b.hour.size() >= 13
                            ? b.hour.substr(0, 10) + " " + b.hour.substr(11, 2) + ":00 UTC"
                            : b.hour;
    out += "<g class=\"hour\" data-hour=\"" + HtmlEscape(b.hour) + "\" data-delivered=\"" +
           std::to_string(b.delivered) + "\" data-failed=\"" + std::to_string(b.failed) +
           "\" data-pending=\"" + std::to_string(b.pending) + "\"><title>" + HtmlEscape(label) +
           ": " + std::to_string(b.delivered) + " delivered, " + std::to_string(b.failed) +
           " failed, " + std::to_string(b.pending) + " pending</title>";
    double y = base;
    const std::pair<int64_t, std::pair<const char*, const char*>> parts[] = {
        {b.delivered, {kDelivered, "delivered"}},
        {b.failed, {kFailed, "failed"}},
        {b.pending, {kPending, "pending"}},
    };
    for (const auto& p : parts) {
      if (p.first <= 0) continue;
      double h = plot_h * static_cast<double>(p.first) / static_cast<double>(scale);
      y -= h;
      out += Rect(x, y, bar_w, h, p.second.first, p.second.second);
    }
    out += "</g>";
    if (i % 6 == 0 && b.hour.size() >= 13) {
      out += Text(x + bar_w / 2, base + 16, "middle", b.hour.substr(11, 2) + ":00");
      if (i == 0 || b.hour.compare(11, 2, "00") == 0) {
        out += Text(x + bar_w / 2, base + 30, "middle", b.hour.substr(5, 5));
      }
    }
  }
  return out + "</svg>";
}

std::string RateBarSvg(double rate) {
  const bool none = rate < 0;
  const double r = std::min(1.0, std::max(0.0, rate));
  char data[32] = "";
  if (!none) std::snprintf(data, sizeof data, "%.4f", r);
  std::string out =
      "<svg class=\"rate\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 10\" "
      "preserveAspectRatio=\"none\" data-rate=\"" +
      std::string(data) + "\" aria-hidden=\"true\">";
  if (none) return out + Rect(0, 0, 100, 10, kPending, "none") + "</svg>";
  out += Rect(0, 0, 100, 10, kFailed, "failed");
  if (r > 0) out += Rect(0, 0, 100 * r, 10, kDelivered, "delivered");
  return out + "</svg>";
}

}  // namespace dlr
