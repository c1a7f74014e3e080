#include "common/http/query.h"

#include "common/base/strings.h"

namespace dlr {

StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return Status::InvalidArgument("a '%' escape is cut short");
      }
      int hi = HexDigitValue(in[i + 1]);
      int lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("a '%' is not followed by two hex digits");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

StatusOr<Params> ParseUrlEncoded(std::string_view in) {
  Params out;
  size_t start = 0;
  while (start <= in.size()) {
    size_t end = in.find('&', start);
    if (end == std::string_view::npos) end = in.size();
    std::string_view part = in.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view k = part.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      StatusOr<std::string> key = PercentDecode(k, true);
      if (!key.ok()) return key.status();
      StatusOr<std::string> value = PercentDecode(v, true);
      if (!value.ok()) return value.status();
      out.emplace_back(std::move(key).value(), std::move(value).value());
    }
    start = end + 1;
  }
  return out;
}

std::string WithoutParam(std::string_view raw_query, std::string_view key) {
  std::string out;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view part = raw_query.substr(start, end - start);
    StatusOr<std::string> name = PercentDecode(part.substr(0, part.find('=')), true);
    if (!part.empty() && !(name.ok() && name.value() == key)) {
      if (!out.empty()) out.push_back('&');
      out.append(part);
    }
    start = end + 1;
  }
  return out;
}

const std::string* FindParam(const Params& params, std::string_view key) {
  for (const auto& kv : params) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

}  // namespace dlr
