// The SQL every backend shares:
//  - the tables' column lists, derived from the fields of record.h and the
//    columns every backend adds, each built once (the first call) and kept:
//    the backends' writes are made of them, on the request path;
//  - the SQL of the operator's side (store_read.cc), one function per
//    statement, each dialect's differences spelled out here and nowhere
//    else: how a timestamp column is printed ("YYYY-MM-DDTHH:MM:SS.mmmZ" on
//    every backend), how a time is given as a parameter, and the form of a
//    bounded DELETE.
// Values always travel as parameters (`?`, as text, in order); only integers
// we computed (a LIMIT) appear in the SQL text.
//
// Pure functions: no I/O.
#ifndef DLR_COMMON_STORE_EVENT_SQL_H_
#define DLR_COMMON_STORE_EVENT_SQL_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "common/store/reader.h"
#include "common/store/record.h"
#include "common/store/store.h"

namespace dlr {

// ---- The tables' columns.

// The columns of dlr_events a write fills, in the order of its values: the
// 22 fields (FieldName order), dlr_class (DlrClassName of ClassOf), webhook,
// raw, received_at, query.
const std::string& EventInsertColumns();
inline constexpr size_t kEventInsertColumns = kFieldCount + 5;
// Where the columns after the fields are among a write's values (from 0).
inline constexpr size_t kEventClassValue = kFieldCount;
inline constexpr size_t kEventWebhookValue = kFieldCount + 1;
inline constexpr size_t kEventRawValue = kFieldCount + 2;
inline constexpr size_t kEventReceivedAtValue = kFieldCount + 3;
inline constexpr size_t kEventQueryValue = kFieldCount + 4;

// The times a message keeps from its latest event, in column order.
inline constexpr Field kMessageTimes[] = {Field::kDelivTime, Field::kSentTime, Field::kSubmitTime,
                                          Field::kDelivAt,   Field::kSentAt,   Field::kSubmitAt};

// The columns of dlr_messages, in the order of a write's values: id,
// webhook, status, final, delivered, the kMessageTimes, updated_at.
const std::string& MessageColumns();
inline constexpr size_t kMessageColumns = 5 + std::size(kMessageTimes) + 1;

// The columns of dlr_rejected a write fills, in the order of its values:
// received_at, webhook, remote_addr, http_status, error, reason,
// content_type, raw, method, query.
const std::string& RejectedInsertColumns();
inline constexpr size_t kRejectedInsertColumns = 10;

// `count` placeholders, separated by ", ": "?1, ?2" (SQLite), "$1, $2"
// (PostgreSQL), "?, ?" (MySQL).
std::string Placeholders(SqlDialect dialect, size_t count);

// "INSERT INTO <table> (<its columns above>) VALUES (<Placeholders>)": a
// table's write, for a backend to complete with how it meets a conflict
// and to keep (each call builds it anew).
std::string InsertEventSql(SqlDialect dialect);
std::string InsertMessageSql(SqlDialect dialect);
std::string InsertRejectedSql(SqlDialect dialect);

// How a message's write meets the message already stored, on SQLite and
// PostgreSQL (after InsertMessageSql, or its form with SELECT): " ON
// CONFLICT (id) DO UPDATE SET ... WHERE ...", the stored row named `stored`.
// A pending status never replaces a final one; among final statuses the
// latest deliv_time wins; a pending row takes whatever comes next. Sent and
// submit times the new event lacks are kept.
std::string MessageConflictSql(const std::string& stored);

// ---- The operator's side.

struct SqlStatement {
  std::string sql;
  std::vector<std::string> params;
};

// `expr` (a timestamp column or an aggregate of one) as the text
// "YYYY-MM-DDTHH:MM:SS.mmmZ"; NULL stays NULL.
std::string TimestampText(SqlDialect dialect, const std::string& expr);

// A UTC time "YYYY-MM-DDTHH:MM:SS.mmmZ" as the parameter a timestamp column
// compares with (MySQL: "YYYY-MM-DD HH:MM:SS.mmm").
std::string TimestampParam(SqlDialect dialect, const std::string& utc);

// The events `filter` selects, ordered by seq. Columns: seq, then those of
// EventInsertColumns (received_at as TimestampText): each at its
// k...Value position plus one.
SqlStatement SelectEvents(SqlDialect dialect, const EventFilter& filter);
inline constexpr size_t kEventColumns = 1 + kEventInsertColumns;

// Event counts for Stats, in one pass over the events `filter` selects:
// grouped by UTC hour ("YYYY-MM-DDTHH"), webhook, provider, location,
// status and dlr_class. Columns: hour, webhook, provider, location, status,
// dlr_class, count, and the first and last received_at of the group (as
// TimestampText). Every grouping of Stats (by status, provider, location,
// day, hour, webhook, and the totals) is a sum over these rows.
SqlStatement CountEvents(SqlDialect dialect, const EventFilter& filter);
inline constexpr size_t kCountColumns = 9;

// The latest received_at (as TimestampText) of the events of `webhook`, over
// all of them: one row, none when there is none. Answered from the index on
// (webhook, received_at).
SqlStatement SelectLastReceived(SqlDialect dialect, const std::string& webhook);

// Columns of SelectRejected and SelectRejectedBySeq: seq, received_at,
// webhook, remote_addr, http_status, error, reason, content_type, raw,
// method, query, replayed_at, replay_status.
SqlStatement SelectRejected(SqlDialect dialect, const RejectedFilter& filter);
SqlStatement SelectRejectedBySeq(SqlDialect dialect, int64_t seq);
inline constexpr size_t kRejectedColumns = 1 + kRejectedInsertColumns + 2;

SqlStatement MarkReplayedSql(SqlDialect dialect, int64_t seq, const std::string& at,
                             int http_status);

// The tables PurgeBefore empties, each by its own time column.
enum class PurgeTable { kEvents, kMessages, kRejected };

// Deletes at most `batch_size` rows of `table` older than `before`.
SqlStatement PurgeBatch(SqlDialect dialect, PurgeTable table, const std::string& before,
                        size_t batch_size);

// How many rows of `table` are older than `before`.
SqlStatement CountBefore(SqlDialect dialect, PurgeTable table, const std::string& before);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_EVENT_SQL_H_
