// Running a call: sending its plan, the one wait (cancel and deadline), and reading the replies.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "db/connection.hpp"

namespace db {
namespace {

// After a cancel (the client's, or the server stopping) a statement normally stops within
// milliseconds; one that has not stopped after this long is left behind with its connection.
constexpr std::chrono::milliseconds kCancelGrace{500};
// How often a call with a heartbeat reports that it still runs: a few a second would be noise.
constexpr std::chrono::milliseconds kBeat{1000};

Failure classify(Failure failure, bool cancelled, std::chrono::seconds timeout) {
  if (failure.kind != FailureKind::kSql || failure.sqlstate != "57014") return failure;
  if (cancelled) return Failure{FailureKind::kCancelled, "the call was cancelled", "57014"};
  return Failure{FailureKind::kTimeout,
                 "the query ran longer than the statement timeout (" + std::to_string(timeout.count()) +
                     " s); narrow it (a shorter time range, more filters, aggregation, or LIMIT)",
                 "57014"};
}

// Holds a TCP socket's data back while a segment is written, so that its syncs (each a flush in libpq
// before 17) leave as one packet and wake the server once, not three times; the data goes when this
// ends. A Unix socket (the tunnel's, or a local server's) has no such option: then nothing is done.
class Corked {
 public:
  Corked(int socket, bool tcp) : socket_(tcp ? socket : -1) { set(1); }
  ~Corked() { set(0); }
  Corked(const Corked&) = delete;
  Corked& operator=(const Corked&) = delete;

 private:
  void set(int on) const {
    if (socket_ >= 0) setsockopt(socket_, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
  }
  int socket_;
};

}  // namespace

void Connection::send_cancel(Clock::time_point& deadline) {
  char error[256];
  PQcancel(canceller_.get(), error, sizeof error);
  cancel_sent_ = true;
  deadline = std::min(deadline, Clock::now() + kCancelGrace);
}

std::optional<Failure> Connection::on_deadline(Clock::time_point& deadline, const CancelToken& cancel) {
  if (!cancel_sent_) {
    // Past statement_timeout + grace and still running: cancel, and give it the grace once more.
    send_cancel(deadline);
    deadline = Clock::now() + kGrace;
    return std::nullopt;
  }
  broken_ = true;
  abandoned_ = PQbackendPID(conn_.get());
  if (cancel.cancelled())
    return Failure{
        FailureKind::kCancelled,
        "the call was cancelled; its statement did not stop at once, so its connection was dropped", "57014"};
  return Failure{
      FailureKind::kTimeout,
      "the query overran the statement timeout and did not stop when cancelled; its connection was "
      "dropped. Narrow the query (time range, filters, aggregation)",
      "57014"};
}

void Connection::beat_if_due() {
  if (!heartbeat_ || Clock::now() < next_beat_) return;
  (*heartbeat_)(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_),
                stream_.fetched);
  next_beat_ = Clock::now() + kBeat;
}

std::optional<Failure> Connection::wait(Until until, Clock::time_point& deadline, const CancelToken& cancel) {
  for (;;) {
    beat_if_due();
    int pending = PQflush(conn_.get());  // reading while sending keeps full socket buffers from deadlocking
    if (pending < 0) return lost("sending to the database failed");
    if (until == Until::kSent ? pending == 0 : !PQisBusy(conn_.get())) return std::nullopt;
    pollfd fds[2] = {{PQsocket(conn_.get()), static_cast<short>(POLLIN | (pending ? POLLOUT : 0)), 0},
                     {cancel.wait_fd(), POLLIN, 0}};
    const auto wake = heartbeat_ ? std::min(deadline, next_beat_) : deadline;
    int ready = poll(fds, cancel_sent_ ? 1 : 2, millis_until(wake));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && Clock::now() >= deadline) {
      if (auto failure = on_deadline(deadline, cancel)) return failure;
      continue;
    }
    if (!cancel_sent_ && fds[1].revents) send_cancel(deadline);
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && PQconsumeInput(conn_.get()) != 1)
      return lost("the database connection was lost");
  }
}

// Keeps the rows of a result read one at a time, within a budget; the rest are dropped as they
// arrive, so a call holds at most the budget however wide or many its rows are.
class RowCollector {
 public:
  explicit RowCollector(const RowBudget& budget)
      : budget_(budget), extras_(std::make_shared<Table::Extras>()) {}

  // A PGRES_SINGLE_TUPLE's row (or each row of a whole result, if single-row mode was refused).
  void add(const PGresult* result, int row) {
    if (extras_->cut) return;
    if (!columns_) columns_.reset(PQcopyResult(result, PG_COPYRES_ATTRS));
    const int columns = PQnfields(result);
    std::size_t bytes = 0;
    for (int c = 0; c < columns; ++c) bytes += kept_size(result, row, c);
    if (bytes_ + bytes > budget_.bytes) {
      extras_->cut = true;
      return;
    }
    for (int c = 0; c < columns; ++c) keep(result, row, c);
    ++extras_->rows;
    bytes_ += bytes;
  }

  // The closing PGRES_TUPLES_OK.
  Table finish(ResultPtr last) {
    for (int row = 0; row < PQntuples(last.get()); ++row) add(last.get(), row);
    Table table(columns_ ? columns_.release() : last.release());
    table.extras_ = extras_;
    return table;
  }

 private:
  std::size_t kept_size(const PGresult* result, int row, int column) const {
    auto length = static_cast<std::size_t>(PQgetlength(result, row, column));
    return length > budget_.value_bytes ? 0 : length;
  }

  void keep(const PGresult* result, int row, int column) {
    Table::Extras& kept = *extras_;
    const bool null = PQgetisnull(result, row, column);
    auto length = static_cast<std::size_t>(PQgetlength(result, row, column));
    if (length > budget_.value_bytes) {
      kept.omitted.push_back({{kept.rows, column}, length});
    } else if (!null) {
      kept.text.append(PQgetvalue(result, row, column), length);
    }
    kept.ends.push_back(kept.text.size());
    kept.nulls.push_back(null);
  }

  RowBudget budget_;
  ResultPtr columns_;  // the first row's result, without its rows: the columns' names and types
  std::size_t bytes_ = 0;
  std::shared_ptr<Table::Extras> extras_;
};

namespace {

// Reads the replies of a plan's steps, keeping the first failure.
class Replies {
 public:
  Replies(PGconn* conn, std::function<std::optional<Failure>()> wait, StreamProgress& stream)
      : conn_(conn), wait_(std::move(wait)), stream_(stream) {}

  // Returns false when the connection broke and nothing more can be read.
  bool read(const Step& step, std::vector<Table>& tables) {
    return step.kind == Step::Kind::kSync ? sync() : query(step, tables);
  }

  std::optional<Failure> failure;
  bool broken = false;

 private:
  bool query(const Step& step, std::vector<Table>& tables) {
    std::optional<RowCollector> rows;
    // Now, before anything of this query is read: libpq accepts it only then.
    if (step.budget || step.sink) PQsetSingleRowMode(conn_);
    if (step.budget) rows.emplace(*step.budget);
    for (;;) {
      if (auto f = wait_()) return fail(std::move(*f), true);
      ResultPtr result(PQgetResult(conn_));
      if (!result) return true;
      ++stream_.replies;
      switch (PQresultStatus(result.get())) {
        case PGRES_SINGLE_TUPLE:
          ++stream_.fetched;
          if (rows) rows->add(result.get(), 0);
          if (step.sink) deliver(result.get(), *step.sink);
          break;
        case PGRES_TUPLES_OK:
          if (step.table) tables.push_back(rows ? rows->finish(std::move(result)) : Table(result.release()));
          if (step.sink) deliver(result.get(), *step.sink);
          break;
        case PGRES_COMMAND_OK:
        case PGRES_PIPELINE_ABORTED:  // an earlier statement's failure says why
          break;
        case PGRES_FATAL_ERROR:
          fail(describe_error(result.get(), step.position_offset), false);
          break;
        default:
          return fail(Failure{FailureKind::kLost, "unexpected reply from the database", ""}, true);
      }
    }
  }

  // Hands a streamed statement's rows to its sink; once it wants no more, the rest of the batch is
  // read and dropped.
  void deliver(const PGresult* result, RowSink& sink) {
    if (stream_.stopped) return;
    const int columns = PQnfields(result);
    if (!stream_.begun) {
      std::vector<Column> described;
      described.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) described.push_back({PQfname(result, c), PQftype(result, c)});
      stream_.begun = true;
      stream_.stopped = !sink.begin(described);
    }
    std::vector<std::optional<std::string_view>> values(static_cast<std::size_t>(columns));
    for (int row = 0; row < PQntuples(result) && !stream_.stopped; ++row) {
      for (int c = 0; c < columns; ++c)
        values[static_cast<std::size_t>(c)] =
            PQgetisnull(result, row, c)
                ? std::nullopt
                : std::optional<std::string_view>(std::in_place, PQgetvalue(result, row, c),
                                                  static_cast<std::size_t>(PQgetlength(result, row, c)));
      stream_.stopped = !sink.row(values);
      ++stream_.rows;
    }
  }

  bool sync() {
    if (auto f = wait_()) return fail(std::move(*f), true);
    ResultPtr result(PQgetResult(conn_));
    if (result) ++stream_.replies;
    if (result && PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) return true;
    return fail(Failure{FailureKind::kLost, "the database pipeline lost its place", ""}, true);
  }

  bool fail(Failure f, bool broken_now) {
    if (!failure) failure = std::move(f);
    broken = broken || broken_now;
    return !broken_now;
  }

  PGconn* conn_;
  std::function<std::optional<Failure>()> wait_;
  StreamProgress& stream_;
};

}  // namespace

std::optional<Failure> Connection::run_segment(const std::vector<Step>& plan, const CancelToken& cancel,
                                               std::vector<Table>& tables) {
  {
    Corked corked(PQsocket(conn_.get()), tcp_);
    for (const Step& step : plan)
      if (!send(step)) return lost("sending to the database failed");
  }
  auto deadline = Clock::now() + statement_timeout_ + kGrace;
  if (auto f = wait(Until::kSent, deadline, cancel)) return f;
  Replies replies(
      conn_.get(), [&] { return wait(Until::kReadable, deadline, cancel); }, stream_);
  bool ok = true;
  auto step = plan.begin();
  for (; step != plan.end() && !step->closing && ok; ++step) ok = replies.read(*step, tables);
  broken_ = broken_ || replies.broken || !ok;
  close_owed_ = !broken_ && step != plan.end();
  if (!replies.failure) return std::nullopt;
  return classify(std::move(*replies.failure), cancel.cancelled(), statement_timeout_);
}

// Batch after batch until the rows end, the limit is reached or something fails; then the close,
// unless the connection broke.
std::optional<Failure> Connection::stream(const Statement& statement, const CancelToken& cancel,
                                          bool prologue) {
  constexpr long kBatch = 10'000;  // a round trip per 10,000 rows costs nothing, even through SSH
  const long limit = statement.fetch_limit().value_or(kBatch);
  std::vector<Table> none;
  long asked = std::min(kBatch, limit);
  auto failure = run_segment(plan_stream_open(statement, call_settings(), asked, prologue), cancel, none);
  long before = 0;
  while (!failure && !stream_.stopped && stream_.rows - before == asked && stream_.rows < limit) {
    before = stream_.rows;
    asked = std::min(kBatch, limit - stream_.rows);
    failure = run_segment(plan_stream_fetch(statement, asked), cancel, none);
  }
  if (broken_) return failure;
  auto closed = run_segment(plan_close(), cancel, none);
  return failure ? failure : closed;
}

// The statements before the gate, then its check, then the rest (streamed, when it is one
// statement with a sink); the transaction is closed whatever the check said.
std::optional<Failure> Connection::run_gated(std::span<const Statement> statements,
                                             std::span<const Statement>::iterator gate,
                                             const CancelToken& cancel, std::vector<Table>& tables) {
  const std::span<const Statement> before(statements.begin(), gate);
  const std::span<const Statement> after(gate + 1, statements.end());
  auto failure = run_segment(plan_first(before, call_settings()), cancel, tables);
  if (!failure) failure = gate->gate_check()(tables);
  if (failure) {
    if (broken_) return failure;
    std::vector<Table> none;
    run_segment(plan_close(), cancel, none);
    return failure;
  }
  if (after.size() == 1 && after.front().sink()) return stream(after.front(), cancel, false);
  return run_segment(plan_rest(after, before.size()), cancel, tables);
}

// Not the call's token: a cancel sent while the server sits idle between calls is ignored there, and
// would be lost for the call that follows (wait() sends one cancel a call).
std::optional<Failure> Connection::settle() {
  static const CancelToken never_cancelled;
  close_owed_ = false;
  auto deadline = Clock::now() + kGrace;
  std::vector<Table> none;
  StreamProgress not_the_calls;  // so that a failure here leaves the call unanswered, to be retried
  Replies replies(
      conn_.get(), [&] { return wait(Until::kReadable, deadline, never_cancelled); }, not_the_calls);
  for (const Step& step : plan_close())
    if (!replies.read(step, none)) break;
  const bool settled = !replies.failure && PQexitPipelineMode(conn_.get()) == 1 &&
                       PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  if (settled) return std::nullopt;
  broken_ = true;
  const std::string why = replies.failure ? replies.failure->message : "it was left in a transaction";
  return lost("the previous call's clean-up (ROLLBACK, DISCARD ALL) failed: " + why);
}

Outcome Connection::run(std::span<const Statement> statements, const CancelToken& cancel) {
  stream_ = {};
  cancel_sent_ = false;
  if (cancel.cancelled()) return Failure{FailureKind::kCancelled, "the call was cancelled", "57014"};
  if (close_owed_) {
    if (auto failure = settle()) return *failure;
    cancel_sent_ = false;  // settle's own, if it sent one: the call's is yet to come
  }
  notices_.clear();
  notices_left_out_ = 0;
  if (PQenterPipelineMode(conn_.get()) != 1) return lost("sending to the database failed");
  auto beating = std::ranges::find_if(statements, [](const Statement& s) { return bool(s.heartbeat()); });
  heartbeat_ = beating != statements.end() ? &beating->heartbeat() : nullptr;
  started_ = Clock::now();
  next_beat_ = started_ + kBeat;
  Reply reply;
  auto gate = std::ranges::find_if(statements, [](const Statement& s) { return bool(s.gate_check()); });
  const bool streamed = statements.size() == 1 && statements.front().sink();
  auto failure = gate != statements.end() ? run_gated(statements, gate, cancel, reply.tables)
                 : streamed               ? stream(statements.front(), cancel, true)
                            : run_segment(plan_call(statements, call_settings()), cancel, reply.tables);
  if (!close_owed_) broken_ = broken_ || PQexitPipelineMode(conn_.get()) != 1;
  heartbeat_ = nullptr;  // it belongs to this call's statements
  if (failure) return *failure;
  reply.notices = std::move(notices_);
  if (notices_left_out_ > 0)
    reply.notices.push_back("(" + std::to_string(notices_left_out_) + " more notices were left out)");
  return reply;
}

}  // namespace db
