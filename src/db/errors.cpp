// Server errors as one line: what PostgreSQL said, where, and its own detail and hint. What to do
// next in this product's words (which tool, which option) is added by the layers that own them.
#include <string>

#include "db/connection.hpp"

namespace db {
namespace {

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

// Joins sentences with ". ", without doubling a full stop PostgreSQL already wrote.
void add_sentence(std::string& text, std::string_view prefix, std::string sentence) {
  if (sentence.empty()) return;
  while (!sentence.empty() && (sentence.back() == '.' || sentence.back() == ' ' || sentence.back() == '\n'))
    sentence.pop_back();
  text += ". ";
  text += prefix;
  text += sentence;
}

}  // namespace

Failure describe_error(const PGresult* result, int position_offset) {
  Failure failure{FailureKind::kSql, field(result, PG_DIAG_MESSAGE_PRIMARY), field(result, PG_DIAG_SQLSTATE)};
  if (failure.message.empty()) failure.message = first_line(PQresultErrorMessage(result));
  std::string where = "SQLSTATE " + failure.sqlstate;
  if (auto position = field(result, PG_DIAG_STATEMENT_POSITION); !position.empty()) {
    int at = std::atoi(position.c_str()) - position_offset;
    if (at > 0) where += ", at character " + std::to_string(at);
  }
  failure.message += " (" + where + ")";
  add_sentence(failure.message, "", field(result, PG_DIAG_MESSAGE_DETAIL));
  add_sentence(failure.message, "Hint: ", field(result, PG_DIAG_MESSAGE_HINT));
  return failure;
}

}  // namespace db
