// Text for HTML and SVG documents.
//
// Pure functions.
#ifndef DLR_COMMON_BASE_HTML_H_
#define DLR_COMMON_BASE_HTML_H_

#include <string>
#include <string_view>

namespace dlr {

// `s` as text that is safe both between tags and inside a quoted attribute
// value: & < > " ' become character references, control characters (C0
// other than tab, newline and carriage return, DEL, C1) become U+FFFD, and
// bytes that are
// not valid UTF-8 become U+FFFD. Whatever `s` holds, it is shown as text and
// never read as markup.
std::string HtmlEscape(std::string_view s);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_HTML_H_
