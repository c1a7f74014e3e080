// Percent-decoding, query strings and application/x-www-form-urlencoded
// bodies. Pure functions over strings.
#ifndef DLR_COMMON_HTTP_QUERY_H_
#define DLR_COMMON_HTTP_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/status.h"

namespace dlr {

using Params = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes (and '+' as a space when plus_is_space). A '%' not
// followed by two hex digits is InvalidArgument. Decoded bytes may be any
// value, NUL included.
StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Splits "a=1&b=2" into decoded pairs, in order; repeated keys are all kept.
// Empty segments ("a=1&&b=2") are skipped; a key without '=' has value "".
// A broken escape anywhere is InvalidArgument.
StatusOr<Params> ParseUrlEncoded(std::string_view in);

// `raw_query` without its `key=...` segments (compared after decoding); the
// other segments are kept exactly as sent, in order.
std::string WithoutParam(std::string_view raw_query, std::string_view key);

// The value of the first pair named `key`, or nullptr.
const std::string* FindParam(const Params& params, std::string_view key);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_QUERY_H_
