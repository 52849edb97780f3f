#include "db/pipeline.hpp"

namespace db {
namespace {

// Every call runs with these settings. SET LOCAL (set_config(..., true)) so that nothing outlives
// the transaction, and so that it works behind PgBouncer in transaction mode (no startup params).
constexpr const char* kSetLocal =
    "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true),"
    " set_config('idle_in_transaction_session_timeout', $3, true), set_config('TimeZone', 'UTC', true),"
    " set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'iso_8601', true),"
    " set_config('extra_float_digits', '1', true), set_config('bytea_output', 'hex', true)";

// A query blocked on a lock is almost always behind a migration; fail fast and say so.
constexpr std::chrono::milliseconds kLockTimeout{5000};

std::string millis(std::chrono::milliseconds ms) {
  return std::to_string(ms.count());
}

Step query(std::string sql, std::vector<std::string> params = {}) {
  return Step{Step::Kind::kQuery, std::move(sql), std::move(params), 0, std::nullopt, std::nullopt};
}

Step sync() {
  return Step{Step::Kind::kSync, "", {}, 0, std::nullopt, std::nullopt};
}

// A statement with a fetch limit is read through a cursor: the only libpq-level way to stop a
// result at N rows without rewriting the SQL or cancelling.
void add_statement(std::vector<Step>& plan, const Statement& statement, std::size_t index) {
  if (!statement.fetch_limit()) {
    plan.push_back(query(statement.sql(), statement.params()));
    plan.back().table = index;
    plan.back().budget = statement.budget();
    return;
  }
  const std::string cursor = "fam_cursor_" + std::to_string(index);
  const std::string prefix = "DECLARE " + cursor + " NO SCROLL CURSOR FOR ";
  plan.push_back(query(prefix + statement.sql(), statement.params()));
  plan.back().position_offset = static_cast<int>(prefix.size());
  plan.push_back(query("FETCH FORWARD " + std::to_string(*statement.fetch_limit()) + " FROM " + cursor));
  plan.back().position_offset = static_cast<int>(prefix.size());
  plan.back().table = index;
  plan.back().budget = statement.budget();
}

}  // namespace

std::vector<Step> plan_call(std::span<const Statement> statements, std::chrono::milliseconds statement_timeout) {
  std::vector<Step> plan;
  plan.reserve(statements.size() * 2 + 8);
  plan.push_back(query("BEGIN READ ONLY"));
  plan.push_back(query(kSetLocal, {millis(statement_timeout), millis(std::min(statement_timeout, kLockTimeout)),
                                   millis(statement_timeout + std::chrono::milliseconds(kGrace) * 2)}));
  for (std::size_t i = 0; i < statements.size(); ++i) add_statement(plan, statements[i], i);
  plan.push_back(sync());
  plan.push_back(query("ROLLBACK"));
  plan.push_back(sync());
  plan.push_back(query("DISCARD ALL"));
  plan.push_back(sync());
  return plan;
}

}  // namespace db
