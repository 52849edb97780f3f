#include "guard/parse_tree.hpp"

#include "guard/guard.hpp"

#include <pthread.h>

#include <cstddef>
#include <memory>

#include <pg_query.h>

namespace guard {
namespace {

// libpg_query turns its tree into JSON by recursion, and `SELECT 1+1+…` nests one level per two bytes
// of SQL: measured, the worst shapes need about 85 bytes of stack per byte of SQL (60,000 terms
// overflow an 8 MiB stack). Short SQL, nearly every query an assistant writes, is parsed on the
// caller's thread (at most ~0.7 MiB of stack); longer SQL on a thread of our own with a big stack,
// which costs ~0.5 ms instead of ~5 µs per parse.
constexpr std::size_t kInlineSqlBytes = std::size_t{8} << 10;
// Mapped lazily: only the pages a parse touches are committed.
constexpr std::size_t kParserStackBytes = std::size_t{64} << 20;
// kMaxSqlBytes (guard.hpp): 256 KiB × ~85 B ≈ 22 MiB, a 3× margin under kParserStackBytes; far beyond
// any real query (long IN lists are flat and cost no depth). The worst case takes seconds (and took ~300 MB
// when the tree was read into nlohmann objects; not measured since guard::Tree).
static_assert(kMaxSqlBytes * 85 * 3 <= kParserStackBytes);

// Owns one pg_query_parse() result; the parse tree and error live in libpg_query's memory until freed.
struct ParseResultDeleter {
  void operator()(PgQueryParseResult* result) const {
    pg_query_free_parse_result(*result);
    delete result;
  }
};
using ParseResultPtr = std::unique_ptr<PgQueryParseResult, ParseResultDeleter>;

struct ParserJob {
  const std::string* sql;
  ParseOutcome outcome;
};

std::string describe(const PgQueryError& error) {
  std::string text = error.message != nullptr ? error.message : "the parser failed";
  // cursorpos is PostgreSQL's 1-based character position; 0 means the parser did not say where.
  if (error.cursorpos > 0) text += " at character " + std::to_string(error.cursorpos);
  return text;
}

// Copies the result out of libpg_query's memory, so nothing of it outlives the parser thread.
ParseOutcome run_parser(const std::string& sql) {
  const ParseResultPtr result(new PgQueryParseResult(pg_query_parse(sql.c_str())));
  if (result->error != nullptr) {
    return {
        .tree = {},
        .error = "the SQL does not parse: " + describe(*result->error) + "; fix the SQL and send it again"};
  }
  // The parser copies invalid UTF-8 through verbatim, and such a tree is not JSON. Tree reads and
  // frees without recursion.
  auto tree = Tree::parse(result->parse_tree);
  if (!tree) return {.tree = {}, .error = "the SQL is not valid UTF-8; send it as UTF-8 text"};
  return {.tree = std::move(*tree), .error = ""};
}

void* parser_thread_main(void* job_pointer) {
  auto* job = static_cast<ParserJob*>(job_pointer);
  job->outcome = run_parser(*job->sql);
  return nullptr;
}

// Runs the parser on a fresh thread with kParserStackBytes of stack and waits for it. libpg_query's
// thread-local memory contexts are released when that thread exits.
bool run_on_parser_thread(ParserJob& job) {
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return false;
  pthread_t thread;
  const bool started = pthread_attr_setstacksize(&attributes, kParserStackBytes) == 0 &&
                       pthread_create(&thread, &attributes, parser_thread_main, &job) == 0;
  pthread_attr_destroy(&attributes);
  return started && pthread_join(thread, nullptr) == 0;
}

}  // namespace

ParseOutcome parse_sql(const std::string& sql) {
  if (sql.size() > kMaxSqlBytes) {
    return {.tree = {},
            .error = "the SQL is " + std::to_string(sql.size()) + " bytes, more than the " +
                     std::to_string(kMaxSqlBytes) + " the guard reads; shorten it"};
  }
  if (sql.size() <= kInlineSqlBytes) return run_parser(sql);
  ParserJob job{.sql = &sql, .outcome = {}};
  if (!run_on_parser_thread(job)) {
    return {.tree = {},
            .error = "the SQL parser could not start a thread (out of memory or threads); try again"};
  }
  return std::move(job.outcome);
}

}  // namespace guard
