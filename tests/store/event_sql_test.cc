#define BOOST_TEST_DYN_LINK
#include "common/store/event_sql.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace dlr {
namespace {

const char kColumns[] =
    "seq, id, mobile, status, credits, units, deliv_time, sent_time, submit_time, deliv_at, "
    "sent_at, submit_at, cid, custom, custom1, custom2, location, region, provider, "
    "location_code, region_code, provider_code, error_code, dlr_class, webhook, raw";

EventFilter Full() {
  EventFilter f;
  f.since = "2026-03-01T00:00:00.000Z";
  f.until = "2026-03-02T00:00:00.000Z";
  f.webhook = "sms";
  f.id = "a:1";
  f.statuses = {"Delivrd", "undeliv"};
  return f;
}

struct Case {
  SqlDialect dialect;
  SqlStatement got;
  std::string sql;
  std::vector<std::string> params;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(EventSqlTest)

BOOST_AUTO_TEST_CASE(TimestampsPrintTheSameOnEveryBackend) {
  BOOST_TEST(TimestampText(SqlDialect::kSqlite, "received_at") == "received_at");
  BOOST_TEST(TimestampText(SqlDialect::kPostgres, "received_at") ==
             "to_char((received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
  BOOST_TEST(TimestampText(SqlDialect::kMysql, "MIN(received_at)") ==
             "CONCAT(LEFT(DATE_FORMAT(MIN(received_at), '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')");
  BOOST_TEST(TimestampParam(SqlDialect::kSqlite, "2026-03-01T10:00:00.000Z") ==
             "2026-03-01T10:00:00.000Z");
  BOOST_TEST(TimestampParam(SqlDialect::kPostgres, "2026-03-01T10:00:00.000Z") ==
             "2026-03-01T10:00:00.000Z");
  BOOST_TEST(TimestampParam(SqlDialect::kMysql, "2026-03-01T10:00:00.000Z") ==
             "2026-03-01 10:00:00.000");
}

BOOST_AUTO_TEST_CASE(StatementsOfEachDialect) {
  const Case cases[] = {
      {SqlDialect::kSqlite,
       SelectEvents(SqlDialect::kSqlite, EventFilter()),
       std::string("SELECT ") + kColumns + ", received_at, query FROM dlr_events ORDER BY seq",
       {}},
      {SqlDialect::kSqlite,
       SelectEvents(SqlDialect::kSqlite, Full()),
       std::string("SELECT ") + kColumns +
           ", received_at, query FROM dlr_events WHERE received_at >= ? AND received_at < ? AND "
           "webhook = ? AND id = ? AND UPPER(status) IN (?, ?) ORDER BY seq",
       {"2026-03-01T00:00:00.000Z", "2026-03-02T00:00:00.000Z", "sms", "a:1", "DELIVRD",
        "UNDELIV"}},
      {SqlDialect::kMysql,
       SelectEvents(SqlDialect::kMysql, Full()),
       std::string("SELECT ") + kColumns + ", " + TimestampText(SqlDialect::kMysql, "received_at") +
           ", query FROM dlr_events WHERE received_at >= ? AND received_at < ? AND webhook = ? "
           "AND id = ? AND UPPER(status) IN (?, ?) ORDER BY seq",
       {"2026-03-01 00:00:00.000", "2026-03-02 00:00:00.000", "sms", "a:1", "DELIVRD", "UNDELIV"}},
      {SqlDialect::kSqlite,
       CountEvents(SqlDialect::kSqlite, EventFilter()),
       "SELECT substr(received_at, 1, 13), webhook, provider, location, status, dlr_class, "
       "COUNT(*), "
       "MIN(received_at), MAX(received_at) FROM dlr_events GROUP BY 1, 2, 3, 4, 5, 6",
       {}},
      {SqlDialect::kPostgres,
       CountEvents(SqlDialect::kPostgres, EventFilter{"", "", {}, "sms", ""}),
       "SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), webhook, provider, "
       "location, status, dlr_class, COUNT(*), " +
           TimestampText(SqlDialect::kPostgres, "MIN(received_at)") + ", " +
           TimestampText(SqlDialect::kPostgres, "MAX(received_at)") +
           " FROM dlr_events WHERE webhook = ? GROUP BY 1, 2, 3, 4, 5, 6",
       {"sms"}},
      {SqlDialect::kMysql,
       CountEvents(SqlDialect::kMysql, EventFilter{"2026-03-01T00:00:00.000Z", "", {}, "", ""}),
       "SELECT DATE_FORMAT(received_at, '%Y-%m-%dT%H'), webhook, provider, location, status, "
       "dlr_class, COUNT(*), " +
           TimestampText(SqlDialect::kMysql, "MIN(received_at)") + ", " +
           TimestampText(SqlDialect::kMysql, "MAX(received_at)") +
           " FROM dlr_events WHERE received_at >= ? GROUP BY 1, 2, 3, 4, 5, 6",
       {"2026-03-01 00:00:00.000"}},
      {SqlDialect::kSqlite,
       SelectLastReceived(SqlDialect::kSqlite, "old"),
       "SELECT dlr_events.received_at FROM dlr_events WHERE webhook = ? ORDER BY "
       "dlr_events.received_at DESC LIMIT 1",
       {"old"}},
      {SqlDialect::kPostgres,
       SelectLastReceived(SqlDialect::kPostgres, "old"),
       "SELECT " + TimestampText(SqlDialect::kPostgres, "dlr_events.received_at") +
           " FROM dlr_events WHERE webhook >= ? AND webhook <= ? ORDER BY webhook DESC, "
           "dlr_events.received_at DESC LIMIT 1",
       {"old", "old"}},
      {SqlDialect::kMysql,
       SelectLastReceived(SqlDialect::kMysql, "old"),
       "SELECT " + TimestampText(SqlDialect::kMysql, "dlr_events.received_at") +
           " FROM dlr_events WHERE webhook = ? ORDER BY dlr_events.received_at DESC LIMIT 1",
       {"old"}},
      {SqlDialect::kSqlite,
       SelectRejected(SqlDialect::kSqlite, RejectedFilter{"", "", "sms", 50}),
       "SELECT seq, received_at, webhook, remote_addr, http_status, error, reason, content_type, "
       "raw, method, query, replayed_at, replay_status FROM dlr_rejected WHERE webhook = ? ORDER "
       "BY seq DESC LIMIT 50",
       {"sms"}},
      {SqlDialect::kSqlite,
       SelectRejected(SqlDialect::kSqlite, RejectedFilter()),
       "SELECT seq, received_at, webhook, remote_addr, http_status, error, reason, content_type, "
       "raw, method, query, replayed_at, replay_status FROM dlr_rejected ORDER BY seq DESC",
       {}},
      {SqlDialect::kSqlite,
       SelectRejectedBySeq(SqlDialect::kSqlite, 12),
       "SELECT seq, received_at, webhook, remote_addr, http_status, error, reason, content_type, "
       "raw, method, query, replayed_at, replay_status FROM dlr_rejected WHERE seq = ?",
       {"12"}},
      {SqlDialect::kMysql,
       MarkReplayedSql(SqlDialect::kMysql, 12, "2026-03-01T10:00:00.000Z", 200),
       "UPDATE dlr_rejected SET replayed_at = ?, replay_status = ? WHERE seq = ?",
       {"2026-03-01 10:00:00.000", "200", "12"}},
      {SqlDialect::kSqlite,
       PurgeBatch(SqlDialect::kSqlite, PurgeTable::kEvents, "2026-01-01T00:00:00.000Z", 500),
       "DELETE FROM dlr_events WHERE seq IN (SELECT seq FROM dlr_events WHERE received_at < ? "
       "LIMIT 500)",
       {"2026-01-01T00:00:00.000Z"}},
      {SqlDialect::kPostgres,
       PurgeBatch(SqlDialect::kPostgres, PurgeTable::kMessages, "2026-01-01T00:00:00.000Z", 7),
       "DELETE FROM dlr_messages WHERE id IN (SELECT id FROM dlr_messages WHERE updated_at < ? "
       "LIMIT 7)",
       {"2026-01-01T00:00:00.000Z"}},
      {SqlDialect::kMysql,
       PurgeBatch(SqlDialect::kMysql, PurgeTable::kRejected, "2026-01-01T00:00:00.000Z", 5000),
       "DELETE FROM dlr_rejected WHERE received_at < ? ORDER BY received_at, seq LIMIT 5000",
       {"2026-01-01 00:00:00.000"}},
      {SqlDialect::kMysql,
       PurgeBatch(SqlDialect::kMysql, PurgeTable::kMessages, "2026-01-01T00:00:00.000Z", 5000),
       "DELETE FROM dlr_messages WHERE updated_at < ? ORDER BY updated_at, id LIMIT 5000",
       {"2026-01-01 00:00:00.000"}},
      {SqlDialect::kSqlite,
       CountBefore(SqlDialect::kSqlite, PurgeTable::kMessages, "2026-01-01T00:00:00.000Z"),
       "SELECT COUNT(*) FROM dlr_messages WHERE updated_at < ?",
       {"2026-01-01T00:00:00.000Z"}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.sql) {
      BOOST_TEST(c.got.sql == c.sql);
      BOOST_TEST(c.got.params == c.params, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(NoValueIsEverInTheSqlText) {
  EventFilter f = Full();
  f.webhook = "x'; DROP TABLE dlr_events; --";
  f.id = "?";
  for (SqlDialect d : {SqlDialect::kSqlite, SqlDialect::kPostgres, SqlDialect::kMysql}) {
    for (const SqlStatement& st :
         {SelectEvents(d, f), CountEvents(d, f), SelectLastReceived(d, f.webhook)}) {
      BOOST_TEST(st.sql.find("DROP") == std::string::npos);
      size_t marks = 0;
      for (char ch : st.sql) marks += ch == '?';
      BOOST_TEST(marks == st.params.size(), st.sql);
    }
  }
}

BOOST_AUTO_TEST_CASE(ColumnListsOfTheWrites) {
  auto count = [](const std::string& list) {
    size_t n = 1;
    for (char ch : list) n += ch == ',';
    return n;
  };
  // kColumns without "seq, ": the select list is the write's, received_at
  // and query aside.
  BOOST_TEST(EventInsertColumns() == std::string(kColumns).substr(5) + ", received_at, query");
  BOOST_TEST(count(EventInsertColumns()) == kEventInsertColumns);
  BOOST_TEST(MessageColumns() ==
             "id, webhook, status, final, delivered, deliv_time, sent_time, submit_time, "
             "deliv_at, sent_at, submit_at, updated_at");
  BOOST_TEST(count(MessageColumns()) == kMessageColumns);
  BOOST_TEST(RejectedInsertColumns() ==
             "received_at, webhook, remote_addr, http_status, error, reason, content_type, raw, "
             "method, query");
  BOOST_TEST(count(RejectedInsertColumns()) == kRejectedInsertColumns);
  // Built once: the same string at every call.
  BOOST_TEST(&EventInsertColumns() == &EventInsertColumns());

  BOOST_TEST(Placeholders(SqlDialect::kSqlite, 3) == "?1, ?2, ?3");
  BOOST_TEST(Placeholders(SqlDialect::kPostgres, 3) == "$1, $2, $3");
  BOOST_TEST(Placeholders(SqlDialect::kMysql, 3) == "?, ?, ?");
  BOOST_TEST(Placeholders(SqlDialect::kMysql, 0) == "");
  BOOST_TEST(InsertRejectedSql(SqlDialect::kPostgres) ==
             "INSERT INTO dlr_rejected (received_at, webhook, remote_addr, http_status, error, "
             "reason, content_type, raw, method, query) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
  BOOST_TEST(InsertMessageSql(SqlDialect::kMysql) ==
             "INSERT INTO dlr_messages (" + MessageColumns() +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::string events = InsertEventSql(SqlDialect::kSqlite);
  BOOST_TEST(
      events.rfind("INSERT INTO dlr_events (" + EventInsertColumns() + ") VALUES (?1, ", 0) == 0u);
  BOOST_TEST(events.size() - events.find("?27)") == 4u);
  // The positions of the values after the fields.
  const std::string columns = EventInsertColumns();
  auto nth = [&columns](size_t k) {
    size_t start = 0;
    for (size_t i = 0; i < k; ++i) start = columns.find(", ", start) + 2;
    return columns.substr(start, columns.find(',', start) - start);
  };
  BOOST_TEST(nth(static_cast<size_t>(Field::kErrorCode)) == "error_code");
  BOOST_TEST(nth(kEventClassValue) == "dlr_class");
  BOOST_TEST(nth(kEventWebhookValue) == "webhook");
  BOOST_TEST(nth(kEventRawValue) == "raw");
  BOOST_TEST(nth(kEventReceivedAtValue) == "received_at");
  BOOST_TEST(nth(kEventQueryValue) == "query");

  std::string conflict = MessageConflictSql("m");
  BOOST_TEST(conflict.rfind(" ON CONFLICT (id) DO UPDATE SET webhook = excluded.webhook,", 0) ==
             0u);
  BOOST_TEST(conflict.find("sent_time = COALESCE(excluded.sent_time, m.sent_time)") !=
             std::string::npos);
  BOOST_TEST(conflict.find(" WHERE m.final = 0 OR ") != std::string::npos);
  BOOST_TEST(conflict.find('@') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
