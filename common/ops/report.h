// What dlrctl prints for people and for programs: the stats as a table or
// JSON, the refused requests as a table or JSON lines.
//
// Pure functions returning text. Values from the database are shown as
// they are, except that control characters in a table cell are replaced by
// '?' (a stored value cannot move the terminal's cursor) and JSON strings
// replace bytes that are not UTF-8 with U+FFFD.
#ifndef DLR_COMMON_OPS_REPORT_H_
#define DLR_COMMON_OPS_REPORT_H_

#include <string>
#include <vector>

#include "common/base/json_out.h"
#include "common/store/reader.h"

namespace dlr {

// Columns of text; `align` has one letter per column, 'l' or 'r'. Columns
// are separated by two spaces; lines carry no trailing spaces. Widths count
// UTF-8 characters. An empty `header` prints no header line.
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows,
                        const std::string& align);

// "60.0%", or "-" for a negative rate (no final event).
std::string FormatPercent(double rate);

// The readable report: totals and rates, then one table per grouping (by
// hour only in the JSON: a long range would make it pages long).
std::string RenderStatsTable(const EventStats& stats, const EventFilter& filter);

// The same figures as one JSON object (one line): "events", "delivered",
// "failed", "pending", "delivered_rate" and "failed_rate" (null without a
// final event), "first_received_at", "last_received_at", "filter", and
// "by_status", "by_provider", "by_location", "by_day", "by_hour",
// "by_webhook" (arrays of objects with the key under "status", "provider",
// "location", "day", "hour" or "webhook"; a webhook's also carry
// "last_received_at").
std::string RenderStatsJson(const EventStats& stats, const EventFilter& filter);

// The same object, written into `out` as one value (a member's, an array
// element's), without the newline.
void WriteStatsJson(const EventStats& stats, const EventFilter& filter, JsonWriter* out);

// "events", "delivered", "failed" and "pending" (no rates), written into the
// object `out` has open.
void WriteCountMembers(const StatusCounts& counts, JsonWriter* out);

// The list of refused requests: a table (header included) of `rows`.
std::string RenderRejectedTable(const std::vector<RejectedRow>& rows);

// One refused request as a JSON object on one line (raw included).
std::string RejectedJsonLine(const RejectedRow& row);

// The members that RejectedJsonLine and the dashboard's JSON share, from
// "seq" to "content_type", written into the object `out` has open.
void WriteRejectedMembers(const RejectedRow& row, JsonWriter* out);

}  // namespace dlr

#endif  // DLR_COMMON_OPS_REPORT_H_
