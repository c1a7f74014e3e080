#include "common/store/database_url.h"

#include <cctype>

#include "common/http/query.h"

namespace dlr {
namespace {

Status UrlError(const std::string& what) { return Status::InvalidArgument("database: " + what); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Decodes one part of the URL; `part` names it in the error.
Status Decode(const std::string& in, const char* part, std::string* out) {
  StatusOr<std::string> d = PercentDecode(in, false);
  if (!d.ok()) return UrlError(std::string("the ") + part + " has a broken %-escape");
  *out = std::move(d).value();
  return Status::Ok();
}

Status ParsePort(const std::string& text, int* port) {
  if (text.empty() || text.size() > 5) return UrlError("the port must be a number from 1 to 65535");
  int p = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return UrlError("the port must be a number from 1 to 65535");
    p = p * 10 + (c - '0');
  }
  if (p < 1 || p > 65535) return UrlError("the port must be a number from 1 to 65535");
  *port = p;
  return Status::Ok();
}

}  // namespace

StatusOr<DatabaseUrl> ParseDatabaseUrl(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return UrlError("not a URL (scheme://...)");
  DatabaseUrl u;
  std::string scheme = Lower(url.substr(0, sep));
  if (scheme == "postgresql" || scheme == "postgres") {
    u.scheme = "postgresql";
  } else if (scheme == "mysql" || scheme == "mariadb") {
    u.scheme = "mysql";
  } else {
    return UrlError("unknown scheme \"" + scheme +
                    "\" (a SQLite file path, postgresql:// or mysql://)");
  }
  std::string rest = url.substr(sep + 3);

  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = userinfo.find(':');
    Status s = Decode(userinfo.substr(0, colon), "user", &u.user);
    if (!s.ok()) return s;
    if (colon != std::string::npos) {
      std::string password;
      s = Decode(userinfo.substr(colon + 1), "password", &password);
      if (!s.ok()) return s;
      u.password = std::move(password);
    }
  }

  size_t query = rest.find('?');
  std::string query_text;
  if (query != std::string::npos) {
    query_text = rest.substr(query + 1);
    rest.resize(query);
  }
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) {
    Status s = Decode(rest.substr(slash + 1), "database name", &u.database);
    if (!s.ok()) return s;
    if (u.database.find('/') != std::string::npos) {
      return UrlError("the database name must not contain '/'");
    }
  }

  std::string host, port;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string::npos) return UrlError("an IPv6 host lacks its ']'");
    host = hostport.substr(1, close - 1);
    std::string after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return UrlError("unexpected text after the IPv6 host");
      port = after.substr(1);
      if (port.empty()) return UrlError("the port must be a number from 1 to 65535");
    }
    if (host.empty()) return UrlError("the IPv6 host is empty");
  } else {
    size_t colon = hostport.find(':');
    host = hostport.substr(0, colon);
    if (colon != std::string::npos) {
      port = hostport.substr(colon + 1);
      if (port.empty()) return UrlError("the port must be a number from 1 to 65535");
    }
  }
  Status s = Decode(host, "host", &u.host);
  if (!s.ok()) return s;
  if (!port.empty()) {
    s = ParsePort(port, &u.port);
    if (!s.ok()) return s;
  }

  if (!query_text.empty()) {
    StatusOr<Params> params = ParseUrlEncoded(query_text);
    if (!params.ok()) return UrlError("the query (after '?') has a broken %-escape");
    for (auto& kv : params.value()) {
      if (kv.first.empty()) return UrlError("the query (after '?') has an empty key");
      if (Lower(kv.first) == "password") {
        return UrlError("give the password in the URL (user:password@host) or in " +
                        std::string(kDatabasePasswordEnv) + ", not as ?password=");
      }
      u.params.push_back(std::move(kv));
    }
  }
  return u;
}

bool IsSecretParam(const std::string& name) {
  std::string lower = Lower(name);
  for (const char* word : {"pass", "pwd", "secret", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactDatabaseUrl(const std::string& database) {
  size_t sep = database.find("://");
  if (sep == std::string::npos) return database;
  std::string out = database.substr(0, sep + 3);
  std::string rest = database.substr(sep + 3);
  // As ParseDatabaseUrl: the user information ends at the last '@'.
  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    size_t colon = userinfo.find(':');
    out += colon == std::string::npos ? userinfo : userinfo.substr(0, colon) + ":***";
    out += '@';
    rest = rest.substr(at + 1);
  }
  size_t query = rest.find('?');
  out += rest.substr(0, query);
  if (query == std::string::npos) return out;
  out += '?';
  const std::string params = rest.substr(query + 1);
  size_t start = 0;
  while (start <= params.size()) {
    size_t end = params.find('&', start);
    if (end == std::string::npos) end = params.size();
    const std::string pair = params.substr(start, end - start);
    const size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq);
    StatusOr<std::string> decoded = PercentDecode(name, /*plus_is_space=*/true);
    if (decoded.ok()) name = decoded.value();
    if (start > 0) out += '&';
    // A name that does not decode is hidden whole with its value.
    out += !decoded.ok()         ? std::string("***")
           : IsSecretParam(name) ? pair.substr(0, eq) + "=***"
                                 : pair;
    start = end + 1;
  }
  return out;
}

std::string ScrubSecret(std::string message, const std::optional<std::string>& secret) {
  if (!secret || secret->empty()) return message;
  for (size_t pos = message.find(*secret); pos != std::string::npos;
       pos = message.find(*secret, pos + 3)) {
    message.replace(pos, secret->size(), "***");
  }
  return message;
}

}  // namespace dlr
