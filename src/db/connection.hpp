// One libpq connection and the pipeline that runs a call on it. Private to db/.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "db/db.hpp"

namespace db {

using Clock = std::chrono::steady_clock;

// statement_timeout is enforced by the server; our own deadline fires this long after it, cancels,
// and drops the connection if the cancel does not take effect within the same grace again.
constexpr std::chrono::seconds kGrace{2};

// The text put before user SQL to read it through cursor `index` (error positions subtract it).
std::string cursor_prefix(std::size_t index);

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct CancelDeleter {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};

class Connection {
 public:
  // Connects, or returns nullptr and sets `failure`.
  static std::unique_ptr<Connection> open(const Settings& settings, std::optional<Failure>& failure);

  // Runs the call: BEGIN READ ONLY, SET LOCAL timeouts and formats, the statements, then ROLLBACK
  // and DISCARD ALL, all sent before the first result is read.
  Outcome run(std::span<const Statement> statements, const CancelToken& cancel);

  // True when the connection can serve the next call: open, idle, nothing left over.
  bool reusable() const;

 private:
  Connection(PGconn* conn, std::chrono::seconds statement_timeout);
  void send_call(std::span<const Statement> statements);
  bool send(const std::string& sql, const std::vector<std::string>& params = {});
  std::optional<Failure> flush(Clock::time_point deadline, const CancelToken& cancel);
  std::optional<Failure> wait_readable(Clock::time_point& deadline, const CancelToken& cancel);
  std::optional<Failure> read_call(std::span<const Statement> statements, const CancelToken& cancel,
                                   std::vector<Table>& tables);
  Failure connection_failure(std::string_view what) const;

  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::unique_ptr<PGcancel, CancelDeleter> canceller_;
  std::chrono::seconds statement_timeout_;
  std::function<std::string()> explain_;  // why the way to the database failed, if known
  bool cancel_sent_ = false;
  bool deadline_passed_ = false;
  bool broken_ = false;
};

// The text of a server error as one actionable line: message, detail, hint, position.
Failure describe_error(const PGresult* result, int position_offset);

}  // namespace db
