// Functions and relations a read-only analytics query must not touch, each with the reason why.
// Internal to guard/.
#pragma once

#include <optional>
#include <string_view>

namespace guard {

// Why a function acts outside the query, e.g. "it signals other sessions", or nothing if it may be
// called. `name` is the last component of the called name; the match ignores case.
std::optional<std::string_view> why_function_is_denied(std::string_view name);

// Why no function of `schema` may be called: it holds an extension's internals (a name that starts
// with an underscore, or ends in _internal or _experimental, as TimescaleDB's `_timescaledb_*` and
// `timescaledb_experimental` do), or nothing. The match ignores case.
std::optional<std::string_view> why_schema_is_denied(std::string_view schema);

// Why a relation may not be read, or nothing if it may. `relname` is unqualified; the match ignores case.
std::optional<std::string_view> why_relation_is_denied(std::string_view relname);

}  // namespace guard
