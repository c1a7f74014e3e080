#include "common/ctl/config_check.h"

#include "common/store/database_url.h"

namespace dlr {
namespace {

// "/a/./b//c/../d" -> components {"a", "d"}.
std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  return parts;
}

bool IsUrl(const std::string& database) { return database.find("://") != std::string::npos; }

}  // namespace

std::string WebDocumentRoot(const std::string& path) {
  std::vector<std::string> parts = Components(path);
  static const std::vector<std::vector<std::string>> kRoots = {
      {"var", "www"},          {"srv", "www"}, {"srv", "http"}, {"usr", "share", "nginx"},
      {"usr", "local", "www"},
  };
  for (const auto& root : kRoots) {
    if (parts.size() > root.size() && std::equal(root.begin(), root.end(), parts.begin())) {
      std::string out;
      for (const std::string& p : root) out += "/" + p;
      return out;
    }
  }
  static const char* const kNames[] = {"public_html", "htdocs", "httpdocs",
                                       "wwwroot",     "www",    "html"};
  // The last directory of the path (not the file itself) with such a name.
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    for (const char* name : kNames) {
      if (parts[i] != name) continue;
      std::string out;
      for (size_t k = 0; k <= i; ++k) out += "/" + parts[k];
      return out;
    }
  }
  return "";
}

std::optional<std::string> DatabaseTransportWarning(const std::string& database) {
  if (!IsUrl(database)) return std::nullopt;
  StatusOr<DatabaseUrl> u = ParseDatabaseUrl(database);
  if (!u.ok() || IsLocalDatabaseHost(u.value())) return std::nullopt;
  const DatabaseUrl& url = u.value();
  const std::string where =
      "the database server " + url.host + (url.port ? ":" + std::to_string(url.port) : "");
  if (url.scheme == "postgresql") {
    std::string mode;
    for (const auto& [name, value] : url.params) {
      if (name == "sslmode") mode = value;
    }
    if (mode == "require" || mode == "verify-ca" || mode == "verify-full") return std::nullopt;
    return where + " is not on this host and TLS is not required (sslmode=" +
           (mode.empty() ? std::string("prefer, the default") : mode) +
           "): passwords and DLRs may cross the network in clear text; add "
           "?sslmode=verify-full&sslrootcert=/path/to/ca.pem to the URL";
  }
  StatusOr<MysqlParams> p = ParseMysqlParams(url);
  if (!p.ok()) return std::nullopt;  // refused when the store opens
  MysqlSslMode mode = p.value().ssl_mode;
  if (mode == MysqlSslMode::kRequired || mode == MysqlSslMode::kVerifyCa ||
      mode == MysqlSslMode::kVerifyIdentity) {
    return std::nullopt;
  }
  return where + " is not on this host and TLS is not required (ssl-mode=" +
         (mode == MysqlSslMode::kUnset ? std::string("unset") : MysqlSslModeName(mode)) +
         "): passwords and DLRs may cross the network in clear text; add "
         "?ssl-mode=VERIFY_IDENTITY&ssl-ca=/path/to/ca.pem to the URL";
}

std::vector<std::string> DeploymentWarnings(const Config& config,
                                            std::optional<unsigned> config_mode) {
  std::vector<std::string> out = ConfigWarnings(config);
  for (const Webhook& w : config.webhooks) {
    for (size_t i = 0; i < w.secrets.size(); ++i) {
      if (w.secrets[i].size() < kMinSecretLength) {
        out.push_back("webhook \"" + w.name + "\": secrets[" + std::to_string(i) +
                      "] is shorter than " + std::to_string(kMinSecretLength) +
                      " characters: use a long random one (head -c 24 /dev/urandom | base64)");
      }
    }
  }
  if (config.dashboard && config.dashboard->password &&
      config.dashboard->password->size() < kMinSecretLength) {
    out.push_back("dashboard.password is shorter than " + std::to_string(kMinSecretLength) +
                  " characters: use a long random one (head -c 24 /dev/urandom | base64)");
  }
  const std::string source = config.source.empty() ? "the config file" : config.source;
  if (config_mode && (*config_mode & 0004)) {
    out.push_back(source + " is readable by every user of this host (mode " +
                  std::to_string((*config_mode >> 6) & 7) +
                  std::to_string((*config_mode >> 3) & 7) + std::to_string(*config_mode & 7) +
                  "); it holds the secrets: chmod o-rwx, and give the responder's user or "
                  "group read access");
  }
  if (config_mode && (*config_mode & 0002)) {
    out.push_back(source + " is writable by every user of this host: chmod o-w");
  }
  if (std::optional<std::string> w = DatabaseTransportWarning(config.database)) {
    out.push_back(*w);
  }
  if (!IsUrl(config.database)) {
    std::string root = WebDocumentRoot(config.database);
    if (!root.empty()) {
      out.push_back("the database " + config.database +
                    " is inside a web server's document root (" + root +
                    "): it may be downloaded by anyone; move it outside the web space");
    }
  }
  if (!config.source.empty() && config.source[0] == '/') {
    std::string root = WebDocumentRoot(config.source);
    if (!root.empty()) {
      out.push_back("the config file " + config.source +
                    " is inside a web server's document root (" + root +
                    "): it may be downloaded by anyone, secrets included; move it outside the "
                    "web space");
    }
  }
  return out;
}

}  // namespace dlr
