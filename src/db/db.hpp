// The database layer: a small pool of libpq connections that run statements in read-only
// transactions that are always rolled back, one round trip per call (pipeline mode).
// The only includer of libpq-fe.h.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "failure.hpp"
#include "guard/guard.hpp"
#include "values/values.hpp"

struct pg_result;  // libpq's PGresult, owned by Table

namespace db {

using fam::Failure;
using fam::FailureKind;

// Set from another thread (or a signal handler) to stop a running call at once (libpq cancel).
// Thread-safe and async-signal-safe to cancel().
class CancelToken {
 public:
  // Throws std::system_error when no pipe can be made: a token that could never cancel would be a
  // silent lie.
  CancelToken();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();                                                                 // async-signal-safe
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }  // no system call
  int wait_fd() const { return pipe_[0]; }                                       // readable once cancelled

 private:
  std::atomic<bool> cancelled_{false};
  int pipe_[2] = {-1, -1};
};

// SQL the server itself wrote: only a compile-time constant can be one, never text built at run
// time, so user input reaches the database only as guard::GuardedSql.
class TrustedSql {
 public:
  consteval TrustedSql(const char* text) : text_(text) {}  // NOLINT(google-explicit-constructor)
  std::string_view text() const { return text_; }

 private:
  const char* text_;
};

// How much of a user statement's result this process holds, at most, however wide its rows: rows
// arrive one at a time, and those past the budget are read and dropped at once.
struct RowBudget {
  long rows = 1000;                     // fetched through the cursor
  std::size_t bytes = 8u << 20;         // of values kept, in PostgreSQL's text form
  std::size_t value_bytes = 64u << 10;  // a longer value is left out (Table::omitted_size)
};

// A column of a result: its name and type.
struct Column {
  std::string name;
  values::Oid type = 25;  // text
};

// Where a streamed statement's rows go as they arrive: nothing of them is kept here, so a million
// rows cost what one does. A sink that returns false wants no more rows: the call then ends
// without a failure, and the sink knows why it stopped (enough rows, or its own failure).
class RowSink {
 public:
  virtual ~RowSink() = default;
  // The columns, before the first row (also when there is none). Comes again when the call is
  // retried on a fresh connection (a pooled one was found dead): the sink then starts over.
  virtual bool begin(std::span<const Column> columns) = 0;
  // One row, in PostgreSQL's text format; nullopt is SQL NULL.
  virtual bool row(std::span<const std::optional<std::string_view>> values) = 0;
};

class Table;

// What a long call reports while it runs, about once a second: how long it has run and the rows
// read so far. Called on the thread that runs the call.
using Heartbeat = std::function<void(std::chrono::milliseconds elapsed, long rows)>;

// Decides from the tables of a call's statements before it whether the statements after it run:
// nullopt lets them run, a failure ends the call with it (e.g. a plan too costly to execute).
using GateCheck = std::function<std::optional<Failure>(std::span<const Table> tables)>;

// One statement of a call. Sent with the extended protocol, which cannot carry a second statement.
class Statement {
 public:
  // The server's own SQL with $1, $2 … as text.
  static Statement trusted(TrustedSql sql, std::vector<std::string> params = {});
  // User SQL, read within `budget` (through a cursor when the statement allows one; EXPLAIN does
  // not and returns its few rows whole).
  static Statement guarded(const guard::GuardedSql& sql, RowBudget budget);
  // User SQL whose rows, up to `max_rows`, go to `sink` through a cursor in batches, each its own
  // FETCH under the statement timeout: a long export of a cheap query is not one long statement.
  // The call must have no other statement. REQUIRES: sql.kind() is kQuery (a cursor can hold it).
  static Statement streamed(const guard::GuardedSql& sql, RowSink& sink, long max_rows);
  // Not a statement: the point where a call stops to look at what came before. What follows runs
  // in the same transaction, one round trip later. At most one per call.
  static Statement gate(GateCheck check);
  // EXPLAIN (FORMAT JSON) of user SQL: its plan, never its execution (no ANALYZE).
  static Statement plan_of(const guard::GuardedSql& sql);
  // The call that runs this statement beats `heartbeat` while it runs.
  Statement with_heartbeat(Heartbeat heartbeat) && {
    heartbeat_ = std::move(heartbeat);
    return std::move(*this);
  }

  const std::string& sql() const { return sql_; }
  const std::vector<std::string>& params() const { return params_; }
  std::optional<long> fetch_limit() const { return fetch_limit_; }
  const std::optional<RowBudget>& budget() const { return budget_; }
  RowSink* sink() const { return sink_; }
  const GateCheck& gate_check() const { return gate_; }
  int position_offset() const { return position_offset_; }  // characters put before user SQL
  const Heartbeat& heartbeat() const { return heartbeat_; }

 private:
  Statement(std::string sql, std::vector<std::string> params, std::optional<long> fetch_limit,
            std::optional<RowBudget> budget, RowSink* sink = nullptr)
      : sql_(std::move(sql)),
        params_(std::move(params)),
        fetch_limit_(fetch_limit),
        budget_(budget),
        sink_(sink) {}
  std::string sql_;
  std::vector<std::string> params_;
  std::optional<long> fetch_limit_;
  std::optional<RowBudget> budget_;  // set for user SQL: read row by row within it
  RowSink* sink_ = nullptr;          // set for a streamed statement: its rows go there
  GateCheck gate_;                   // set for a gate, which has no SQL
  int position_offset_ = 0;
  Heartbeat heartbeat_;
};

// The rows of one statement, in PostgreSQL's text format.
class Table {
 public:
  explicit Table(pg_result* result);
  // A table made in memory, e.g. by a test's fake database. nullopt values are SQL NULLs.
  static Table make(const std::vector<Column>& columns,
                    const std::vector<std::vector<std::optional<std::string>>>& rows);

  int row_count() const;
  int column_count() const;
  std::string_view column_name(int column) const;
  values::Oid column_type(int column) const;
  std::optional<std::string_view> value(int row, int column) const;  // nullopt for SQL NULL

  // Read within a RowBudget: the size of a value left out for being over the budget's value_bytes
  // (its value() is then ""), or nullopt.
  std::optional<std::size_t> omitted_size(int row, int column) const;
  // True when rows after the last one here were read and dropped to stay within the byte budget.
  bool cut_for_size() const { return extras_ && extras_->cut; }

 private:
  friend class RowCollector;
  // What a read within a RowBudget keeps. Its rows arrive one result each; their values are copied
  // end to end into one buffer (result_ then holds only the columns), which costs a memcpy a value
  // where libpq's PQsetvalue costs an allocation and a copy.
  struct Extras {
    std::vector<std::pair<std::pair<int, int>, std::size_t>> omitted;  // (row, column) -> size
    bool cut = false;
    int rows = 0;
    std::string text;               // every kept value, end to end
    std::vector<std::size_t> ends;  // row-major, per cell: where its value ends in `text`
    std::vector<bool> nulls;        // row-major, per cell
  };
  std::shared_ptr<pg_result> result_;
  std::shared_ptr<Extras> extras_;
};

// What a call returned: one table per statement, and what the server said along the way.
struct Reply {
  std::vector<Table> tables;
  // NOTICE and WARNING messages, in order: at most kMaxNotices, each cut to kMaxNoticeBytes, and a
  // last line saying how many more were left out. A statement can raise millions.
  std::vector<std::string> notices;
};
constexpr std::size_t kMaxNotices = 20;
constexpr std::size_t kMaxNoticeBytes = 1000;

using Outcome = fam::Result<Reply>;

// What the server learns about its database once, on the first connection.
struct ServerFacts {
  std::string role;
  std::string server_version;
  std::vector<std::string> write_privileges;  // empty when the role is read-only, as it must be
  bool has_postgis = false;
  bool has_timescaledb = false;
};

// What the tools need from the database; Database is the real one, tests use fakes.
class Executor {
 public:
  virtual ~Executor() = default;
  // Connects unless connected, and learns the facts and types on the first success; a failure says
  // why (unreachable, login refused, a role that could write). Cheap once connected. Thread-safe.
  virtual std::optional<Failure> connect(const CancelToken& cancel) = 0;
  // REQUIRES: connect() has succeeded once.
  virtual const ServerFacts& facts() const = 0;
  virtual const values::Catalog& catalog() const = 0;
  // Runs `statements` in one read-only transaction that is rolled back afterwards; connects first
  // when needed. Thread-safe: calls from several threads run on separate connections.
  virtual Outcome run(std::span<const Statement> statements, const CancelToken& cancel) = 0;
};

// Where new connections go instead of the URL's host and port, e.g. an SSH tunnel's socket.
struct Route {
  std::string host;
  std::string port;
};

struct Settings {
  std::string conninfo;                 // a libpq URI or key=value string
  std::optional<std::string> password;  // from a password file; else libpq's own sources
  // Asked before each new connection; unset means the URL's own host and port. A failure (the
  // tunnel cannot be opened) fails the call that needed the connection; the next call asks again.
  std::function<fam::Result<std::optional<Route>>()> route;
  // Says why the way to the database failed (e.g. the tunnel's last error); "" if it knows nothing.
  std::function<std::string()> explain_unreachable;
  std::string application_name = "fleet-analytics-mcp";
  std::chrono::seconds statement_timeout{30};
  std::chrono::seconds connect_timeout{10};
  int pool_size = 4;
  bool allow_writable_role = false;  // else every call fails with kRoleCanWrite
  // At most this many statements given up on may still run before calls are refused (kLeftBehind):
  // each holds a connection slot, a CPU and its snapshot for everyone else.
  std::size_t max_left_behind = 2;
  // Says something worth a line on stderr (a statement left running on the database).
  std::function<void(const std::string&)> warn;
};

// Where a connection string points, as the database host sees it ("" = libpq's default).
struct Endpoint {
  std::string host;
  int port = 5432;
  std::string user;
  std::string dbname;
};
// Reads `conninfo` with libpq's own parser; the failure says what is wrong with it.
fam::Result<Endpoint> read_endpoint(const std::string& conninfo);
// Each host it names, in order, with its port (a multi-host URL names several); a failure when one
// is not a TCP host (a Unix socket path cannot be reached through a tunnel).
fam::Result<std::vector<Endpoint>> tcp_endpoints(const std::string& conninfo);

class Pool;

// The real Executor: connects lazily, so a server starts and lists its tools with its database
// down, and reconnects after an outage.
class Database final : public Executor {
 public:
  explicit Database(Settings settings);
  ~Database() override;

  std::optional<Failure> connect(const CancelToken& cancel) override;
  const ServerFacts& facts() const override { return facts_; }
  const values::Catalog& catalog() const override { return catalog_; }
  Outcome run(std::span<const Statement> statements, const CancelToken& cancel) override;

 private:
  std::optional<Failure> learn(const CancelToken& cancel);
  std::optional<Failure> role_refusal() const;
  std::optional<Failure> settle_left_behind(const CancelToken& cancel);

  Settings settings_;
  std::unique_ptr<Pool> pool_;
  std::mutex learn_mutex_;
  std::atomic<bool> learned_{false};  // facts_ and catalog_ are written once, before this is set
  values::Catalog catalog_;
  ServerFacts facts_;
};

}  // namespace db
