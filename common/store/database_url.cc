#include "common/store/database_url.h"

#include <cctype>
#include <set>

#include "common/http/query.h"

namespace dlr {
namespace {

Status UrlError(const std::string& what) { return Status::InvalidArgument("database: " + what); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
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

const char* MysqlSslModeName(MysqlSslMode mode) {
  switch (mode) {
    case MysqlSslMode::kUnset:
      return "";
    case MysqlSslMode::kDisabled:
      return "DISABLED";
    case MysqlSslMode::kPreferred:
      return "PREFERRED";
    case MysqlSslMode::kRequired:
      return "REQUIRED";
    case MysqlSslMode::kVerifyCa:
      return "VERIFY_CA";
    case MysqlSslMode::kVerifyIdentity:
      return "VERIFY_IDENTITY";
  }
  return "";
}

StatusOr<MysqlParams> ParseMysqlParams(const DatabaseUrl& url) {
  MysqlParams p;
  std::set<std::string> seen;
  bool tls_files = false;
  for (const auto& [name, value] : url.params) {
    const std::string where = "database: the mysql:// URL's parameter \"" + name + "\"";
    if (!seen.insert(name).second) return Status::InvalidArgument(where + " is given twice");
    if (value.empty()) return Status::InvalidArgument(where + " is empty");
    std::string* text = nullptr;
    if (name == "socket") {
      text = &p.socket;
    } else if (name == "ssl-mode") {
      const std::string upper = Upper(value);
      for (MysqlSslMode m :
           {MysqlSslMode::kDisabled, MysqlSslMode::kPreferred, MysqlSslMode::kRequired,
            MysqlSslMode::kVerifyCa, MysqlSslMode::kVerifyIdentity}) {
        if (upper == MysqlSslModeName(m)) p.ssl_mode = m;
      }
      if (p.ssl_mode == MysqlSslMode::kUnset) {
        return Status::InvalidArgument(
            where + " must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
      }
      continue;
    } else if (name == "ssl-passphrase") {
      p.ssl_passphrase = value;
      tls_files = true;
      continue;
    } else if (name == "ssl-ca") {
      text = &p.ssl_ca;
    } else if (name == "ssl-capath") {
      text = &p.ssl_capath;
    } else if (name == "ssl-cert") {
      text = &p.ssl_cert;
    } else if (name == "ssl-key") {
      text = &p.ssl_key;
    } else if (name == "ssl-cipher") {
      text = &p.ssl_cipher;
    } else if (name == "ssl-crl") {
      text = &p.ssl_crl;
    } else if (name == "ssl-crlpath") {
      text = &p.ssl_crlpath;
    } else if (name == "tls-version") {
      text = &p.tls_version;
    } else {
      return Status::InvalidArgument(
          "database: \"" + name +
          "\" is not a parameter of mysql:// URLs (socket, ssl-mode, ssl-ca, ssl-capath, "
          "ssl-cert, ssl-key, ssl-passphrase, ssl-cipher, ssl-crl, ssl-crlpath, tls-version)");
    }
    *text = value;
    if (name != "socket") tls_files = true;
  }
  if (p.ssl_mode == MysqlSslMode::kDisabled && tls_files) {
    return Status::InvalidArgument(
        "database: ssl-mode=DISABLED goes with no other ssl- or tls- parameter");
  }
  if ((p.ssl_cert.empty()) != (p.ssl_key.empty())) {
    return Status::InvalidArgument("database: ssl-cert and ssl-key go together");
  }
  return p;
}

bool IsLocalDatabaseHost(const DatabaseUrl& url) {
  std::vector<std::string> hosts;
  std::string host = url.host;
  for (const auto& [name, value] : url.params) {
    if (url.scheme == "postgresql" && (name == "host" || name == "hostaddr")) host = value;
  }
  // MySQL's ?socket= is used for localhost only: the host decides. PostgreSQL:
  // several hosts, comma-separated; each must be local.
  size_t start = 0;
  for (;;) {
    size_t comma = host.find(',', start);
    hosts.push_back(
        host.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  for (const std::string& h : hosts) {
    if (h.empty() || h[0] == '/' || h[0] == '@')
      continue;  // the default, a socket, an abstract one
    if (h == "localhost" || h == "::1" || h == "[::1]" || h.rfind("127.", 0) == 0) continue;
    return false;
  }
  return true;
}

}  // namespace dlr
