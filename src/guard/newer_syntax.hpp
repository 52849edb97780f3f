// PostgreSQL 16 syntax that the guard's parser (libpg_query 15, the newest Debian has) cannot
// read: named, with what to write instead, when a statement does not parse. Private to guard/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace guard {

// What `sql` uses that only PostgreSQL 16 parses, and its PostgreSQL 15 spelling; nullopt when it
// uses none of them. Looks outside string literals, quoted identifiers and comments.
std::optional<std::string> newer_syntax(std::string_view sql);

}  // namespace guard
