// The SQL guard: decides, on PostgreSQL's own parse tree, whether a piece of user SQL is one
// read-only query. The only includer of pg_query.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "failure.hpp"

namespace guard {

// Longest SQL the guard reads (PostgreSQL's parser recurses per level of nesting; see parse_tree.cpp).
// Tools quote it in their input schemas, so the contract a model sees is the one enforced here.
constexpr std::size_t kMaxSqlBytes = std::size_t{256} << 10;

enum class StatementKind {
  kQuery,    // SELECT, VALUES, TABLE, or WITH of those: may be wrapped in a cursor
  kExplain,  // EXPLAIN without ANALYZE of a query: cannot be wrapped in a cursor
};

class GuardedSql;
// The guarded SQL, or a Failure of kind kRefused whose message names what was refused and what to
// change, e.g. "refused: function pg_terminate_backend acts outside the query; remove it".
using Verdict = fam::Result<GuardedSql>;

// Parses `sql` and allows it only if it is exactly one SELECT / VALUES / TABLE / WITH-of-SELECTs
// statement, or EXPLAIN (without ANALYZE) of one, that calls no function acting outside the query.
// A parse error, a NUL byte or anything the parser cannot read is a refusal, as is SQL over
// kMaxSqlBytes. Thread-safe (libpg_query's state is thread-local). REQUIRES: the calling thread has
// at least 2 MiB of stack (glibc's default is 8 MiB): PostgreSQL's parser recurses once per level.
Verdict check(std::string_view sql);

// User SQL that passed check(): only check() can make one, so the database layer, which runs user
// SQL only in this type, cannot be handed SQL that skipped the guard.
class GuardedSql {
 public:
  const std::string& text() const { return text_; }
  StatementKind kind() const { return kind_; }
  // False when the statement has no FROM item and calls no function anywhere (`SELECT 1`,
  // `VALUES (1, 'a')`, `SELECT current_date`): it reads no table, and its cost is that of its
  // literal expressions, which no plan can price any better.
  bool reads_data() const { return reads_data_; }

 private:
  friend Verdict check(std::string_view sql);
  GuardedSql(std::string text, StatementKind kind, bool reads_data)
      : text_(std::move(text)), kind_(kind), reads_data_(reads_data) {}
  std::string text_;
  StatementKind kind_;
  bool reads_data_;
};

}  // namespace guard
