// The database layer: a small pool of libpq connections that run statements in read-only
// transactions that are always rolled back, one round trip per call (pipeline mode).
// The only includer of libpq-fe.h.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "values/values.hpp"

struct pg_result;  // libpq's PGresult, owned by Table

namespace db {

// Set from another thread to stop a running call at once (libpq cancel). Thread-safe.
class CancelToken {
 public:
  CancelToken();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();
  bool cancelled() const;
  int wait_fd() const { return pipe_[0]; }  // readable once cancelled

 private:
  int pipe_[2] = {-1, -1};
};

// One statement of a call. User SQL travels only in `sql` and is sent with the extended
// protocol, which cannot carry a second statement.
struct Statement {
  std::string sql;
  std::vector<std::string> params;  // $1, $2 … as text
  std::optional<long> fetch_limit;  // run through a cursor and fetch at most this many rows
};

// The rows of one statement, in PostgreSQL's text format.
class Table {
 public:
  explicit Table(pg_result* result);
  int row_count() const;
  int column_count() const;
  std::string_view column_name(int column) const;
  values::Oid column_type(int column) const;
  std::optional<std::string_view> value(int row, int column) const;  // nullopt for SQL NULL

 private:
  std::shared_ptr<pg_result> result_;
};

enum class FailureKind {
  kSql,         // the statement failed: the caller can change the SQL
  kTimeout,     // statement_timeout or the server's own deadline
  kCancelled,   // the client cancelled the call
  kConnection,  // the database could not be reached or the connection broke
};

struct Failure {
  FailureKind kind = FailureKind::kSql;
  std::string sqlstate;
  std::string message;  // one line that says what happened and what to do
};

struct Outcome {
  std::vector<Table> tables;  // one per statement, when there is no failure
  std::optional<Failure> failure;
};

struct Settings {
  std::string conninfo;                 // a libpq URI or key=value string
  std::optional<std::string> password;  // from a password file; else libpq's own sources
  // Where to connect instead of the URI's host and port, e.g. an SSH tunnel's socket directory.
  std::optional<std::string> host_override;
  std::optional<std::string> port_override;
  // Says why the way to the database failed (e.g. the tunnel's last error); "" if it knows nothing.
  std::function<std::string()> explain_unreachable;
  std::string application_name = "fleet-analytics-mcp";
  std::chrono::seconds statement_timeout{30};
  int pool_size = 4;
};

// What the server learns about its database once, at start.
struct ServerFacts {
  std::string role;
  std::string server_version;
  std::vector<std::string> write_privileges;  // empty when the role is read-only, as it must be
  bool has_postgis = false;
  bool has_timescaledb = false;
};

// Where a connection string points, as the database host sees it ("" = libpq's default).
struct Endpoint {
  std::string host;
  int port = 5432;
  std::string user;
  std::string dbname;
};
// Reads `conninfo` with libpq's own parser; nullopt with `error` set when it cannot be read.
std::optional<Endpoint> read_endpoint(const std::string& conninfo, std::string& error);
// The same, but also nullopt when it names no single TCP host (a Unix socket path cannot be reached
// through a tunnel).
std::optional<Endpoint> tcp_endpoint(const std::string& conninfo, std::string& error);

class Connection;

// Thread-safe: calls from several threads run on separate connections.
class Database {
 public:
  explicit Database(Settings settings);
  ~Database();

  // Connects, loads the type catalog and reads the role's facts; call once before run().
  std::optional<Failure> start();
  const ServerFacts& facts() const { return facts_; }
  const values::Catalog& catalog() const { return catalog_; }

  // Runs `statements` in one read-only transaction that is rolled back afterwards.
  Outcome run(std::span<const Statement> statements, const CancelToken& cancel);

 private:
  std::unique_ptr<Connection> acquire(std::optional<Failure>& failure, bool& pooled);
  void release(std::unique_ptr<Connection> connection);

  Settings settings_;
  values::Catalog catalog_;
  ServerFacts facts_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace db
