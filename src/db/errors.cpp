// Server errors as one line a model can act on.
#include <string>

#include "db/connection.hpp"

namespace db {
namespace {

// What to do next, for the errors a model most often makes.
std::string_view advice(std::string_view sqlstate) {
  if (sqlstate == "42P01") return "call list_tables to see the relations that exist";
  if (sqlstate == "42703") return "call describe_table to see the columns";
  if (sqlstate == "42883") return "call list_functions, or add casts to match a signature";
  if (sqlstate == "3F000") return "call list_schemas to see the schemas this role can read";
  if (sqlstate == "42501") return "this role cannot read that object; use the ones list_tables shows";
  if (sqlstate == "25006") return "this server is read-only; only queries are allowed";
  if (sqlstate == "55P03") return "a lock is held by another session (often a migration); retry later";
  if (sqlstate == "53200" || sqlstate == "54000") return "the query needs too much memory; aggregate more";
  return {};
}

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

}  // namespace

Failure describe_error(const PGresult* result, int position_offset) {
  Failure failure{FailureKind::kSql, field(result, PG_DIAG_SQLSTATE), field(result, PG_DIAG_MESSAGE_PRIMARY)};
  if (failure.message.empty()) failure.message = PQresultErrorMessage(result);
  std::string where = "SQLSTATE " + failure.sqlstate;
  if (auto position = field(result, PG_DIAG_STATEMENT_POSITION); !position.empty()) {
    int at = std::stoi(position) - position_offset;
    if (at > 0) where += ", at character " + std::to_string(at);
  }
  failure.message += " (" + where + ")";
  if (auto detail = field(result, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) failure.message += ". " + detail;
  if (auto hint = field(result, PG_DIAG_MESSAGE_HINT); !hint.empty()) failure.message += ". Hint: " + hint;
  if (auto next = advice(failure.sqlstate); !next.empty()) failure.message += ". Next: " + std::string(next);
  return failure;
}

}  // namespace db
