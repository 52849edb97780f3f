// A `query` tool result (its structuredContent: columns, rows, row_count, truncated) as text for a
// terminal or a pipe.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace commands {

// Aligned columns as psql prints them, numbers to the right, then "(N rows)". NULL is empty;
// line breaks inside a value are shown as \n so that each row stays on one line.
std::string format_table(const nlohmann::json& result);
// RFC 4180: a header line, then one line per row; NULL is an empty field, JSON values as JSON.
std::string format_csv(const nlohmann::json& result);

}  // namespace commands
