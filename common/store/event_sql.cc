#include "common/store/event_sql.h"

namespace dlr {
namespace {

// The columns of dlr_events a write fills but the times: the fields,
// dlr_class, webhook, raw.
const std::string& EventValueColumns() {
  static const std::string columns = [] {
    std::string c;
    c.reserve(256);
    for (size_t i = 0; i < kFieldCount; ++i)
      c.append(FieldName(static_cast<Field>(i))).append(", ");
    return c.append("dlr_class, webhook, raw");
  }();
  return columns;
}

// Appends Placeholders(d, count) to `out`. (The statements are built once
// per process, and a CGI process serves one request: kept cheap.)
void AppendPlaceholders(SqlDialect d, size_t count, std::string* out) {
  for (size_t i = 1; i <= count; ++i) {
    if (i > 1) out->append(", ");
    if (d == SqlDialect::kMysql) {
      out->push_back('?');
      continue;
    }
    out->push_back(d == SqlDialect::kPostgres ? '$' : '?');
    char digits[20];
    size_t n = 0;
    for (size_t v = i; v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
    while (n > 0) out->push_back(digits[--n]);
  }
}

// The columns of dlr_rejected whose values are stored as they come: all
// but the times.
constexpr char kRejectedValueColumns[] =
    "webhook, remote_addr, http_status, error, reason, content_type, raw, method, query";

std::string AsciiUpper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

// " WHERE ..." for the conditions of `filter` (or ""), their values
// appended to `params`.
std::string EventWhere(SqlDialect d, const EventFilter& f, std::vector<std::string>* params) {
  std::vector<std::string> conds;
  if (!f.since.empty()) {
    conds.push_back("received_at >= ?");
    params->push_back(TimestampParam(d, f.since));
  }
  if (!f.until.empty()) {
    conds.push_back("received_at < ?");
    params->push_back(TimestampParam(d, f.until));
  }
  if (!f.webhook.empty()) {
    conds.push_back("webhook = ?");
    params->push_back(f.webhook);
  }
  if (!f.id.empty()) {
    conds.push_back("id = ?");
    params->push_back(f.id);
  }
  if (!f.statuses.empty()) {
    std::string in = "UPPER(status) IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i) {
      in += i ? ", ?" : "?";
      params->push_back(AsciiUpper(f.statuses[i]));
    }
    conds.push_back(in + ")");
  }
  std::string out;
  for (size_t i = 0; i < conds.size(); ++i) out += (i ? " AND " : " WHERE ") + conds[i];
  return out;
}

const char* TableName(PurgeTable t) {
  switch (t) {
    case PurgeTable::kEvents:
      return "dlr_events";
    case PurgeTable::kMessages:
      return "dlr_messages";
    case PurgeTable::kRejected:
      return "dlr_rejected";
  }
  return "";
}

// The time column a table is purged by, and its key.
const char* TimeColumn(PurgeTable t) {
  return t == PurgeTable::kMessages ? "updated_at" : "received_at";
}
const char* KeyColumn(PurgeTable t) { return t == PurgeTable::kMessages ? "id" : "seq"; }

}  // namespace

const std::string& EventInsertColumns() {
  static const std::string columns = EventValueColumns() + ", received_at, query";
  return columns;
}

const std::string& MessageColumns() {
  static const std::string columns = [] {
    std::string c;
    c.reserve(128);
    c.append(FieldName(Field::kId)).append(", webhook, ").append(FieldName(Field::kStatus));
    c.append(", final, delivered");
    for (Field time : kMessageTimes) c.append(", ").append(FieldName(time));
    return c.append(", updated_at");
  }();
  return columns;
}

const std::string& RejectedInsertColumns() {
  static const std::string columns = std::string("received_at, ") + kRejectedValueColumns;
  return columns;
}

std::string Placeholders(SqlDialect d, size_t count) {
  std::string out;
  out.reserve(count * 5);
  AppendPlaceholders(d, count, &out);
  return out;
}

namespace {

std::string InsertSql(SqlDialect d, const char* table, const std::string& columns, size_t count) {
  std::string sql;
  // Room for the placeholders, and for the backend's conflict clause.
  sql.reserve(columns.size() + count * 5 + 128);
  sql.append("INSERT INTO ").append(table).append(" (").append(columns).append(") VALUES (");
  AppendPlaceholders(d, count, &sql);
  sql.push_back(')');
  return sql;
}

}  // namespace

std::string InsertEventSql(SqlDialect d) {
  return InsertSql(d, "dlr_events", EventInsertColumns(), kEventInsertColumns);
}

std::string InsertMessageSql(SqlDialect d) {
  return InsertSql(d, "dlr_messages", MessageColumns(), kMessageColumns);
}

std::string InsertRejectedSql(SqlDialect d) {
  return InsertSql(d, "dlr_rejected", RejectedInsertColumns(), kRejectedInsertColumns);
}

std::string MessageConflictSql(const std::string& stored) {
  // '@' stands for the stored row.
  std::string sql =
      " ON CONFLICT (id) DO UPDATE SET webhook = excluded.webhook,"
      " status = excluded.status, final = excluded.final, delivered = excluded.delivered,"
      " deliv_time = excluded.deliv_time,"
      " sent_time = COALESCE(excluded.sent_time, @.sent_time),"
      " submit_time = COALESCE(excluded.submit_time, @.submit_time),"
      " deliv_at = excluded.deliv_at,"
      " sent_at = COALESCE(excluded.sent_at, @.sent_at),"
      " submit_at = COALESCE(excluded.submit_at, @.submit_at),"
      " updated_at = excluded.updated_at"
      " WHERE @.final = 0 OR (excluded.final = 1 AND"
      " COALESCE(excluded.deliv_time, '') > COALESCE(@.deliv_time, ''))";
  for (size_t at = sql.find('@'); at != std::string::npos; at = sql.find('@', at + stored.size())) {
    sql.replace(at, 1, stored);
  }
  return sql;
}

std::string TimestampText(SqlDialect d, const std::string& expr) {
  switch (d) {
    case SqlDialect::kSqlite:
      return expr;  // stored as that text
    case SqlDialect::kPostgres:
      return "to_char((" + expr + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    case SqlDialect::kMysql:
      // DATETIME(3), UTC; %f prints microseconds: keep three digits.
      return "CONCAT(LEFT(DATE_FORMAT(" + expr + ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')";
  }
  return expr;
}

std::string TimestampParam(SqlDialect d, const std::string& utc) {
  if (d != SqlDialect::kMysql) return utc;
  std::string t = utc;
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  size_t tee = t.find('T');
  if (tee != std::string::npos) t[tee] = ' ';
  return t;
}

SqlStatement SelectEvents(SqlDialect d, const EventFilter& filter) {
  SqlStatement st;
  st.sql = "SELECT seq, " + EventValueColumns() + ", " + TimestampText(d, "received_at") +
           ", query FROM dlr_events";
  st.sql += EventWhere(d, filter, &st.params);
  st.sql += " ORDER BY seq";
  return st;
}

SqlStatement CountEvents(SqlDialect d, const EventFilter& filter) {
  const std::string hour = d == SqlDialect::kSqlite ? "substr(received_at, 1, 13)"
                           : d == SqlDialect::kPostgres
                               ? "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')"
                               : "DATE_FORMAT(received_at, '%Y-%m-%dT%H')";
  SqlStatement st;
  st.sql = "SELECT " + hour + ", webhook, provider, location, status, dlr_class, COUNT(*), " +
           TimestampText(d, "MIN(received_at)") + ", " + TimestampText(d, "MAX(received_at)") +
           " FROM dlr_events";
  st.sql += EventWhere(d, filter, &st.params);
  st.sql += " GROUP BY 1, 2, 3, 4, 5, 6";
  return st;
}

SqlStatement SelectLastReceived(SqlDialect d, const std::string& webhook) {
  // ORDER BY ... LIMIT 1 rather than MAX(): MySQL/MariaDB, whose index holds
  // a prefix of webhook, then read the index's range backwards and stop at
  // the first row, where for MAX() they scan the table. PostgreSQL is given
  // webhook as a range of one value, ordered by (webhook, received_at): that
  // order only the (webhook, received_at) index has. With `webhook = ?` it
  // may walk the received_at index back from now instead, row by row, until
  // it meets the webhook: the more so, the longer the webhook has been quiet.
  SqlStatement st;
  const std::string last = TimestampText(d, "dlr_events.received_at");
  if (d == SqlDialect::kPostgres) {
    st.sql = "SELECT " + last +
             " FROM dlr_events WHERE webhook >= ? AND webhook <= ?"
             " ORDER BY webhook DESC, dlr_events.received_at DESC LIMIT 1";
    st.params = {webhook, webhook};
  } else {
    st.sql = "SELECT " + last +
             " FROM dlr_events WHERE webhook = ? ORDER BY dlr_events.received_at DESC LIMIT 1";
    st.params = {webhook};
  }
  return st;
}

namespace {

std::string RejectedColumns(SqlDialect d) {
  return "SELECT seq, " + TimestampText(d, "received_at") + ", " + kRejectedValueColumns + ", " +
         TimestampText(d, "replayed_at") + ", replay_status FROM dlr_rejected";
}

}  // namespace

SqlStatement SelectRejected(SqlDialect d, const RejectedFilter& filter) {
  SqlStatement st;
  st.sql = RejectedColumns(d);
  std::vector<std::string> conds;
  if (!filter.since.empty()) {
    conds.push_back("received_at >= ?");
    st.params.push_back(TimestampParam(d, filter.since));
  }
  if (!filter.until.empty()) {
    conds.push_back("received_at < ?");
    st.params.push_back(TimestampParam(d, filter.until));
  }
  if (!filter.webhook.empty()) {
    conds.push_back("webhook = ?");
    st.params.push_back(filter.webhook);
  }
  for (size_t i = 0; i < conds.size(); ++i) st.sql += (i ? " AND " : " WHERE ") + conds[i];
  st.sql += " ORDER BY seq DESC";
  if (filter.limit > 0) st.sql += " LIMIT " + std::to_string(filter.limit);
  return st;
}

SqlStatement SelectRejectedBySeq(SqlDialect d, int64_t seq) {
  SqlStatement st;
  st.sql = RejectedColumns(d) + " WHERE seq = ?";
  st.params.push_back(std::to_string(seq));
  return st;
}

SqlStatement MarkReplayedSql(SqlDialect d, int64_t seq, const std::string& at, int http_status) {
  SqlStatement st;
  st.sql = "UPDATE dlr_rejected SET replayed_at = ?, replay_status = ? WHERE seq = ?";
  st.params = {TimestampParam(d, at), std::to_string(http_status), std::to_string(seq)};
  return st;
}

SqlStatement PurgeBatch(SqlDialect d, PurgeTable table, const std::string& before,
                        size_t batch_size) {
  const std::string t = TableName(table), time = TimeColumn(table), key = KeyColumn(table);
  const std::string limit = std::to_string(batch_size);
  SqlStatement st;
  if (d == SqlDialect::kMysql) {
    // MySQL has no LIMIT in an IN subquery, but a DELETE of its own. The
    // order follows the time column's index (which holds the key) and makes
    // the statement deterministic, as statement-based replication wants.
    st.sql = "DELETE FROM " + t + " WHERE " + time + " < ? ORDER BY " + time + ", " + key +
             " LIMIT " + limit;
  } else {
    st.sql = "DELETE FROM " + t + " WHERE " + key + " IN (SELECT " + key + " FROM " + t +
             " WHERE " + time + " < ? LIMIT " + limit + ")";
  }
  st.params.push_back(TimestampParam(d, before));
  return st;
}

SqlStatement CountBefore(SqlDialect d, PurgeTable table, const std::string& before) {
  SqlStatement st;
  st.sql = std::string("SELECT COUNT(*) FROM ") + TableName(table) + " WHERE " + TimeColumn(table) +
           " < ?";
  st.params.push_back(TimestampParam(d, before));
  return st;
}

}  // namespace dlr
