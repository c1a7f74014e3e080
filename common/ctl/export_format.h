// The rows of `dlrctl export`: CSV (RFC 4180) or JSON lines, one event a
// row, with the columns named as in the contract.
//
// Pure functions appending to a caller's buffer.
#ifndef DLR_COMMON_CTL_EXPORT_FORMAT_H_
#define DLR_COMMON_CTL_EXPORT_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/store/reader.h"

namespace dlr {

enum class ExportFormat { kCsv, kJsonl };

// The exported columns, in order: the 22 payload fields (error_code last),
// then dlr_class, webhook, raw, received_at, query.
const std::vector<std::string>& ExportColumns();

// One CSV field: quoted (with '"' doubled) when it holds a comma, a quote, a
// CR or a LF, or is the empty string; NULL is an empty unquoted field, so
// that NULL and "" stay apart (as PostgreSQL's COPY ... CSV does). Bytes
// are written as they are.
void AppendCsvField(std::string_view value, bool is_null, std::string* out);

// The header line and one event's line, each ended by CRLF (RFC 4180; a
// line break inside a quoted field is kept as it was stored).
void AppendCsvHeader(std::string* out);
void AppendCsvRow(const EventRow& event, std::string* out);

// One JSON object on one line, ended by LF: every column a key, its value a
// string or null. Bytes that are not UTF-8 become U+FFFD (JSON must be
// text); CSV keeps them.
void AppendJsonLine(const EventRow& event, std::string* out);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_EXPORT_FORMAT_H_
