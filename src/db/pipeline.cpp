#include "db/pipeline.hpp"

namespace db {
namespace {

// Every call runs with these settings. SET LOCAL (set_config(..., true)) so that nothing outlives
// the transaction, and so that it works behind PgBouncer in transaction mode (no startup params).
constexpr const char* kSetLocal =
    "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true),"
    " set_config('idle_in_transaction_session_timeout', $3, true), set_config('TimeZone', 'UTC', true),"
    " set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'iso_8601', true),"
    " set_config('extra_float_digits', '1', true), set_config('bytea_output', 'hex', true),"
    " set_config('application_name', $4, true)";

// A query blocked on a lock is almost always behind a migration; fail fast and say so.
constexpr std::chrono::milliseconds kLockTimeout{5000};

std::string millis(std::chrono::milliseconds ms) {
  return std::to_string(ms.count());
}

Step query(std::string sql, std::vector<std::string> params = {}) {
  return Step{Step::Kind::kQuery, std::move(sql), std::move(params), 0, std::nullopt, std::nullopt, nullptr};
}

Step sync() {
  return Step{Step::Kind::kSync, "", {}, 0, std::nullopt, std::nullopt, nullptr};
}

std::string cursor_name(std::size_t index) {
  return "fam_cursor_" + std::to_string(index);
}

std::string declare_prefix(std::size_t index) {
  return "DECLARE " + cursor_name(index) + " NO SCROLL CURSOR FOR ";
}

Step fetch(std::size_t index, long rows) {
  Step step = query("FETCH FORWARD " + std::to_string(rows) + " FROM " + cursor_name(index));
  step.position_offset = static_cast<int>(declare_prefix(index).size());
  step.table = index;
  return step;
}

void add_prologue(std::vector<Step>& plan, const CallSettings& settings) {
  const std::chrono::milliseconds timeout = settings.statement_timeout;
  plan.push_back(query("BEGIN READ ONLY"));
  plan.push_back(
      query(kSetLocal, {millis(timeout), millis(std::min(timeout, kLockTimeout)),
                        millis(timeout + std::chrono::milliseconds(kGrace) * 2), settings.application_name}));
}

void add_declare(std::vector<Step>& plan, const Statement& statement, std::size_t index) {
  plan.push_back(query(declare_prefix(index) + statement.sql(), statement.params()));
  plan.back().position_offset = static_cast<int>(declare_prefix(index).size());
}

// A statement with a fetch limit is read through a cursor: the only libpq-level way to stop a
// result at N rows without rewriting the SQL or cancelling.
void add_statement(std::vector<Step>& plan, const Statement& statement, std::size_t index) {
  if (!statement.fetch_limit()) {
    plan.push_back(query(statement.sql(), statement.params()));
    plan.back().position_offset = statement.position_offset();
    plan.back().table = index;
    plan.back().budget = statement.budget();
    return;
  }
  add_declare(plan, statement, index);
  plan.push_back(fetch(index, *statement.fetch_limit()));
  plan.back().budget = statement.budget();
}

}  // namespace

std::vector<Step> plan_call(std::span<const Statement> statements, const CallSettings& settings) {
  std::vector<Step> plan;
  plan.reserve(statements.size() * 2 + 8);
  add_prologue(plan, settings);
  for (std::size_t i = 0; i < statements.size(); ++i) add_statement(plan, statements[i], i);
  plan.push_back(sync());
  for (Step& step : plan_close()) plan.push_back(std::move(step));
  return plan;
}

std::vector<Step> plan_first(std::span<const Statement> before, const CallSettings& settings) {
  std::vector<Step> plan;
  add_prologue(plan, settings);
  for (std::size_t i = 0; i < before.size(); ++i) add_statement(plan, before[i], i);
  plan.push_back(sync());
  return plan;
}

std::vector<Step> plan_rest(std::span<const Statement> after, std::size_t first_index) {
  std::vector<Step> plan;
  for (std::size_t i = 0; i < after.size(); ++i) add_statement(plan, after[i], first_index + i);
  plan.push_back(sync());
  for (Step& step : plan_close()) plan.push_back(std::move(step));
  return plan;
}

std::vector<Step> plan_stream_open(const Statement& statement, const CallSettings& settings, long batch,
                                   bool prologue) {
  std::vector<Step> plan;
  if (prologue) add_prologue(plan, settings);
  add_declare(plan, statement, 0);
  for (Step& step : plan_stream_fetch(statement, batch)) plan.push_back(std::move(step));
  return plan;
}

std::vector<Step> plan_stream_fetch(const Statement& statement, long rows) {
  std::vector<Step> plan{fetch(0, rows), sync()};
  plan.front().table.reset();
  plan.front().sink = statement.sink();
  return plan;
}

std::vector<Step> plan_close() {
  std::vector<Step> plan{query("ROLLBACK"), sync(), query("DISCARD ALL"), sync()};
  for (Step& step : plan) step.closing = true;
  return plan;
}

}  // namespace db
