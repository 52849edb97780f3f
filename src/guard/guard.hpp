// The SQL guard: decides, on PostgreSQL's own parse tree, whether a piece of user SQL is one
// read-only query. The only includer of pg_query.h.
#pragma once

#include <string>
#include <string_view>

namespace guard {

enum class StatementKind {
  kQuery,    // SELECT, VALUES, TABLE, or WITH of those: may be wrapped in a cursor
  kExplain,  // EXPLAIN without ANALYZE of a query: cannot be wrapped in a cursor
};

struct Verdict {
  bool allowed = false;
  StatementKind kind = StatementKind::kQuery;
  // Empty when allowed; otherwise one sentence naming what was refused and what to change,
  // e.g. "refused: function pg_terminate_backend acts outside the query; remove it".
  std::string reason;
};

// Parses `sql` and allows it only if it is exactly one SELECT / VALUES / TABLE / WITH-of-SELECTs
// statement, or EXPLAIN (without ANALYZE) of one, that calls no function acting outside the query.
// A parse error, a NUL byte or anything the parser cannot read is a refusal, as is SQL over 256 KiB.
// Thread-safe (libpg_query's state is thread-local). REQUIRES: the calling thread has at least 2 MiB
// of stack (glibc's default is 8 MiB): PostgreSQL's parser recurses once per level of nesting.
Verdict check(std::string_view sql);

}  // namespace guard
