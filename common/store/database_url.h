// The `database` URL of a server backend, split into its parts:
//
//   postgresql://user:password@host:port/dbname?key=value&...
//   mysql://user:password@host:port/dbname?socket=/run/mysqld/mysqld.sock
//
// `postgres://` is read as `postgresql://`, `mariadb://` as `mysql://`. The
// user, password, host and database name are percent-decoded, so a password
// holding '@', ':' or '/' is written %40, %3A, %2F (or, better, left out of
// the URL and given in DLR_DATABASE_PASSWORD). A host that decodes to a path
// ("%2Frun%2Fpostgresql", or `?host=/run/postgresql`) names a unix socket
// directory (PostgreSQL) or socket file (MySQL). `[::1]` is an IPv6 host.
//
// Pure functions, no I/O. Errors are InvalidArgument and never contain the
// password.
#ifndef DLR_COMMON_STORE_DATABASE_URL_H_
#define DLR_COMMON_STORE_DATABASE_URL_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/base/status.h"

namespace dlr {

// Where a server backend's password may come from when its URL has none.
inline constexpr char kDatabasePasswordEnv[] = "DLR_DATABASE_PASSWORD";

struct DatabaseUrl {
  std::string scheme;                   // "postgresql" or "mysql"
  std::string user;                     // "" = the backend's default
  std::optional<std::string> password;  // nullopt = none given
  std::string host;                     // "" = the default; "/..." = a unix socket
  int port = 0;                         // 0 = the backend's default
  std::string database;                 // "" = the backend's default
  std::vector<std::pair<std::string, std::string>> params;  // the query, decoded, in order
};

// Splits `url`. The user information ends at the LAST '@', so a password may
// hold '@', '/', '?' or ':' unencoded; an '@' elsewhere must be written %40.
// InvalidArgument (naming the part, never quoting the URL) when the scheme is
// not postgresql/postgres/mysql/mariadb, a %-escape is broken, the port is not
// a number from 1 to 65535, the host is malformed, or the query carries a
// `password` (it belongs in the user information or DLR_DATABASE_PASSWORD).
StatusOr<DatabaseUrl> ParseDatabaseUrl(const std::string& url);

// True for a query parameter whose value is a secret: its name (any case)
// contains "pass", "pwd", "secret" or "token" (password, sslpassword, ...).
bool IsSecretParam(const std::string& name);

// `database` for display (logs, dlrctl, the status page): a server URL with
// the password replaced by "***", split as ParseDatabaseUrl splits it (the
// user information up to the LAST '@'), and the value of every secret query
// parameter (IsSecretParam) replaced by "***". Anything else (a SQLite path)
// is returned as it is.
std::string RedactDatabaseUrl(const std::string& database);

// The TLS settings of a mysql:// URL, as the MySQL client names them:
// ?ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY (any case),
// ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, ssl-crl, ssl-crlpath,
// tls-version, and ssl-passphrase (the key file's passphrase: a secret,
// redacted as such).
enum class MysqlSslMode { kUnset, kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

struct MysqlParams {
  std::string socket;  // ?socket=: "" = none given
  MysqlSslMode ssl_mode = MysqlSslMode::kUnset;
  std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, ssl_crl, ssl_crlpath;
  std::string tls_version;
  std::optional<std::string> ssl_passphrase;
};

// The query of a mysql:// URL. InvalidArgument (naming the parameter, never
// a value of a secret one) for a parameter not listed above, one given
// twice or empty, an unknown ssl-mode, or TLS files with ssl-mode=DISABLED.
StatusOr<MysqlParams> ParseMysqlParams(const DatabaseUrl& url);

// "DISABLED", "PREFERRED", ... ("" for kUnset).
const char* MysqlSslModeName(MysqlSslMode mode);

// True when the URL's host is a unix socket or a loopback address (the
// backend's default host included: a socket for both): reached without a
// network a third party could read.
bool IsLocalDatabaseHost(const DatabaseUrl& url);

// `message` with every occurrence of `secret` replaced by "***": for messages
// from a database client library, which should not, but might, repeat what
// they were given.
std::string ScrubSecret(std::string message, const std::optional<std::string>& secret);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_DATABASE_URL_H_
