// Runs PostgreSQL's own parser (libpg_query) and hands back its raw parse tree, read from its JSON.
// Internal to guard/: this seam is the only place that touches pg_query.h.
#pragma once

#include <string>

#include "guard/tree.hpp"

namespace guard {

struct ParseOutcome {
  // {"version": 150001, "stmts": [{"stmt": {"SelectStmt": {...}}}, ...]} when `error` is empty.
  Tree tree;
  // Empty on success; otherwise why the SQL could not be read and what to do, quoting the parser, e.g.
  // `the SQL does not parse: syntax error at or near "FROM" at character 8; fix the SQL and send it again`.
  std::string error;
};

// REQUIRES: `sql` holds no NUL byte (the parser reads a C string and would stop there).
// REQUIRES: the calling thread has at least 2 MiB of stack (glibc's default is 8 MiB); SQL over 8 KiB
// is parsed on a short-lived thread with its own 64 MiB stack, and SQL over 256 KiB is an error.
// Thread-safe: libpg_query keeps its memory contexts and parser state in thread-local variables.
ParseOutcome parse_sql(const std::string& sql);

}  // namespace guard
