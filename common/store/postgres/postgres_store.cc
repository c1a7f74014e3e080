#include "common/store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/base/log.h"
#include "common/store/event_sql.h"

namespace dlr {
namespace {

// pg_advisory_xact_lock key serialising schema creation ("dlrwhk" in ASCII).
constexpr char kSchemaLock[] = "SELECT pg_advisory_xact_lock(110386409760875)";

// Oids of the parameter types we send (pg_type.h).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt2Oid = 21;
constexpr Oid kTextOid = 25;
constexpr Oid kTimestamptzOid = 1184;

// Migrations: kMigrations[v - 1] takes the schema from version v - 1 to v,
// in the transaction that then adds v to dlr_schema.
//
// id, status and deliv_time are bounded (and compared byte by byte, COLLATE
// "C") so that the same values fit on PostgreSQL and MySQL; the duplicate
// key is (id, status, deliv_time with NULL as ''), as on SQLite.
const char kSchemaV1[] = R"sql(
CREATE TABLE IF NOT EXISTS dlr_events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id VARCHAR(255) COLLATE "C" NOT NULL, mobile TEXT, status VARCHAR(64) COLLATE "C" NOT NULL,
  credits TEXT, units TEXT,
  deliv_time VARCHAR(64) COLLATE "C", sent_time TEXT, submit_time TEXT,
  deliv_at TEXT, sent_at TEXT, submit_at TEXT,
  cid TEXT, custom TEXT, custom1 TEXT, custom2 TEXT,
  location TEXT, region TEXT, provider TEXT,
  location_code TEXT, region_code TEXT, provider_code TEXT,
  webhook TEXT NOT NULL, raw TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL, query TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS dlr_events_event
  ON dlr_events (id, status, COALESCE(deliv_time, ''));
CREATE INDEX IF NOT EXISTS dlr_events_received_at ON dlr_events (received_at);
CREATE TABLE IF NOT EXISTS dlr_messages (
  id VARCHAR(255) COLLATE "C" PRIMARY KEY, webhook TEXT NOT NULL,
  status VARCHAR(64) COLLATE "C" NOT NULL, final SMALLINT NOT NULL, delivered SMALLINT NOT NULL,
  deliv_time VARCHAR(64) COLLATE "C", sent_time TEXT, submit_time TEXT,
  deliv_at TEXT, sent_at TEXT, submit_at TEXT,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS dlr_rejected (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at TIMESTAMPTZ NOT NULL, webhook TEXT, remote_addr TEXT,
  http_status SMALLINT NOT NULL, error TEXT NOT NULL, reason TEXT NOT NULL,
  content_type TEXT, raw BYTEA
);
CREATE INDEX IF NOT EXISTS dlr_rejected_received_at ON dlr_rejected (received_at);
CREATE TABLE IF NOT EXISTS dlr_schema (version INTEGER NOT NULL);
)sql";

const char kSchemaV2[] = R"sql(
ALTER TABLE dlr_rejected ADD COLUMN IF NOT EXISTS method TEXT,
  ADD COLUMN IF NOT EXISTS query TEXT,
  ADD COLUMN IF NOT EXISTS replayed_at TIMESTAMPTZ,
  ADD COLUMN IF NOT EXISTS replay_status SMALLINT;
CREATE INDEX IF NOT EXISTS dlr_messages_updated_at ON dlr_messages (updated_at);
)sql";

const char kSchemaV3[] = R"sql(
CREATE INDEX IF NOT EXISTS dlr_events_webhook_received_at ON dlr_events (webhook, received_at);
)sql";

// The platform's error code, and each event's class: for the rows stored
// before, by their status text as StatusTextClass (record.h) reads it
// (trimmed of JSON whitespace; status is COLLATE "C", so upper() changes
// ASCII letters alone).
const char kSchemaV4[] = R"sql(
ALTER TABLE dlr_events ADD COLUMN IF NOT EXISTS error_code TEXT,
  ADD COLUMN IF NOT EXISTS dlr_class TEXT;
UPDATE dlr_events SET dlr_class = CASE upper(btrim(status, E' \t\n\r'))
  WHEN 'DELIVRD' THEN 'delivered' WHEN 'AWAITING-DLR' THEN 'pending' ELSE 'failed' END
  WHERE dlr_class IS NULL;
)sql";

const char* const kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kSchemaVersion,
              "one migration per schema version");

// The parameters of the events' statement (from 0), each a text array with
// one element per event: the events' values in EventInsertColumns' order.
constexpr size_t kStoreEventsParams = kEventInsertColumns;
constexpr Oid kTextArrayOid = 1009;

// One statement for many events (at most one per message id, so that no
// message row is written twice by one statement): the events' arrays
// unnested into rows; each event inserted unless it is a duplicate; then,
// for the new events alone, their messages (MessageConflictSql), final and
// delivered read from the class as DlrIsFinal and DlrIsDelivered do.
// Returns the ids of the new events.
std::string StoreEventsSql() {
  std::string unnest;
  for (size_t i = 0; i < kStoreEventsParams; ++i) {
    unnest += (i ? ", $" : "$") + std::to_string(i + 1) + "::text[]";
    if (i == kEventReceivedAtValue) unnest += "::timestamptz[]";
  }
  const std::string class_is = "dlr_class = '";
  std::string message = std::string(FieldName(Field::kId)) + ", webhook, " +
                        FieldName(Field::kStatus) + ", CASE WHEN " + class_is +
                        DlrClassName(DlrClass::kPending) + "' THEN 0 ELSE 1 END, CASE WHEN " +
                        class_is + DlrClassName(DlrClass::kDelivered) + "' THEN 1 ELSE 0 END";
  for (Field time : kMessageTimes) message += std::string(", ") + FieldName(time);
  message += ", received_at";  // updated_at
  std::string returning = "id, webhook, status, dlr_class, received_at";
  for (Field time : kMessageTimes) returning += std::string(", ") + FieldName(time);
  return "WITH ev AS (INSERT INTO dlr_events (" + EventInsertColumns() + ") SELECT " +
         EventInsertColumns() + " FROM unnest(" + unnest + ") AS t(" + EventInsertColumns() +
         ") ON CONFLICT DO NOTHING RETURNING " + returning +
         "), msg AS (INSERT INTO dlr_messages AS m (" + MessageColumns() + ") SELECT " + message +
         " FROM ev" + MessageConflictSql("m") + ") SELECT id FROM ev";
}

// A one-dimensional array in PostgreSQL's binary format (array_recv): its
// header, then each element as its length (-1 for NULL) and its bytes.
class BinaryArray {
 public:
  void Start(Oid element, size_t count) {
    bytes_.clear();
    has_null_ = false;
    Put32(1);  // dimensions
    Put32(0);  // has NULLs: set by Finish
    Put32(static_cast<uint32_t>(element));
    Put32(static_cast<uint32_t>(count));
    Put32(1);  // lower bound
  }
  void Add(const char* data, size_t size) {
    Put32(static_cast<uint32_t>(size));
    bytes_.append(data, size);
  }
  void Add(const std::string& v) { Add(v.data(), v.size()); }
  void Add(const std::optional<std::string>& v) {
    if (v) {
      Add(*v);
    } else {
      AddNull();
    }
  }
  void AddNull() {
    Put32(0xffffffffu);
    has_null_ = true;
  }
  const std::string& Finish() {
    bytes_[7] = has_null_ ? 1 : 0;
    return bytes_;
  }

 private:
  void Put32(uint32_t v) {
    const char b[4] = {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
                       static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
    bytes_.append(b, 4);
  }
  std::string bytes_;
  bool has_null_ = false;
};

// The statements of the writes, their column lists event_sql.h's; built
// once, by the first write.
struct Statements {
  std::string store_events = StoreEventsSql();
  std::string insert_rejected = InsertRejectedSql(SqlDialect::kPostgres);
};

const Statements& Sql() {
  static const Statements statements;
  return statements;
}

std::string TrimMessage(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

bool StartsWith(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// "SELECT ... WHERE id = ? AND status = ?" -> "... $1 ... $2", leaving quoted
// literals and identifiers alone.
std::string NumberPlaceholders(const std::string& sql) {
  std::string out;
  char quote = 0;
  int n = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
      continue;
    }
    out += c;
  }
  return out;
}

// The server's notices ("relation ... already exists, skipping") are
// informational: not on stderr, as libpq's default would have them.
void LogNotice(void*, const char* message) { Log(LogLevel::kInfo, TrimMessage(message)); }

// The connection keywords this libpq knows (empty if it cannot say).
std::set<std::string> KnownKeywords() {
  std::set<std::string> known;
  if (PQconninfoOption* defaults = PQconndefaults()) {
    for (PQconninfoOption* o = defaults; o->keyword; ++o) known.insert(o->keyword);
    PQconninfoFree(defaults);
  }
  return known;
}

}  // namespace

void PostgresStore::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

StatusOr<std::unique_ptr<Store>> PostgresStore::Open(DatabaseUrl url, const StoreOptions& options) {
  std::set<std::string> known = KnownKeywords();
  for (const auto& kv : url.params) {
    if (kv.first == "dbname") {
      return Status::InvalidArgument(
          "database: give the database name as the URL's path (postgresql://host/NAME), "
          "not as ?dbname=");
    }
    if (!known.empty() && known.count(kv.first) == 0) {
      return Status::InvalidArgument("database: \"" + kv.first +
                                     "\" is not a PostgreSQL connection parameter");
    }
  }
  return std::unique_ptr<Store>(new PostgresStore(std::move(url), options));
}

PostgresStore::PostgresStore(DatabaseUrl url, const StoreOptions& options)
    : url_(std::move(url)), options_(options) {
  // Our defaults only where this libpq knows them (tcp_user_timeout: 12+).
  std::set<std::string> known = KnownKeywords();
  auto set_default = [&](const std::string& key, const std::string& value) {
    if (known.empty() || known.count(key)) keywords_.emplace_back(key, value);
  };
  auto set = [this](const std::string& key, const std::string& value) {
    for (auto& kv : keywords_) {
      if (kv.first == key) {
        kv.second = value;
        return;
      }
    }
    keywords_.emplace_back(key, value);
  };
  int busy = std::max(options_.busy_timeout_ms, 1);
  set_default("connect_timeout", std::to_string(std::clamp((busy + 999) / 1000, 2, 10)));
  set_default("application_name", "dlr-webhook");
  set_default("client_encoding", "UTF8");
  // A server that vanishes without closing the connection (host down,
  // network cut) is noticed within seconds, not minutes.
  set_default("keepalives", "1");
  set_default("keepalives_idle", "10");
  set_default("keepalives_interval", "5");
  set_default("keepalives_count", "3");
  set_default("tcp_user_timeout", std::to_string(busy + 10000));
  if (!url_.host.empty()) set("host", url_.host);
  if (url_.port != 0) set("port", std::to_string(url_.port));
  if (!url_.user.empty()) set("user", url_.user);
  if (url_.password) set("password", *url_.password);
  if (!url_.database.empty()) set("dbname", url_.database);
  for (const auto& kv : url_.params) set(kv.first, kv.second);
  lock_timeout_ = std::to_string(busy);
  statement_timeout_ = std::to_string(busy + 10000);
}

PostgresStore::~PostgresStore() { Disconnect(); }

void PostgresStore::CloseConnection() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

std::string PostgresStore::Where() const {
  std::string user, host, port, db;
  for (const auto& kv : keywords_) {
    if (kv.first == "user") user = kv.second;
    if (kv.first == "host") host = kv.second;
    if (kv.first == "port") port = kv.second;
    if (kv.first == "dbname") db = kv.second;
  }
  std::string w = "PostgreSQL ";
  if (!user.empty()) w += user + "@";
  w += host.empty() ? "(default socket)" : host;
  if (!port.empty()) w += ":" + port;
  if (!db.empty()) w += "/" + db;
  return w;
}

Status PostgresStore::Fail(const pg_result* res, const std::string& what) {
  const char* state_field = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = state_field ? state_field : "";
  std::string detail =
      TrimMessage(res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
  if (detail.empty()) detail = TrimMessage(conn_ ? PQerrorMessage(conn_) : "not connected");
  detail = ScrubSecret(detail, url_.password);
  std::string msg = what + " (" + Where() + "): " + detail;
  if (!state.empty()) msg += " [SQLSTATE " + state + "]";

  bool lost = !conn_ || PQstatus(conn_) == CONNECTION_BAD;
  if (lost || StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "25006") {
    // The connection is gone, the server is shutting down, or it became a
    // read-only standby (a failover).
    return Failure(FailureKind::kConnectionLost, std::move(msg), detail);
  }
  if (state == "40001" || state == "40P01") {  // serialization failure, deadlock
    return Failure(FailureKind::kConflict, std::move(msg), detail);
  }
  if (StartsWith(state, "53") || state == "55P03" || state == "57014") {
    // out of disk, memory or connections; a lock or statement timeout
    return Failure(FailureKind::kBusy, std::move(msg), detail);
  }
  if (state == "22001" || state == "22021" || state == "22P05" || state == "54000") {
    return Failure(FailureKind::kUnfitValue, std::move(msg), detail);
  }
  if (state == "42P01" || state == "42703") {  // a table changed: re-check
    return Failure(FailureKind::kReconnect, std::move(msg), detail);
  }
  return Failure(FailureKind::kOther, std::move(msg), detail);
}

Status PostgresStore::Exec(const char* sql, Result* out) {
  if (!conn_) return Fail(nullptr, "running a statement");
  Result res(PQexec(conn_, sql));
  ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail(res.get(), "a statement failed");
  if (out) *out = std::move(res);
  return Status::Ok();
}

Status PostgresStore::ExecParams(const char* sql, const std::vector<Param>& params, Result* out) {
  if (!conn_) return Fail(nullptr, "running a statement");
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& p : params) {
    types.push_back(p.type);
    values.push_back(p.data);
    lengths.push_back(p.length);
    formats.push_back(p.binary ? 1 : 0);
  }
  Result res(PQexecParams(conn_, sql, static_cast<int>(params.size()), types.data(), values.data(),
                          lengths.data(), formats.data(), 0));
  ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail(res.get(), "a statement failed");
  if (out) *out = std::move(res);
  return Status::Ok();
}

void PostgresStore::RollbackQuietly() {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) MarkBroken();
}

Status PostgresStore::OpenSession() {
  std::vector<const char*> keys, values;
  for (const auto& kv : keywords_) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string why =
        ScrubSecret(TrimMessage(conn_ ? PQerrorMessage(conn_) : "out of memory"), url_.password);
    return Status::Unavailable("cannot connect to " + Where() + ": " + why);
  }
  PQsetNoticeProcessor(conn_, LogNotice, nullptr);
  timeouts_prepared_ = events_prepared_ = false;
  return Status::Ok();
}

Status PostgresStore::ReadSchemaVersion(int* version) {
  Result r;
  // A catalog query, not to_regclass(): that one may answer from a cache
  // still missing a table another process has just created.
  Status s = Exec(
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
      " ON n.oid = c.relnamespace WHERE c.relname = 'dlr_schema'"
      " AND n.nspname = current_schema())",
      &r);
  if (!s.ok()) return s;
  *version = 0;
  if (std::strcmp(PQgetvalue(r.get(), 0, 0), "t") != 0) return Status::Ok();
  s = Exec("SELECT COALESCE(max(version), 0) FROM dlr_schema", &r);
  if (s.ok()) *version = std::atoi(PQgetvalue(r.get(), 0, 0));
  return s;
}

Status PostgresStore::LockSchema() {
  // One transaction, by one process at a time; the others find it done.
  Status s = Exec("BEGIN");
  if (s.ok()) s = Exec(kSchemaLock);
  if (!s.ok()) RollbackQuietly();
  return s;
}

Status PostgresStore::ApplyMigration(int version) { return Exec(kMigrations[version - 1]); }

Status PostgresStore::UnlockSchema(Status migrated, bool keep) {
  if (migrated.ok()) migrated = Exec(keep ? "COMMIT" : "ROLLBACK");
  if (!migrated.ok()) RollbackQuietly();
  return migrated;
}

Status PostgresStore::CommitOnce(const std::vector<const Batch*>& batches,
                                 std::vector<BatchResult>* results) {
  bool stale = false;
  Status s = CommitPipelined(batches, results, &stale);
  if (stale && use_prepared_) {
    // Nothing of the group was committed: run it again with unnamed
    // statements, as every commit on this store will from now on.
    use_prepared_ = false;
    timeouts_prepared_ = events_prepared_ = false;
    Log(LogLevel::kInfo, "the server (" + Where() +
                             ") does not keep prepared statements between transactions (a "
                             "pooler in transaction mode?): unnamed statements from now on");
    s = CommitPipelined(batches, results, &stale);
  }
  return s;
}

Status PostgresStore::CommitPipelined(const std::vector<const Batch*>& batches,
                                      std::vector<BatchResult>* results, bool* stale_statement) {
  static constexpr char kStoreEventsName[] = "dlr_store_events";
  static constexpr char kTimeoutsName[] = "dlr_timeouts";
  static constexpr char kTimeoutsSql[] =
      "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)";
  // Events per statement: what one statement holds, on either side.
  static constexpr size_t kEventsPerStatement = 256;
  // Statements sent before their results are read: the results of so many
  // fit in the sockets' buffers, so that neither side waits on the other.
  static constexpr size_t kStatementsInFlight = 8;
  static constexpr int kBegin = -1, kCommit = -2, kOther = -3;
  static constexpr int kPrepareTimeouts = -4, kPrepareEvents = -5;
  results->assign(batches.size(), BatchResult());
  *stale_statement = false;
  if (!conn_) return Fail(nullptr, "running a statement");

  // The group's events in order, cut into statements: a statement ends
  // before an id it already holds (so a message's events are applied one
  // statement after the other, in order) and at kEventsPerStatement.
  struct Event {
    size_t batch;
    const Dlr* dlr;
  };
  std::vector<Event> events;
  std::vector<std::pair<size_t, size_t>> statements;  // [first, end) of `events`
  {
    std::unordered_set<std::string_view> ids;
    size_t first = 0;
    for (size_t b = 0; b < batches.size(); ++b) {
      for (const Dlr& dlr : batches[b]->dlrs) {
        const std::optional<std::string>& id = dlr.Get(Field::kId);
        if (events.size() - first == kEventsPerStatement || (id && ids.count(*id) != 0)) {
          statements.emplace_back(first, events.size());
          first = events.size();
          ids.clear();
        }
        if (id) ids.insert(*id);
        events.push_back(Event{b, &dlr});
      }
    }
    if (events.size() > first) statements.emplace_back(first, events.size());
  }

  if (!PQenterPipelineMode(conn_)) return Fail(nullptr, "entering pipeline mode");
  const char* const store_events = Sql().store_events.c_str();
  constexpr int kParams = static_cast<int>(kStoreEventsParams);
  Oid types[kParams];
  const char* values[kParams];
  int lengths[kParams], formats[kParams];
  Status s;                  // the first failure
  bool sent = true;          // false once libpq refused to queue or send
  std::vector<int> pending;  // what each result not yet read answers: a statement, or kBegin...
  size_t next = 0;           // the first of `pending` not yet read

  // The result of statement `k`: the ids of its new events (one event per
  // id); the others are duplicates.
  std::unordered_map<std::string_view, size_t> by_id;
  auto count = [&](const pg_result* r, size_t k) {
    const auto [first, end] = statements[k];
    by_id.clear();
    for (size_t i = first; i < end; ++i) {
      ++(*results)[events[i].batch].duplicates;
      const std::optional<std::string>& id = events[i].dlr->Get(Field::kId);
      if (id) by_id.emplace(*id, i);
    }
    for (int row = 0; row < PQntuples(r); ++row) {
      auto it = by_id.find(
          std::string_view(PQgetvalue(r, row, 0), static_cast<size_t>(PQgetlength(r, row, 0))));
      if (it == by_id.end()) {
        s = Status::Internal("an unexpected answer to the commit's statement (" + Where() + ")");
        return;
      }
      BatchResult& counts = (*results)[events[it->second].batch];
      --counts.duplicates;
      ++counts.stored;
      by_id.erase(it);  // an id answered twice is unexpected too
    }
  };
  // Reads the results of pending[next..]: each statement's result then its
  // NULL. After a failure the server skips the rest (PGRES_PIPELINE_ABORTED).
  auto read_pending = [&]() {
    for (; next < pending.size(); ++next) {
      Result r(PQgetResult(conn_));
      if (!r) {
        if (s.ok()) s = Fail(nullptr, "a statement of the commit failed");
        sent = false;
        return;
      }
      ExecStatusType st = PQresultStatus(r.get());
      const int what = pending[next];
      if (st == PGRES_FATAL_ERROR) {
        const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        if (s.ok() && state && use_prepared_ &&
            (std::strcmp(state, "26000") == 0 || std::strcmp(state, "42P05") == 0)) {
          *stale_statement = true;
        }
        if (s.ok()) s = Fail(r.get(), "a statement failed");
      } else if (st == PGRES_PIPELINE_ABORTED) {
        if (s.ok()) s = Status::Internal("a statement of the commit was skipped (" + Where() + ")");
      } else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        if (s.ok()) s = Fail(r.get(), "a statement failed");
      } else if (what == kPrepareTimeouts || what == kPrepareEvents) {
        // A session's, whatever becomes of the transaction.
        (what == kPrepareTimeouts ? timeouts_prepared_ : events_prepared_) = true;
      } else if (s.ok() && what >= 0) {
        count(r.get(), static_cast<size_t>(what));
      } else if (s.ok() && what == kCommit && std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
        s = Status::Internal("the transaction was rolled back (" + Where() + ")");
      }
      Result end(PQgetResult(conn_));  // the statement's end
      if (end) {
        if (s.ok()) s = Fail(end.get(), "an unexpected result in the commit's pipeline");
        sent = false;
        return;
      }
    }
  };
  // Sends statement `what`: the one prepared as `name` when statements are
  // prepared, else `sql` unnamed (its parameters typed `t`).
  auto send = [&](int what, const char* name, const char* sql, int n, const Oid* t) {
    if (!sent) return;
    int ok = name && use_prepared_
                 ? PQsendQueryPrepared(conn_, name, n, values, lengths, formats, 0)
                 : PQsendQueryParams(conn_, sql, n, t, values, lengths, formats, 0);
    if (!ok) {
      if (s.ok()) s = Fail(nullptr, "sending a statement of the commit");
      sent = false;
      return;
    }
    pending.push_back(what);
    if ((pending.size() - next) % kStatementsInFlight == 0) {
      // Bounded in flight: the server flushes what it has answered, and it
      // is read before more is sent.
      if (!PQsendFlushRequest(conn_) || PQflush(conn_) != 0) {
        if (s.ok()) s = Fail(nullptr, "sending the commit's statements");
        sent = false;
        return;
      }
      read_pending();
    }
  };

  send(kBegin, nullptr, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, nullptr);
  // Each statement is prepared where it is first used: the events'
  // statement locks the tables when it is parsed, which must come after the
  // timeouts are set.
  auto send_prepare = [&](int what, const char* name, const char* sql, int n, const Oid* t) {
    if (!sent) return;
    if (PQsendPrepare(conn_, name, sql, n, t)) {
      pending.push_back(what);
    } else {
      if (s.ok()) s = Fail(nullptr, "sending a statement of the commit");
      sent = false;
    }
  };
  if (use_prepared_ && !timeouts_prepared_)
    send_prepare(kPrepareTimeouts, kTimeoutsName, kTimeoutsSql, 2, nullptr);
  // SET LOCAL, not a session setting, so that it also holds behind a
  // connection pooler in transaction mode.
  values[0] = lock_timeout_.c_str();
  values[1] = statement_timeout_.c_str();
  lengths[0] = lengths[1] = 0;
  formats[0] = formats[1] = 0;
  send(kOther, kTimeoutsName, kTimeoutsSql, 2, nullptr);
  for (int i = 0; i < kParams; ++i) {
    types[i] = kTextArrayOid;
    formats[i] = 1;
  }
  if (use_prepared_ && !events_prepared_)
    send_prepare(kPrepareEvents, kStoreEventsName, store_events, kParams, types);
  BinaryArray arrays[kStoreEventsParams];
  for (size_t k = 0; k < statements.size() && s.ok() && sent; ++k) {
    const auto [first, end] = statements[k];
    for (BinaryArray& a : arrays) a.Start(kTextOid, end - first);
    for (size_t e = first; e < end; ++e) {
      const Batch& batch = *batches[events[e].batch];
      const Dlr& dlr = *events[e].dlr;
      for (size_t i = 0; i < kFieldCount; ++i) arrays[i].Add(dlr.values[i]);
      const char* class_name = DlrClassName(ClassOf(dlr));
      arrays[kEventClassValue].Add(class_name, std::strlen(class_name));
      arrays[kEventWebhookValue].Add(batch.webhook);
      arrays[kEventRawValue].Add(dlr.raw);
      arrays[kEventReceivedAtValue].Add(batch.received_at);
      if (batch.query.empty()) {
        arrays[kEventQueryValue].AddNull();
      } else {
        arrays[kEventQueryValue].Add(batch.query);
      }
    }
    for (size_t i = 0; i < kStoreEventsParams; ++i) {
      const std::string& bytes = arrays[i].Finish();
      values[i] = bytes.data();
      lengths[i] = static_cast<int>(bytes.size());
    }
    send(static_cast<int>(k), kStoreEventsName, store_events, kParams, types);
  }
  if (s.ok()) send(kCommit, nullptr, "COMMIT", 0, nullptr);
  if (sent && !PQpipelineSync(conn_)) {
    if (s.ok()) s = Fail(nullptr, "sending the commit");
    sent = false;
  }
  if (sent) {
    read_pending();
    if (sent) {
      Result sync(PQgetResult(conn_));
      if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
        if (s.ok()) s = Fail(sync.get(), "the commit's pipeline did not end");
        sent = false;
      }
    }
  }
  if (!sent || !PQexitPipelineMode(conn_)) {
    // The connection is in an unknown state: a new one for the next commit.
    MarkBroken();
    if (s.ok()) s = Fail(nullptr, "the commit's pipeline did not end");
    results->assign(batches.size(), BatchResult());
    return s;
  }
  if (!s.ok()) {
    RollbackQuietly();
    results->assign(batches.size(), BatchResult());
  }
  return s;
}

Status PostgresStore::InsertRejected(const Rejected& r) {
  std::string http_status = std::to_string(r.http_status);
  std::vector<Param> params = {
      {r.received_at.c_str(), 0, kTimestamptzOid, false},
      {r.webhook.data(), static_cast<int>(r.webhook.size()), kTextOid, true},
      {r.remote_addr.data(), static_cast<int>(r.remote_addr.size()), kTextOid, true},
      {http_status.c_str(), 0, kInt2Oid, false},
      {r.error.data(), static_cast<int>(r.error.size()), kTextOid, true},
      {r.reason.data(), static_cast<int>(r.reason.size()), kTextOid, true},
      {r.content_type.data(), static_cast<int>(r.content_type.size()), kTextOid, true},
      {r.raw.data(), static_cast<int>(r.raw.size()), kByteaOid, true},
      {r.method.empty() ? nullptr : r.method.data(), static_cast<int>(r.method.size()), kTextOid,
       true},
      {r.query ? r.query->data() : nullptr, r.query ? static_cast<int>(r.query->size()) : 0,
       kTextOid, true},
  };
  return ExecParams(Sql().insert_rejected.c_str(), params, nullptr);
}

Status PostgresStore::RowOf(const pg_result* res, int r, Row* row) {
  int ncols = PQnfields(res);
  row->resize(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) {
    std::optional<std::string>& cell = (*row)[static_cast<size_t>(c)];
    if (PQgetisnull(res, r, c)) {
      cell.reset();
      continue;
    }
    if (!cell) cell.emplace();
    const char* v = PQgetvalue(res, r, c);
    if (PQftype(res, c) == kByteaOid) {
      size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
      if (!bytes) return Status::Internal("cannot decode a bytea value");
      cell->assign(reinterpret_cast<char*>(bytes), n);
      PQfreemem(bytes);
    } else {
      cell->assign(v, static_cast<size_t>(PQgetlength(res, r, c)));
    }
  }
  return Status::Ok();
}

Status PostgresStore::QueryEach(const std::string& sql, const std::vector<std::string>& params,
                                const RowCallback& each) {
  std::vector<const char*> values;
  for (const std::string& p : params) {
    if (p.find('\0') != std::string::npos) {
      return Status::InvalidArgument("a query parameter holds a NUL byte");
    }
    values.push_back(p.c_str());
  }
  std::string numbered = NumberPlaceholders(sql);
  Status s = Connect();
  if (!s.ok()) return s;
  if (!PQsendQueryParams(conn_, numbered.c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, 0)) {
    return Fail(nullptr, "sending a query");
  }
  // One row per result, as the server sends them: the client never holds
  // more than a row, whatever the size of the answer.
  if (!PQsetSingleRowMode(conn_)) {
    while (pg_result* r = PQgetResult(conn_)) PQclear(r);
    return Status::Internal("cannot read the answer row by row (" + Where() + ")");
  }
  Status result;
  bool stopped = false;
  Row row;
  while (pg_result* r = PQgetResult(conn_)) {
    Result res(r);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (stopped) continue;
      Status cell = RowOf(r, 0, &row);
      if (cell.ok()) cell = each(row);
      if (!cell.ok()) {
        // Stop the server sending the rest; the results still on their way
        // are read and dropped (the cancellation's error among them).
        result = cell;
        stopped = true;
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          char ignored[256];
          PQcancel(cancel, ignored, sizeof ignored);
          PQfreeCancel(cancel);
        }
      }
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && !stopped && result.ok()) {
      result = Fail(r, "a query failed");
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) MarkBroken();
  return result;
}

StatusOr<int64_t> PostgresStore::Execute(const std::string& sql,
                                         const std::vector<std::string>& params) {
  std::vector<Param> bound;
  for (const std::string& p : params) {
    if (p.find('\0') != std::string::npos) {
      return Status::InvalidArgument("a query parameter holds a NUL byte");
    }
    bound.push_back(Param{p.c_str(), 0, 0, false});
  }
  std::string numbered = NumberPlaceholders(sql);
  Result res;
  Status s = Retrying([&] { return ExecParams(numbered.c_str(), bound, &res); });
  if (!s.ok()) return s;
  return static_cast<int64_t>(std::strtoll(PQcmdTuples(res.get()), nullptr, 10));
}

}  // namespace dlr
