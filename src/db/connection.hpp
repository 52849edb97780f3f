// One libpq connection and the pipeline that runs a call on it. Private to db/.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "db/pipeline.hpp"
#include "db/pool.hpp"

namespace db {

using Clock = std::chrono::steady_clock;

// poll()'s timeout until `deadline`: 0 once past, at most a minute (the caller loops).
inline int millis_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

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

// How far a streamed statement got: whether its sink has its columns, how many rows it was given,
// and whether it wants more.
struct StreamProgress {
  bool begun = false;
  bool stopped = false;
  long rows = 0;
  long fetched = 0;  // rows read of any statement read one at a time, for the heartbeat
  long replies = 0;  // results read from the server, of any kind
};

class Connection final : public Session {
 public:
  // Connects without blocking past settings.connect_timeout or a cancel, to `route` when given.
  static fam::Result<std::unique_ptr<Session>> open(const Settings& settings,
                                                    const std::optional<Route>& route,
                                                    const CancelToken& cancel);

  // Sends the whole plan of the call before the first result is read (one round trip). Its close's
  // replies are read at the start of the next run.
  Outcome run(std::span<const Statement> statements, const CancelToken& cancel) override;
  bool reusable() const override;
  bool answered() const override { return stream_.replies > 0; }
  std::optional<int> abandoned_backend() const override { return abandoned_; }

 private:
  enum class Until { kSent, kReadable };

  Connection(PGconn* conn, const Settings& settings, bool settings_in_session);
  bool send(const Step& step);
  // The one wait of a call: flushes, reads what arrives, honours the cancel token and the deadline.
  std::optional<Failure> wait(Until until, Clock::time_point& deadline, const CancelToken& cancel);
  std::optional<Failure> on_deadline(Clock::time_point& deadline, const CancelToken& cancel);
  void send_cancel(Clock::time_point& deadline);
  // Beats the running call's heartbeat when one is due.
  void beat_if_due();
  // Sends `plan`, then reads every reply but those of its close, which are owed (close_owed_): one
  // round trip, under one deadline.
  std::optional<Failure> run_segment(const std::vector<Step>& plan, const CancelToken& cancel,
                                     std::vector<Table>& tables);
  // Reads the replies of the last call's close, and fails unless it rolled back and discarded.
  std::optional<Failure> settle();
  std::optional<Failure> stream(const Statement& statement, const CancelToken& cancel, bool prologue);
  std::optional<Failure> run_gated(std::span<const Statement> statements,
                                   std::span<const Statement>::iterator gate, const CancelToken& cancel,
                                   std::vector<Table>& tables);
  CallSettings call_settings() const {
    return {std::chrono::duration_cast<std::chrono::milliseconds>(statement_timeout_), application_name_,
            settings_in_session_};
  }
  Failure lost(std::string_view what);
  static void receive_notice(void* connection, const PGresult* notice);

  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::unique_ptr<PGcancel, CancelDeleter> canceller_;
  std::chrono::seconds statement_timeout_;
  std::string application_name_;
  bool settings_in_session_;              // CallSettings::in_session
  bool tcp_;                              // the socket is TCP (not Unix): Corked applies
  std::function<std::string()> explain_;  // why the way to the database failed, if known
  bool cancel_sent_ = false;
  bool broken_ = false;
  bool close_owed_ = false;               // the last call's close was sent and its replies are yet to be read
  std::optional<int> abandoned_;          // the backend of a statement that did not stop when cancelled
  StreamProgress stream_;                 // of the running call, when it streams
  const Heartbeat* heartbeat_ = nullptr;  // of the running call, if one of its statements has one
  Clock::time_point started_, next_beat_;
  std::vector<std::string> notices_;  // of the running call
  std::size_t notices_left_out_ = 0;
};

// The text of a server error as one actionable line: message, detail, hint, position.
Failure describe_error(const PGresult* result, int position_offset);

// "first line of a libpq message", without its trailing newline.
std::string first_line(std::string_view text);

}  // namespace db
