// The read side of a call: waiting (with cancel and deadline), and reading the pipeline's results.
#include <poll.h>

#include <cerrno>
#include <functional>

#include "db/connection.hpp"

namespace db {
namespace {

int millis_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

}  // namespace

std::optional<Failure> Connection::wait_readable(Clock::time_point& deadline, const CancelToken& cancel) {
  while (PQisBusy(conn_.get())) {
    int flushed = PQflush(conn_.get());
    if (flushed < 0) return connection_failure("sending to the database failed");
    pollfd fds[2] = {{PQsocket(conn_.get()), static_cast<short>(POLLIN | (flushed ? POLLOUT : 0)), 0},
                     {cancel.wait_fd(), POLLIN, 0}};
    int ready = poll(fds, cancel_sent_ ? 1 : 2, millis_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && Clock::now() >= deadline) {
      if (deadline_passed_) {
        broken_ = true;
        return Failure{FailureKind::kTimeout, "57014",
                       "the query overran the statement timeout and did not stop when cancelled; its "
                       "connection was dropped. Narrow the query (time range, filters, aggregation)"};
      }
      deadline_passed_ = true;
      deadline = Clock::now() + kGrace;
    }
    if ((deadline_passed_ || (!cancel_sent_ && fds[1].revents)) && !cancel_sent_) {
      char error[256];
      PQcancel(canceller_.get(), error, sizeof error);
      cancel_sent_ = true;
    }
    if (fds[0].revents && PQconsumeInput(conn_.get()) != 1) {
      broken_ = true;
      return connection_failure("the database connection was lost");
    }
  }
  return std::nullopt;
}

std::optional<Failure> Connection::flush(Clock::time_point deadline, const CancelToken& cancel) {
  // Reading while flushing keeps a large pipeline from deadlocking on full socket buffers.
  while (int pending = PQflush(conn_.get())) {
    if (pending < 0) return connection_failure("sending to the database failed");
    pollfd fds[2] = {{PQsocket(conn_.get()), POLLIN | POLLOUT, 0}, {cancel.wait_fd(), POLLIN, 0}};
    int ready = poll(fds, 2, millis_until(deadline));
    if (ready > 0 && fds[1].revents) {
      broken_ = true;
      return Failure{FailureKind::kCancelled, "", "the call was cancelled before it reached the database"};
    }
    if (ready == 0) {
      broken_ = true;
      return Failure{FailureKind::kTimeout, "57014",
                     "the database did not take the query within the statement timeout (the connection or "
                     "the server is stalled); try again, and run `fleet-analytics-mcp doctor` if it persists"};
    }
    if ((fds[0].revents & POLLIN) && PQconsumeInput(conn_.get()) != 1) {
      broken_ = true;
      return connection_failure("the database connection was lost");
    }
  }
  return std::nullopt;
}

namespace {

// Reads one query's results up to libpq's NULL; keeps its rows in `rows` when asked.
class CallReader {
 public:
  CallReader(PGconn* conn, Clock::time_point deadline,
             std::function<std::optional<Failure>(Clock::time_point&)> wait)
      : conn_(conn), deadline_(deadline), wait_(std::move(wait)) {}

  // Returns false when the connection broke and nothing more can be read.
  bool query(ResultPtr* rows, int position_offset) {
    for (;;) {
      if (auto f = wait_(deadline_)) return fail(std::move(*f), true);
      ResultPtr result(PQgetResult(conn_));
      if (!result) return true;
      switch (PQresultStatus(result.get())) {
        case PGRES_TUPLES_OK:
          if (rows) *rows = std::move(result);
          break;
        case PGRES_COMMAND_OK:
        case PGRES_PIPELINE_ABORTED:  // an earlier statement's failure says why
          break;
        case PGRES_FATAL_ERROR:
          fail(describe_error(result.get(), position_offset), false);
          break;
        default:
          return fail(Failure{FailureKind::kConnection, "", "unexpected reply from the database"}, true);
      }
    }
  }

  bool sync() {
    if (auto f = wait_(deadline_)) return fail(std::move(*f), true);
    ResultPtr result(PQgetResult(conn_));
    if (result && PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) return true;
    return fail(Failure{FailureKind::kConnection, "", "the database pipeline lost its place"}, true);
  }

  std::optional<Failure> failure;
  bool broken = false;

 private:
  bool fail(Failure f, bool broken_now) {
    if (!failure) failure = std::move(f);
    broken = broken || broken_now;
    return !broken_now;
  }

  PGconn* conn_;
  Clock::time_point deadline_;
  std::function<std::optional<Failure>(Clock::time_point&)> wait_;
};

Failure classify(Failure failure, bool cancelled, std::chrono::seconds timeout) {
  if (failure.kind != FailureKind::kSql || failure.sqlstate != "57014") return failure;
  if (cancelled) return Failure{FailureKind::kCancelled, "57014", "the call was cancelled by the client"};
  return Failure{FailureKind::kTimeout, "57014",
                 "the query ran longer than the statement timeout (" + std::to_string(timeout.count()) +
                     " s); narrow it (a shorter time range, more filters, aggregation, or LIMIT)"};
}

}  // namespace

std::optional<Failure> Connection::read_call(std::span<const Statement> statements, const CancelToken& cancel,
                                             std::vector<Table>& tables) {
  auto deadline = Clock::now() + statement_timeout_ + kGrace;
  if (auto f = flush(deadline, cancel)) return f;
  CallReader reader(conn_.get(), deadline,
                    [this, &cancel](Clock::time_point& d) { return wait_readable(d, cancel); });
  bool ok = reader.query(nullptr, 0) && reader.query(nullptr, 0);  // BEGIN, SET LOCAL
  for (std::size_t i = 0; i < statements.size() && ok; ++i) {
    int offset = 0;
    if (statements[i].fetch_limit) {
      offset = static_cast<int>(cursor_prefix(i).size());
      ok = reader.query(nullptr, offset);
    }
    ResultPtr rows;
    ok = ok && reader.query(&rows, offset);
    if (rows) tables.emplace_back(rows.release());
  }
  ok = ok && reader.sync() && reader.query(nullptr, 0) && reader.sync() && reader.query(nullptr, 0) &&
       reader.sync();
  broken_ = broken_ || reader.broken || !ok || PQexitPipelineMode(conn_.get()) != 1;
  if (!reader.failure) return std::nullopt;
  return classify(std::move(*reader.failure), cancel.cancelled(), statement_timeout_);
}

Outcome Connection::run(std::span<const Statement> statements, const CancelToken& cancel) {
  cancel_sent_ = false;
  deadline_passed_ = false;
  Outcome outcome;
  send_call(statements);
  if (broken_) {
    outcome.failure = connection_failure("sending to the database failed");
    return outcome;
  }
  outcome.failure = read_call(statements, cancel, outcome.tables);
  if (outcome.failure) outcome.tables.clear();
  return outcome;
}

}  // namespace db
