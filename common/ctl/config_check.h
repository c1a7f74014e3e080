// What `dlrctl check-config` warns about: a config the responder accepts
// but an operator should fix. Pure functions: what they need from the file
// system (the config file's mode) is given to them.
#ifndef DLR_COMMON_CTL_CONFIG_CHECK_H_
#define DLR_COMMON_CTL_CONFIG_CHECK_H_

#include <optional>
#include <string>
#include <vector>

#include "common/webhook/config.h"

namespace dlr {

// Secrets shorter than this are guessable; check-config says so.
inline constexpr size_t kMinSecretLength = 16;

// True when `path` (absolute) lies in what is commonly a web server's
// document root, where a file may be downloaded by anyone: under /var/www,
// /srv/www, /srv/http, /usr/share/nginx, /usr/local/www, or below a
// directory named public_html, htdocs, httpdocs, wwwroot, www or html.
// Returns that root ("/var/www", ".../public_html"), or "" when none.
std::string WebDocumentRoot(const std::string& path);

// A warning when `database` is a server URL whose host is neither a unix
// socket nor a loopback address (each host, for several) and TLS is not
// required: PostgreSQL's sslmode not require, verify-ca or verify-full;
// MariaDB's ssl-mode not REQUIRED, VERIFY_CA or VERIFY_IDENTITY. nullopt
// otherwise (a SQLite path, a URL that does not parse: refused elsewhere).
// Names the host, never the password.
std::optional<std::string> DatabaseTransportWarning(const std::string& database);

// Every warning for `config`, one sentence each, without "warning: " and
// never showing a secret: ConfigWarnings (no secret, no validation key),
// secrets (and a dashboard password) shorter than kMinSecretLength, the config file readable or
// writable by others (`config_mode`: its st_mode, when known), a database
// server reached over the network without TLS (DatabaseTransportWarning), and
// a SQLite database or the config file inside a web document root.
std::vector<std::string> DeploymentWarnings(const Config& config,
                                            std::optional<unsigned> config_mode);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_CONFIG_CHECK_H_
