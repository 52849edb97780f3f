#include "db/pipeline.hpp"

namespace db {
namespace {

// A query blocked on a lock is almost always behind a migration; fail fast and say so.
constexpr std::chrono::milliseconds kLockTimeout{5000};

// Proves that a server process got our startup options: no pooler passes them on.
constexpr const char* kStartupMarker = "fam.startup_options";

std::string millis(std::chrono::milliseconds ms) {
  return std::to_string(ms.count());
}

Step query(std::string sql, std::vector<std::string> params = {}) {
  return Step{Step::Kind::kQuery, std::move(sql), std::move(params), 0, std::nullopt, std::nullopt, nullptr};
}

Step sync() {
  return Step{Step::Kind::kSync, "", {}, 0, std::nullopt, std::nullopt, nullptr};
}

using NamedValues = std::vector<std::pair<std::string, std::string>>;

// Every call runs with these settings (and its application_name).
NamedValues settings_of(const CallSettings& settings) {
  const std::chrono::milliseconds timeout = settings.statement_timeout;
  return {{"statement_timeout", millis(timeout)},
          {"lock_timeout", millis(std::min(timeout, kLockTimeout))},
          {"idle_in_transaction_session_timeout", millis(timeout + std::chrono::milliseconds(kGrace) * 2)},
          {"TimeZone", "UTC"},
          {"DateStyle", "ISO, YMD"},
          {"IntervalStyle", "iso_8601"},
          {"extra_float_digits", "1"},
          {"bytea_output", "hex"}};
}

// SET LOCAL of every setting (set_config(..., true)), so that nothing outlives the transaction; it
// works behind PgBouncer in transaction mode, which keeps no startup options.
Step set_local(const CallSettings& settings) {
  NamedValues named = settings_of(settings);
  named.emplace_back("application_name", settings.application_name);
  std::string sql = "SELECT ";
  std::vector<std::string> params;
  for (auto& [name, value] : named) {
    if (!params.empty()) sql += ", ";
    sql += "set_config($" + std::to_string(params.size() + 1) + ", $" + std::to_string(params.size() + 2) +
           ", true)";
    params.push_back(std::move(name));
    params.push_back(std::move(value));
  }
  return query(std::move(sql), std::move(params));
}

// libpq splits `options` at white space; a backslash keeps one as part of a value.
std::string escape_option(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == ' ' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
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
  plan.push_back(query("BEGIN READ ONLY"));
  if (!settings.in_session) plan.push_back(set_local(settings));
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

std::string startup_options(const CallSettings& settings) {
  std::string options;
  for (const auto& [name, value] : settings_of(settings))
    options += "-c " + name + "=" + escape_option(value) + " ";
  return options + "-c " + kStartupMarker + "=on";
}

std::string startup_marker_query() {
  return std::string("SELECT current_setting('") + kStartupMarker + "', true)";
}

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
