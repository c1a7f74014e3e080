#include "common/store/mysql/mysql_store.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <sys/stat.h>
#if DLR_MYSQL_NO_PLUGINS
#include <openssl/crypto.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/store/event_sql.h"

namespace dlr {
namespace {

// MySQL 8 only (MariaDB has no such code): a connection idle past
// wait_timeout, told so at its next statement.
constexpr unsigned int kClientInteractionTimeout = 4031;

// The portable binary (make portable) links MariaDB's client statically; the
// build defines these two.
#ifndef DLR_MYSQL_NO_PLUGINS
#define DLR_MYSQL_NO_PLUGINS 0
#endif
#ifndef DLR_MYSQL_FIND_SOCKET
#define DLR_MYSQL_FIND_SOCKET 0
#endif

// DLR_MYSQL_NO_PLUGINS: the client cannot load its authentication plugins
// (shared libraries; the portable binary's dlopen always fails, see
// fcgi_app/portable_nss.cc), so a server asking for one the client does not
// carry (caching_sha2_password, sha256_password, ed25519, ...) refuses the
// connection: the error says what is carried, mysql_native_password.

#if DLR_MYSQL_FIND_SOCKET
// The sockets a local server listens on, by distribution: Debian and Ubuntu,
// the same through the /var/run link, RHEL and its rebuilds (AlmaLinux, Rocky,
// CloudLinux, cPanel's MySQL), a build from source.
const char* const kLocalSockets[] = {"/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock",
                                     "/var/lib/mysql/mysql.sock", "/tmp/mysql.sock"};

// The socket of "localhost" with no socket given: MYSQL_UNIX_PORT, else the
// first of kLocalSockets that is a socket, else "" (the client's default,
// the build machine's path).
std::string FindLocalSocket() {
  const char* env = std::getenv("MYSQL_UNIX_PORT");
  if (env && *env) return env;
  for (const char* path : kLocalSockets) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) return path;
  }
  return "";
}
#endif

// Migrations, each applied by ApplyMigration and recorded in dlr_schema.
// MySQL commits every DDL statement on its own, so each step is written to
// be run again after an interruption (IF NOT EXISTS, or a catalog check).
//
// Version 1. The same columns and limits as on PostgreSQL. The duplicate key
// (id, status, deliv_time with NULL as '') needs a stored generated column:
// MySQL/MariaDB index no expression. '@' is the collation (see kCollation):
// binary, for byte-for-byte comparison as on SQLite and PostgreSQL.
const char* const kSchemaV1[] = {
    "CREATE TABLE IF NOT EXISTS dlr_events ("
    " seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " id VARCHAR(255) NOT NULL, mobile MEDIUMTEXT, status VARCHAR(64) NOT NULL,"
    " credits MEDIUMTEXT, units MEDIUMTEXT,"
    " deliv_time VARCHAR(64), sent_time MEDIUMTEXT, submit_time MEDIUMTEXT,"
    " deliv_at MEDIUMTEXT, sent_at MEDIUMTEXT, submit_at MEDIUMTEXT,"
    " cid MEDIUMTEXT, custom MEDIUMTEXT, custom1 MEDIUMTEXT, custom2 MEDIUMTEXT,"
    " location MEDIUMTEXT, region MEDIUMTEXT, provider MEDIUMTEXT,"
    " location_code MEDIUMTEXT, region_code MEDIUMTEXT, provider_code MEDIUMTEXT,"
    " webhook MEDIUMTEXT NOT NULL, raw LONGTEXT NOT NULL, received_at DATETIME(3) NOT NULL,"
    " query MEDIUMTEXT,"
    " deliv_key VARCHAR(64) GENERATED ALWAYS AS (COALESCE(deliv_time, '')) STORED,"
    " UNIQUE KEY dlr_events_event (id, status, deliv_key),"
    " KEY dlr_events_received_at (received_at)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=@",
    "CREATE TABLE IF NOT EXISTS dlr_messages ("
    " id VARCHAR(255) NOT NULL PRIMARY KEY, webhook MEDIUMTEXT NOT NULL,"
    " status VARCHAR(64) NOT NULL, final TINYINT NOT NULL, delivered TINYINT NOT NULL,"
    " deliv_time VARCHAR(64), sent_time MEDIUMTEXT, submit_time MEDIUMTEXT,"
    " deliv_at MEDIUMTEXT, sent_at MEDIUMTEXT, submit_at MEDIUMTEXT,"
    " updated_at DATETIME(3) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=@",
    "CREATE TABLE IF NOT EXISTS dlr_rejected ("
    " seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " received_at DATETIME(3) NOT NULL, webhook MEDIUMTEXT, remote_addr MEDIUMTEXT,"
    " http_status SMALLINT NOT NULL, error MEDIUMTEXT NOT NULL, reason MEDIUMTEXT NOT NULL,"
    " content_type MEDIUMTEXT, raw LONGBLOB,"
    " KEY dlr_rejected_received_at (received_at)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=@",
    "CREATE TABLE IF NOT EXISTS dlr_schema (version INT NOT NULL) ENGINE=InnoDB",
};

// Version 2: columns of dlr_rejected (added when missing), and an index.
const char* const kRejectedColumnsV2[][2] = {
    {"method", "MEDIUMTEXT"},
    {"query", "MEDIUMTEXT"},
    {"replayed_at", "DATETIME(3)"},
    {"replay_status", "SMALLINT"},
};

// Version 4: columns of dlr_events (added when missing), then the class of
// the rows stored before, by their status text as StatusTextClass (record.h)
// reads it. MySQL 5.7 has no REGEXP_REPLACE and TRIM removes one string: a
// status is T with JSON whitespace around it when, without any of that
// whitespace, it is T, and T is in it whole.
const char* const kEventColumnsV4[][2] = {
    {"error_code", "MEDIUMTEXT"},
    {"dlr_class", "VARCHAR(16)"},
};
const char kFillClassesV4[] =
    "UPDATE dlr_events SET dlr_class = CASE"
    " WHEN @ = 'DELIVRD' AND LOCATE('DELIVRD', UPPER(status)) > 0 THEN 'delivered'"
    " WHEN @ = 'AWAITING-DLR' AND LOCATE('AWAITING-DLR', UPPER(status)) > 0 THEN 'pending'"
    " ELSE 'failed' END WHERE dlr_class IS NULL";
const char kStatusWithoutSpaceV4[] =
    "REPLACE(REPLACE(REPLACE(REPLACE(UPPER(status), ' ', ''), CHAR(9 USING utf8mb4), ''),"
    " CHAR(10 USING utf8mb4), ''), CHAR(13 USING utf8mb4), '')";

// The binary collation that also counts trailing spaces (NO PAD: 'a' and
// 'a ' are different ids): MariaDB's utf8mb4_nopad_bin, MySQL 8's
// utf8mb4_0900_bin; MySQL 5.7 has only utf8mb4_bin, which ignores them.
const char kCollation[] =
    "SELECT COALESCE(MAX(collation_name), 'utf8mb4_bin') FROM information_schema.collations"
    " WHERE collation_name IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')";

// Schema creation, one connection at a time per database (lock names are
// server-wide and at most 64 characters).
const char kSchemaLock[] = "SELECT GET_LOCK(CONCAT('dlr_schema_', MD5(DATABASE())), 30)";
const char kSchemaUnlock[] = "SELECT RELEASE_LOCK(CONCAT('dlr_schema_', MD5(DATABASE())))";

// A pending status never replaces a final one; among final statuses the
// latest deliv_time wins; a pending row takes whatever comes next. The
// condition is in WHERE, which sees the row before any SET (MySQL applies
// SET assignments left to right, each seeing the ones before it).
const char kUpdateMessage[] =
    "UPDATE dlr_messages SET webhook = ?, status = ?, final = ?, delivered = ?,"
    " deliv_time = ?, sent_time = COALESCE(?, sent_time),"
    " submit_time = COALESCE(?, submit_time), deliv_at = ?,"
    " sent_at = COALESCE(?, sent_at), submit_at = COALESCE(?, submit_at), updated_at = ?"
    " WHERE id = ? AND (final = 0 OR (? = 1 AND COALESCE(?, '') > COALESCE(deliv_time, '')))";

// The statements of the writes, prepared on each connection; their column
// lists are event_sql.h's. Built once, by the first connection.
struct Statements {
  // Affected rows: 1 for a new event, 0 for a duplicate (seq = seq changes
  // nothing). Unlike INSERT IGNORE, it turns no other error into a warning.
  std::string insert_event =
      InsertEventSql(SqlDialect::kMysql) + " ON DUPLICATE KEY UPDATE seq = seq";
  // Affected rows: 1 for a new message, 0 when it exists (then
  // kUpdateMessage).
  std::string insert_message =
      InsertMessageSql(SqlDialect::kMysql) + " ON DUPLICATE KEY UPDATE id = id";
  std::string insert_rejected = InsertRejectedSql(SqlDialect::kMysql);
};

const Statements& Sql() {
  static const Statements statements;
  return statements;
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM:SS.mmm" (DATETIME(3), UTC).
std::string ToDatetime(std::string t) {
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  size_t tee = t.find('T');
  if (tee != std::string::npos) t[tee] = ' ';
  return t;
}

void CloseStmt(MYSQL_STMT** st) {
  if (*st) mysql_stmt_close(*st);
  *st = nullptr;
}

}  // namespace

StatusOr<std::unique_ptr<Store>> MysqlStore::Open(DatabaseUrl url, const StoreOptions& options) {
  if (url.database.empty()) {
    return Status::InvalidArgument(
        "database: a mysql:// URL must name the database (mysql://user@host/NAME)");
  }
  StatusOr<MysqlParams> params = ParseMysqlParams(url);
  if (!params.ok()) return params.status();
  return std::unique_ptr<Store>(new MysqlStore(std::move(url), std::move(params).value(), options));
}

MysqlStore::MysqlStore(DatabaseUrl url, MysqlParams params, const StoreOptions& options)
    : url_(std::move(url)), params_(std::move(params)), options_(options) {
  host_ = url_.host;
  if (!host_.empty() && host_[0] == '/') {
    socket_ = host_;
    host_ = "localhost";
  }
  if (!params_.socket.empty()) socket_ = params_.socket;
}

MysqlStore::~MysqlStore() { Disconnect(); }

void MysqlStore::SetTlsOptions() {
  const MysqlParams& p = params_;
  auto file = [this](mysql_option option, const std::string& value) {
    if (!value.empty()) mysql_optionsv(conn_, option, value.c_str());
  };
  // PREFERRED (or no ssl-mode): the files are given to Connector/C, which
  // decides; only REQUIRED and VERIFY_* refuse a connection without TLS.
  file(MYSQL_OPT_SSL_CA, p.ssl_ca);
  file(MYSQL_OPT_SSL_CAPATH, p.ssl_capath);
  file(MYSQL_OPT_SSL_CERT, p.ssl_cert);
  file(MYSQL_OPT_SSL_KEY, p.ssl_key);
  file(MYSQL_OPT_SSL_CIPHER, p.ssl_cipher);
  file(MYSQL_OPT_SSL_CRL, p.ssl_crl);
  file(MYSQL_OPT_SSL_CRLPATH, p.ssl_crlpath);
  file(MARIADB_OPT_TLS_VERSION, p.tls_version);
  if (p.ssl_passphrase)
    mysql_optionsv(conn_, MARIADB_OPT_TLS_PASSPHRASE, p.ssl_passphrase->c_str());
  my_bool enforce = 0, verify = 0;
  switch (p.ssl_mode) {
    case MysqlSslMode::kUnset:
    case MysqlSslMode::kDisabled:
    case MysqlSslMode::kPreferred:
      break;
    case MysqlSslMode::kRequired:
      enforce = 1;
      break;
    case MysqlSslMode::kVerifyCa:
    case MysqlSslMode::kVerifyIdentity:
      // Connector/C checks the chain and the host name together: VERIFY_CA is
      // VERIFY_IDENTITY with this client.
      enforce = 1;
      verify = 1;
      break;
  }
  if (enforce) mysql_optionsv(conn_, MYSQL_OPT_SSL_ENFORCE, &enforce);
  mysql_optionsv(conn_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
}

void MysqlStore::CloseConnection() {
  CloseStmt(&insert_event_);
  CloseStmt(&insert_message_);
  CloseStmt(&update_message_);
  CloseStmt(&insert_rejected_);
  for (auto* cache : {&multi_events_, &multi_messages_}) {
    for (auto& kv : *cache) CloseStmt(&kv.second);
    cache->clear();
  }
  if (conn_) mysql_close(conn_);
  conn_ = nullptr;
  in_transaction_ = false;
}

std::string MysqlStore::Where() const {
  std::string w = "MySQL ";
  if (!url_.user.empty()) w += url_.user + "@";
  if (!socket_.empty()) {
    w += socket_;
  } else {
    w += host_.empty() ? "localhost" : host_;
    if (url_.port != 0) w += ":" + std::to_string(url_.port);
  }
  return w + "/" + url_.database;
}

Status MysqlStore::Fail(unsigned int err, const char* message) {
  std::string detail = ScrubSecret(message ? message : "", url_.password);
  std::string msg = Where() + ": " + detail + " [error " + std::to_string(err) + "]";
  FailureKind kind = FailureKind::kOther;
  switch (err) {
    case ER_LOCK_DEADLOCK:  // InnoDB rolled the transaction back
      kind = FailureKind::kConflict;
      break;
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_COMMANDS_OUT_OF_SYNC:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case kClientInteractionTimeout:
    case ER_OPTION_PREVENTS_STATEMENT:  // --read-only: a failover may be under way
    case ER_READ_ONLY_MODE:
    case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
      kind = FailureKind::kConnectionLost;
      break;
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_QUERY_INTERRUPTED:
    case ER_STATEMENT_TIMEOUT:
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_USER_LIMIT_REACHED:
    case ER_DISK_FULL:
    case ER_RECORD_FILE_FULL:
      kind = FailureKind::kBusy;
      break;
    case ER_DATA_TOO_LONG:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_INVALID_CHARACTER_STRING:
      kind = FailureKind::kUnfitValue;
      break;
    case ER_NO_SUCH_TABLE:
    case ER_BAD_FIELD_ERROR:  // the tables changed under us: check them again
      kind = FailureKind::kReconnect;
      break;
    default:
      if (err >= 2000 && err < 3000) kind = FailureKind::kReconnect;  // a client-side error
      break;
  }
  return Failure(kind, std::move(msg), detail);
}

Status MysqlStore::FailConnection() {
  if (!conn_) return Fail(CR_SERVER_GONE_ERROR, "not connected");
  return Fail(mysql_errno(conn_), mysql_error(conn_));
}

Status MysqlStore::FailStatement(MYSQL_STMT* st) {
  // An unbuffered fetch that loses the connection leaves the error on the
  // connection, not on the statement.
  if (mysql_stmt_errno(st) == 0 && conn_ && mysql_errno(conn_) != 0) return FailConnection();
  if (mysql_stmt_errno(st) == 0) {
    return Fail(CR_SERVER_LOST, "the server's answer ended without an error code");
  }
  return Fail(mysql_stmt_errno(st), mysql_stmt_error(st));
}

Status MysqlStore::Exec(const char* sql, std::string* value) {
  if (!conn_) return FailConnection();
  if (mysql_real_query(conn_, sql, std::strlen(sql)) != 0) return FailConnection();
  MYSQL_RES* res = mysql_store_result(conn_);
  if (!res) {
    if (mysql_field_count(conn_) != 0) return FailConnection();
    if (value) return Status::Internal("a statement returned no rows: " + std::string(sql));
    return Status::Ok();
  }
  Status s;
  if (value) {
    MYSQL_ROW row = mysql_fetch_row(res);
    if (!row || !row[0]) {
      s = Status::Internal("a statement returned no value: " + std::string(sql));
    } else {
      *value = row[0];
    }
  }
  mysql_free_result(res);
  return s;
}

Status MysqlStore::ExecInt(const char* sql, long long* value) {
  std::string text;
  Status s = Exec(sql, &text);
  if (s.ok()) *value = std::atoll(text.c_str());
  return s;
}

Status MysqlStore::Prepare(const char* sql, MYSQL_STMT** stmt) {
  *stmt = mysql_stmt_init(conn_);
  if (!*stmt) return FailConnection();
  if (mysql_stmt_prepare(*stmt, sql, std::strlen(sql)) != 0) {
    Status s = FailStatement(*stmt);
    CloseStmt(stmt);
    return s;
  }
  return Status::Ok();
}

Status MysqlStore::Execute(MYSQL_STMT* st, const std::vector<Param>& params, uint64_t* affected) {
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<unsigned long> lengths(params.size());
  std::vector<my_bool> nulls(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    std::memset(&binds[i], 0, sizeof binds[i]);
    nulls[i] = params[i].data == nullptr;
    lengths[i] = static_cast<unsigned long>(params[i].length);
    binds[i].buffer_type = params[i].blob ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
    binds[i].buffer = const_cast<char*>(params[i].data ? params[i].data : "");
    binds[i].buffer_length = lengths[i];
    binds[i].length = &lengths[i];
    binds[i].is_null = &nulls[i];
  }
  if (mysql_stmt_param_count(st) != params.size()) {
    return Status::Internal("a statement takes " + std::to_string(mysql_stmt_param_count(st)) +
                            " values, not " + std::to_string(params.size()));
  }
  if (mysql_stmt_bind_param(st, binds.data()) != 0) return FailStatement(st);
  if (mysql_stmt_execute(st) != 0) return FailStatement(st);
  if (affected) *affected = mysql_stmt_affected_rows(st);
  mysql_stmt_free_result(st);
  return Status::Ok();
}

void MysqlStore::RollbackQuietly() {
  if (!conn_ || !in_transaction_ || broken()) return;
  if (mysql_real_query(conn_, "ROLLBACK", 8) != 0) MarkBroken();
  in_transaction_ = false;
}

Status MysqlStore::OpenSession() {
#if DLR_MYSQL_NO_PLUGINS
  // The client's OpenSSL, linked in, left out of the host's configuration
  // (its path and contents are another build's, and it may name modules).
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
#endif
  conn_ = mysql_init(nullptr);
  if (!conn_) return Status::Unavailable("cannot connect to " + Where() + ": out of memory");
  int busy = std::max(options_.busy_timeout_ms, 1);
  unsigned int connect_timeout = static_cast<unsigned int>(std::clamp((busy + 999) / 1000, 2, 10));
  // A reply must come within this (lock waits end sooner, after
  // innodb_lock_wait_timeout): a server that vanished is noticed.
  unsigned int io_timeout = static_cast<unsigned int>((busy + 999) / 1000 + 15);
  // An operator's query may run for minutes before its first row.
  if (options_.long_reads) io_timeout = 3600;
  my_bool no = 0;
  unsigned int no_infile = 0;
  mysql_optionsv(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(conn_, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_optionsv(conn_, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_optionsv(conn_, MYSQL_OPT_RECONNECT, &no);
  mysql_optionsv(conn_, MYSQL_OPT_LOCAL_INFILE, &no_infile);
  mysql_optionsv(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  SetTlsOptions();
  std::string socket = socket_;
#if DLR_MYSQL_FIND_SOCKET
  // "localhost" means the local socket to the client; which one depends on
  // the host's distribution, not on the machine this program was built on.
  if (socket.empty() && (host_.empty() || host_ == "localhost")) socket = FindLocalSocket();
#endif
  if (!mysql_real_connect(conn_, host_.empty() ? nullptr : host_.c_str(),
                          url_.user.empty() ? nullptr : url_.user.c_str(),
                          url_.password ? url_.password->c_str() : nullptr, url_.database.c_str(),
                          static_cast<unsigned int>(url_.port),
                          socket.empty() ? nullptr : socket.c_str(), 0)) {
    std::string why = ScrubSecret(mysql_error(conn_), url_.password);
#if DLR_MYSQL_NO_PLUGINS
    if (mysql_errno(conn_) == CR_AUTH_PLUGIN_CANNOT_LOAD ||
        why.find("could not be loaded") != std::string::npos) {
      why +=
          " (this build carries the mysql_native_password authentication alone: give the"
          " user a password with it, ALTER USER ... IDENTIFIED WITH mysql_native_password)";
    }
#endif
    return Status::Unavailable("cannot connect to " + Where() + ": " + why);
  }
  // Strict mode: a value that does not fit is an error, never silently cut.
  std::string session =
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',"
      " SESSION innodb_lock_wait_timeout = " +
      std::to_string((busy + 999) / 1000) + ", time_zone = '+00:00'";
  // A reader of a long export may pause (a slow pipe): the server waits.
  if (options_.long_reads) session += ", SESSION net_write_timeout = 3600";
  Status s = Exec(session.c_str());
  if (s.ok()) s = Exec("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
  return s;
}

Status MysqlStore::PrepareStatements() {
  Status s = Prepare(Sql().insert_event.c_str(), &insert_event_);
  if (s.ok()) s = Prepare(Sql().insert_message.c_str(), &insert_message_);
  if (s.ok()) s = Prepare(kUpdateMessage, &update_message_);
  if (s.ok()) s = Prepare(Sql().insert_rejected.c_str(), &insert_rejected_);
  return s;
}

Status MysqlStore::ReadSchemaVersion(int* version) {
  long long tables = 0;
  Status s = ExecInt(
      "SELECT COUNT(*) FROM information_schema.tables"
      " WHERE table_schema = DATABASE() AND table_name = 'dlr_schema'",
      &tables);
  *version = 0;
  if (s.ok() && tables > 0) {
    long long recorded = 0;
    s = ExecInt("SELECT COALESCE(MAX(version), 0) FROM dlr_schema", &recorded);
    if (s.ok()) *version = static_cast<int>(recorded);
  }
  return s;
}

Status MysqlStore::AddColumnIfMissing(const char* table, const char* column, const char* type) {
  long long present = 0;
  std::string check =
      "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
      " AND table_name = '" +
      std::string(table) + "' AND column_name = '" + column + "'";
  Status s = ExecInt(check.c_str(), &present);
  if (!s.ok() || present) return s;
  std::string add = "ALTER TABLE " + std::string(table) + " ADD COLUMN " + column + " " + type;
  return Exec(add.c_str());
}

Status MysqlStore::ApplyMigration(int version) {
  if (version == 1) {
    std::string collation;
    Status s = Exec(kCollation, &collation);
    for (std::string sql : kSchemaV1) {
      if (!s.ok()) break;
      size_t at = sql.find("COLLATE=@");
      if (at != std::string::npos) sql.replace(at + 8, 1, collation);
      s = Exec(sql.c_str());
    }
    return s;
  }
  if (version == 2) {
    Status s;
    for (const auto& column : kRejectedColumnsV2) {
      s = AddColumnIfMissing("dlr_rejected", column[0], column[1]);
      if (!s.ok()) return s;
    }
    long long indexed = 0;
    s = ExecInt(
        "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()"
        " AND table_name = 'dlr_messages' AND index_name = 'dlr_messages_updated_at'",
        &indexed);
    if (s.ok() && !indexed) {
      s = Exec("CREATE INDEX dlr_messages_updated_at ON dlr_messages (updated_at)");
    }
    return s;
  }
  if (version == 3) {
    long long indexed = 0;
    Status s = ExecInt(
        "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()"
        " AND table_name = 'dlr_events' AND index_name = 'dlr_events_webhook_received_at'",
        &indexed);
    if (s.ok() && !indexed) {
      // webhook is MEDIUMTEXT: indexed by its first 255 characters.
      s = Exec(
          "CREATE INDEX dlr_events_webhook_received_at ON dlr_events (webhook(255), received_at)");
    }
    return s;
  }
  if (version == 4) {
    Status s;
    for (const auto& column : kEventColumnsV4) {
      s = AddColumnIfMissing("dlr_events", column[0], column[1]);
      if (!s.ok()) return s;
    }
    std::string fill = kFillClassesV4;
    for (size_t at = fill.find('@'); at != std::string::npos; at = fill.find('@', at)) {
      fill.replace(at, 1, kStatusWithoutSpaceV4);
    }
    return Exec(fill.c_str());
  }
  return Status::Internal("no migration to schema version " + std::to_string(version));
}

Status MysqlStore::LockSchema() {
  long long locked = 0;
  Status s = ExecInt(kSchemaLock, &locked);
  if (s.ok() && locked != 1) s = Status::Unavailable("timed out waiting for the schema lock");
  return s;
}

// MySQL commits each DDL statement on its own: there is nothing to undo.
Status MysqlStore::UnlockSchema(Status migrated, bool /*keep*/) {
  Status unlock = Exec(kSchemaUnlock);
  if (!migrated.ok()) return migrated;
  return unlock;
}

Status MysqlStore::StoreEvent(const Batch& batch, const std::string& received_at, const Dlr& dlr,
                              bool* inserted) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? Param{v->data(), v->size(), false} : Param{};
  };
  auto text = [](const std::string& v) { return Param{v.data(), v.size(), false}; };
  auto name = [](const char* v) { return Param{v, std::strlen(v), false}; };
  std::vector<Param> event;  // in EventInsertColumns' order
  event.reserve(kEventInsertColumns);
  for (size_t i = 0; i < kFieldCount; ++i) event.push_back(opt(dlr.values[i]));
  event.push_back(name(DlrClassName(ClassOf(dlr))));
  event.push_back(text(batch.webhook));
  event.push_back(text(dlr.raw));
  event.push_back(text(received_at));
  event.push_back(batch.query.empty() ? Param{} : text(batch.query));
  uint64_t affected = 0;
  Status s = Execute(insert_event_, event, &affected);
  if (!s.ok()) return s;
  *inserted = affected == 1;
  if (!*inserted) return Status::Ok();

  const std::optional<std::string>& status = dlr.Get(Field::kStatus);
  std::string is_final = DlrIsFinal(dlr) ? "1" : "0";
  std::string delivered = DlrIsDelivered(dlr) ? "1" : "0";
  // In MessageColumns' order.
  std::vector<Param> message;
  message.reserve(kMessageColumns);
  message = {opt(dlr.Get(Field::kId)), text(batch.webhook), opt(status), text(is_final),
             text(delivered)};
  for (Field time : kMessageTimes) message.push_back(opt(dlr.Get(time)));
  message.push_back(text(received_at));
  s = Execute(insert_message_, message, &affected);
  if (!s.ok() || affected == 1) return s;
  // kUpdateMessage's: the message's values but id, then the condition's.
  std::vector<Param> update;
  update.reserve(kMessageColumns + 2);
  update.assign(message.begin() + 1, message.end());
  update.push_back(opt(dlr.Get(Field::kId)));
  update.push_back(text(is_final));
  update.push_back(opt(dlr.Get(Field::kDelivTime)));
  return Execute(update_message_, update, nullptr);
}

Status MysqlStore::MultiRow(const std::string& single, size_t rows,
                            std::map<size_t, st_mysql_stmt*>* cache, st_mysql_stmt** stmt) {
  auto it = cache->find(rows);
  if (it != cache->end()) {
    *stmt = it->second;
    return Status::Ok();
  }
  // "INSERT INTO t (...) VALUES (?, ...) ON DUPLICATE ..." with the
  // parenthesised row repeated.
  const size_t values = single.find(" VALUES (");
  const size_t row_end = single.find(')', values);
  if (values == std::string::npos || row_end == std::string::npos) {
    return Status::Internal("cannot make a multi-row INSERT of: " + single);
  }
  const std::string row = single.substr(values + 8, row_end + 1 - (values + 8));
  std::string sql = single.substr(0, values + 8);
  for (size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + row;
  sql += single.substr(row_end + 1);
  Status s = Prepare(sql.c_str(), stmt);
  if (s.ok()) (*cache)[rows] = *stmt;
  return s;
}

Status MysqlStore::StoreItems(const Item* items, size_t n, bool first,
                              std::vector<BatchResult>* results) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? Param{v->data(), v->size(), false} : Param{};
  };
  auto text = [](const std::string& v) { return Param{v.data(), v.size(), false}; };
  auto name = [](const char* v) { return Param{v, std::strlen(v), false}; };
  st_mysql_stmt* events = nullptr;
  st_mysql_stmt* messages = nullptr;
  Status s = MultiRow(Sql().insert_event, n, &multi_events_, &events);
  if (s.ok()) s = MultiRow(Sql().insert_message, n, &multi_messages_, &messages);
  if (s.ok() && !first) s = Exec("SAVEPOINT dlr_group");
  if (!s.ok()) return s;
  std::vector<Param> params;
  params.reserve(n * kEventInsertColumns);
  for (size_t k = 0; k < n; ++k) {  // in EventInsertColumns' order
    const Item& it = items[k];
    for (size_t i = 0; i < kFieldCount; ++i) params.push_back(opt(it.dlr->values[i]));
    params.push_back(name(DlrClassName(ClassOf(*it.dlr))));
    params.push_back(text(it.from->webhook));
    params.push_back(text(it.dlr->raw));
    params.push_back(text(*it.received_at));
    params.push_back(it.from->query.empty() ? Param{} : text(it.from->query));
  }
  uint64_t affected = 0;
  s = Execute(events, params, &affected);
  if (!s.ok()) return s;
  bool all_new = affected == n;
  if (all_new) {
    params.clear();
    for (size_t k = 0; k < n; ++k) {  // in MessageColumns' order
      const Item& it = items[k];
      const std::optional<std::string>& status = it.dlr->Get(Field::kStatus);
      params.push_back(opt(it.dlr->Get(Field::kId)));
      params.push_back(text(it.from->webhook));
      params.push_back(opt(status));
      params.push_back(Param{DlrIsFinal(*it.dlr) ? "1" : "0", 1, false});
      params.push_back(Param{DlrIsDelivered(*it.dlr) ? "1" : "0", 1, false});
      for (Field time : kMessageTimes) params.push_back(opt(it.dlr->Get(time)));
      params.push_back(text(*it.received_at));
    }
    s = Execute(messages, params, &affected);
    if (!s.ok()) return s;
    all_new = affected == n;
  }
  if (all_new) {
    for (size_t k = 0; k < n; ++k) ++(*results)[items[k].batch].stored;
    return Status::Ok();
  }
  // A duplicate, or a message already stored (or twice in the group): which
  // ones, only the DLRs' own statements tell.
  if (first) {
    s = Exec("ROLLBACK");
    if (s.ok()) s = Exec("START TRANSACTION");
  } else {
    s = Exec("ROLLBACK TO SAVEPOINT dlr_group");
  }
  for (size_t k = 0; k < n && s.ok(); ++k) {
    bool inserted = false;
    s = StoreEvent(*items[k].from, *items[k].received_at, *items[k].dlr, &inserted);
    if (s.ok())
      ++(inserted ? (*results)[items[k].batch].stored : (*results)[items[k].batch].duplicates);
  }
  return s;
}

Status MysqlStore::CommitOnce(const std::vector<const Batch*>& batches,
                              std::vector<BatchResult>* results) {
  // Rows per multi-row INSERT: few prepared statements per connection, and a
  // duplicate sends only its chunk down the DLR-by-DLR path.
  constexpr size_t kChunk = 32;
  results->assign(batches.size(), BatchResult());
  std::vector<std::string> received_at(batches.size());
  std::vector<Item> items;
  for (size_t b = 0; b < batches.size(); ++b) {
    received_at[b] = ToDatetime(batches[b]->received_at);
    for (const Dlr& dlr : batches[b]->dlrs)
      items.push_back(Item{b, batches[b], &received_at[b], &dlr});
  }
  Status s = Exec("START TRANSACTION");
  if (s.ok()) in_transaction_ = true;
  for (size_t k = 0; k < items.size() && s.ok();) {
    const size_t n = std::min(kChunk, items.size() - k);
    if (n >= 2) {
      s = StoreItems(&items[k], n, /*first=*/k == 0, results);
    } else {
      bool inserted = false;
      s = StoreEvent(*items[k].from, *items[k].received_at, *items[k].dlr, &inserted);
      if (s.ok())
        ++(inserted ? (*results)[items[k].batch].stored : (*results)[items[k].batch].duplicates);
    }
    k += n;
  }
  if (s.ok()) {
    s = Exec("COMMIT");
    if (s.ok()) in_transaction_ = false;
  }
  if (!s.ok()) {
    RollbackQuietly();
    results->assign(batches.size(), BatchResult());
  }
  return s;
}

Status MysqlStore::InsertRejected(const Rejected& r) {
  std::string received_at = ToDatetime(r.received_at);
  std::string http_status = std::to_string(r.http_status);
  auto text = [](const std::string& v) { return Param{v.data(), v.size(), false}; };
  std::vector<Param> params = {text(received_at),
                               text(r.webhook),
                               text(r.remote_addr),
                               text(http_status),
                               text(r.error),
                               text(r.reason),
                               text(r.content_type),
                               Param{r.raw.data(), r.raw.size(), true},
                               r.method.empty() ? Param{} : text(r.method),
                               r.query ? text(*r.query) : Param{}};
  return Execute(insert_rejected_, params, nullptr);
}

Status MysqlStore::PrepareAndRun(const std::string& sql, const std::vector<std::string>& params,
                                 MYSQL_STMT** stmt) {
  *stmt = nullptr;
  Status s = Connect();
  if (!s.ok()) return s;
  s = Prepare(sql.c_str(), stmt);
  if (!s.ok()) return s;
  if (mysql_stmt_param_count(*stmt) != params.size()) {
    return Status::Internal("the statement takes " + std::to_string(mysql_stmt_param_count(*stmt)) +
                            " values, not " + std::to_string(params.size()));
  }
  std::vector<MYSQL_BIND> in(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    std::memset(&in[i], 0, sizeof in[i]);
    lengths[i] = static_cast<unsigned long>(params[i].size());
    in[i].buffer_type = MYSQL_TYPE_STRING;
    in[i].buffer = const_cast<char*>(params[i].data());
    in[i].buffer_length = lengths[i];
    in[i].length = &lengths[i];
  }
  if (!in.empty() && mysql_stmt_bind_param(*stmt, in.data()) != 0) return FailStatement(*stmt);
  if (mysql_stmt_execute(*stmt) != 0) return FailStatement(*stmt);
  return Status::Ok();
}

Status MysqlStore::QueryEach(const std::string& sql, const std::vector<std::string>& params,
                             const RowCallback& each) {
  MYSQL_STMT* st = nullptr;
  Status s = PrepareAndRun(sql, params, &st);
  std::unique_ptr<MYSQL_STMT, void (*)(MYSQL_STMT*)> owned(st, [](MYSQL_STMT* p) {
    if (p) mysql_stmt_close(p);
  });
  if (!s.ok()) return s;
  MYSQL_RES* meta = mysql_stmt_result_metadata(st);
  if (!meta) return Status::Ok();  // not a SELECT
  std::unique_ptr<MYSQL_RES, void (*)(MYSQL_RES*)> owned_meta(
      meta, [](MYSQL_RES* m) { mysql_free_result(m); });
  // No mysql_stmt_store_result: rows come from the server one fetch at a
  // time. A value longer than its buffer is fetched whole on its own.
  const unsigned int ncols = mysql_num_fields(meta);
  constexpr unsigned long kBuffer = 512;
  std::vector<MYSQL_BIND> out(ncols);
  std::vector<std::string> buffers(ncols, std::string(kBuffer, '\0'));
  std::vector<unsigned long> lengths(ncols);
  std::vector<my_bool> nulls(ncols), errors(ncols);
  for (unsigned int c = 0; c < ncols; ++c) {
    std::memset(&out[c], 0, sizeof out[c]);
    out[c].buffer_type = MYSQL_TYPE_STRING;
    out[c].buffer = &buffers[c][0];
    out[c].buffer_length = kBuffer;
    out[c].length = &lengths[c];
    out[c].is_null = &nulls[c];
    out[c].error = &errors[c];
  }
  if (ncols > 0 && mysql_stmt_bind_result(st, out.data()) != 0) return FailStatement(st);
  Row row(ncols);
  for (;;) {
    int rc = mysql_stmt_fetch(st);
    if (rc == MYSQL_NO_DATA) return Status::Ok();
    if (rc == 1) return FailStatement(st);
    for (unsigned int c = 0; c < ncols; ++c) {
      std::optional<std::string>& cell = row[c];
      if (nulls[c]) {
        cell.reset();
        continue;
      }
      if (!cell) cell.emplace();
      if (lengths[c] <= kBuffer) {
        cell->assign(buffers[c].data(), lengths[c]);
        continue;
      }
      cell->assign(lengths[c], '\0');
      MYSQL_BIND one;
      std::memset(&one, 0, sizeof one);
      unsigned long got = 0;
      one.buffer_type = MYSQL_TYPE_STRING;
      one.buffer = &(*cell)[0];
      one.buffer_length = lengths[c];
      one.length = &got;
      if (mysql_stmt_fetch_column(st, &one, c, 0) != 0) return FailStatement(st);
    }
    s = each(row);
    if (!s.ok()) return s;
  }
}

StatusOr<int64_t> MysqlStore::Execute(const std::string& sql,
                                      const std::vector<std::string>& params) {
  StatusOr<int64_t> changed = Status::Internal("not run");
  Status s = Retrying([&]() -> Status {
    MYSQL_STMT* st = nullptr;
    Status run = PrepareAndRun(sql, params, &st);
    if (run.ok()) changed = static_cast<int64_t>(mysql_stmt_affected_rows(st));
    if (st) mysql_stmt_close(st);
    return run;
  });
  if (!s.ok()) return s;
  return changed;
}

}  // namespace dlr
