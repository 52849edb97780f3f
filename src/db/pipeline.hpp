// The plan of one call: every message sent in its pipeline, in order, and what to do with each
// reply. The send side and the read side both walk this one list, so they cannot disagree.
// Private to db/.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace db {

struct Step {
  enum class Kind { kQuery, kSync };
  Kind kind = Kind::kQuery;
  std::string sql;
  std::vector<std::string> params;   // $1, $2 … as text
  int position_offset = 0;           // characters our wrapping put before user SQL (error positions)
  std::optional<std::size_t> table;  // its rows are the call's table number …
  std::optional<RowBudget> budget;   // … read one at a time, within this budget
  RowSink* sink = nullptr;           // or its rows go here, one at a time
  // Of the close (plan_close): sent with the call, but its reply is read before the connection's
  // next call rather than before this one is answered, which then need not wait for the server to
  // roll back and discard. The connection serves nothing else until that reply says both worked.
  bool closing = false;
};

// What every call runs with: set for its own transaction only (SET LOCAL), unless the session has it.
struct CallSettings {
  std::chrono::milliseconds statement_timeout;
  // Who runs the call, in pg_stat_activity; set per call too, since behind PgBouncer the session's
  // own name is another client's, or none after DISCARD ALL.
  std::string application_name;
  // The connection's server process has these settings as its own, from startup_options(): DISCARD
  // ALL returns to them, so a call need not set them (which took 45 µs of a 95 µs round trip).
  bool in_session = false;
};

// The settings as libpq `options` ("-c name=value …"), with a marker that startup_marker_query()
// finds only in a server process that got them: a pooler such as PgBouncer refuses or drops them.
std::string startup_options(const CallSettings& settings);
std::string startup_marker_query();  // its one value is "on" in such a process

// BEGIN READ ONLY · SET LOCAL (set_config ×9, unless in_session) · each statement (DECLARE +
// FETCH for a cursor) · sync · ROLLBACK · sync · DISCARD ALL · sync. ROLLBACK in a segment of its
// own runs even when the first segment failed; DISCARD ALL alone in the last drops whatever a
// statement left in the session (prepared statements, advisory locks).
std::vector<Step> plan_call(std::span<const Statement> statements, const CallSettings& settings);

// A streamed statement's call, in segments that each end with a sync and are read before the next
// is sent: open (BEGIN … DECLARE, the first FETCH of `batch` rows), one more FETCH for each further
// batch the rows need, and close (ROLLBACK, DISCARD ALL), which runs whatever happened before.
// A call with a gate, in two segments read one after the other: the prologue and the statements
// before the gate (`first`), then, if the gate lets them, the statements after it and the close.
std::vector<Step> plan_first(std::span<const Statement> before, const CallSettings& settings);
std::vector<Step> plan_rest(std::span<const Statement> after, std::size_t first_index);

// `prologue`: false when a gate's first segment already began the transaction.
std::vector<Step> plan_stream_open(const Statement& statement, const CallSettings& settings, long batch,
                                   bool prologue = true);
std::vector<Step> plan_stream_fetch(const Statement& statement, long rows);
std::vector<Step> plan_close();

// statement_timeout is enforced by the server; our own deadline fires this long after it, cancels,
// and drops the connection if the cancel does not take effect within the same grace again.
constexpr std::chrono::seconds kGrace{2};

}  // namespace db
