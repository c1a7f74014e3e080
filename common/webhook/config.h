// The responder's configuration: loading, validating and looking up webhooks.
//
// Errors name the offending key ("webhooks[0].secrets[1]: ...") and never
// show a secret, a validation key or a database password.
#ifndef DLR_COMMON_WEBHOOK_CONFIG_H_
#define DLR_COMMON_WEBHOOK_CONFIG_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/log.h"
#include "common/base/status.h"
#include "common/http/ip.h"
#include "common/webhook/payload.h"
#include "common/webhook/signature.h"

namespace dlr {

inline constexpr char kDefaultConfigPath[] = "/etc/dlr-webhook/config.json";
inline constexpr size_t kDefaultMaxBodyBytes = 65536;
inline constexpr size_t kMaxMaxBodyBytes = 64u << 20;
inline constexpr int kDefaultBusyTimeoutMs = 5000;
// Upper bounds of the limits a config may set (the defaults are in dlr.h).
inline constexpr size_t kMaxMaxArrayLength = 100000;
inline constexpr size_t kMaxMaxJsonDepth = 1000;

struct Webhook {
  std::string name;
  std::optional<std::string> path;  // nullopt: answers every path (single webhook only)
  std::optional<std::string> validation_key;
  std::vector<std::string> secrets;
  FieldNames field_names;                                   // after `fields`
  std::vector<std::pair<std::string, std::string>> fields;  // as configured
  // The platform posting to it (kProviders): "mobtexting" unless given.
  std::string provider = "mobtexting";
  // How a request proves its sender (`verify`, or `secrets` for bearer). For
  // bearer, its secrets are also in `secrets` above.
  VerifyScheme verify;
  // The URL the platform signs (twilio, plivo-v3): the query string is appended.
  std::optional<std::string> public_url;
  // When not empty, the client address (see ClientAddress) must lie in one.
  std::vector<Cidr> allow_from;
};

// The platforms a webhook's `provider` may name.
inline constexpr const char* kProviders[] = {"mobtexting", "twilio", "vonage", "plivo",
                                             "infobip",    "telnyx", "kannel"};

// The signature scheme a provider's webhook uses when `verify` names none.
std::optional<SchemeKind> DefaultSchemeFor(std::string_view provider);

// One line on how the webhook checks its sender ("twilio (2 auth tokens,
// public_url https://...)"), naming no secret.
std::string DescribeVerify(const Webhook& w);

// The status page (status_page.h): off unless the config has "dashboard".
inline constexpr int kDefaultStaleAfterMinutes = 60;
inline constexpr int kMaxStaleAfterMinutes = 7 * 24 * 60;
struct DashboardConfig {
  std::string path;                     // starts with '/', no trailing '/'
  std::optional<std::string> user;      // when set, HTTP Basic must give this user name
  std::optional<std::string> password;  // nullopt: only loopback_without_password may read it
  // A loopback client (REMOTE_ADDR 127.0.0.1 or ::1, which anyone who can
  // reach the FastCGI socket sets) reads the page without the password; never
  // the raw bodies of refused requests. Without a password it must be true.
  bool loopback_without_password = false;
  int stale_after_minutes = kDefaultStaleAfterMinutes;  // a webhook quiet longer stands out
};

// "metrics": Prometheus text on `path`, answered to a bearer holding one of
// `secrets`, and to loopback (REMOTE_ADDR 127.0.0.1 or ::1) without it when
// loopback_without_password is true (required without secrets). The counters
// live in `file`, shared by every process of the deployment.
struct MetricsSettings {
  std::string path;  // "": no metrics path
  std::vector<std::string> secrets;
  bool loopback_without_password = false;
  std::string file;  // default: "<database>.metrics" for SQLite; required for a server
};

// "health": 200 on `path` when the database answers, else 503.
struct HealthSettings {
  std::string path;  // "": no health path
};

struct Config {
  std::string source;    // the file it was read from ("" when parsed from text)
  std::string database;  // a SQLite path (absolute once loaded from a file) or a URL
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  Limits limits;  // max_array_length, max_field_bytes, max_json_depth
  int busy_timeout_ms = kDefaultBusyTimeoutMs;
  std::vector<Webhook> webhooks;
  std::optional<DashboardConfig> dashboard;
  LogSettings log;
  MetricsSettings metrics;
  HealthSettings health;
  // Proxies whose X-Forwarded-For is believed (allow_from).
  std::vector<Cidr> trusted_proxies;
  // The CGI names (HTTP_X_SIGNATURE) of the headers the webhooks' hmac schemes read.
  std::vector<std::string> signature_headers;
};

// Parses and validates config text. Relative SQLite paths are resolved
// against `base_dir` (unless it is empty). InvalidArgument on any error,
// including a webhook whose scheme needs libcrypto when CryptoAvailable()
// fails (see CheckCrypto).
StatusOr<Config> ParseConfig(std::string_view text, const std::string& base_dir);

// Ok when no webhook's scheme needs libcrypto (crypto_available is then not
// called, so a bearer-only config never loads it), or when crypto_available()
// is Ok; else InvalidArgument naming the first such webhook, its scheme and
// why libcrypto is missing: refused at load rather than a 401 for every
// request, which the platform would stop retrying.
Status CheckCrypto(const std::vector<Webhook>& webhooks,
                   const std::function<Status()>& crypto_available);

// Reads and parses the file at `path`. InvalidArgument for an invalid config,
// Unavailable when the file cannot be read.
StatusOr<Config> LoadConfig(const std::string& path);

// The config path a program should use: `flag` when given, else the
// DLR_WEBHOOK_CONFIG environment variable, else kDefaultConfigPath.
std::string ResolveConfigPath(const std::string& flag);

// The webhook answering `path`, or nullptr. A trailing '/' is ignored.
const Webhook* FindWebhook(const Config& config, std::string_view path);

// Things worth a warning but not an error (a webhook without secrets, ...).
std::vector<std::string> ConfigWarnings(const Config& config);

// The database setting with any password replaced by "***", for display.
std::string RedactDatabase(const std::string& database);

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_CONFIG_H_
