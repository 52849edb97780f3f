#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "db/connection.hpp"

namespace db {
namespace {

// pipe2(ends, O_CLOEXEC | O_NONBLOCK) with calls macOS has too. The server starts no child
// processes, so the moment before FD_CLOEXEC is set cannot leak the ends into one.
bool open_pipe(int (&ends)[2]) {
  if (pipe(ends) != 0) return false;
  for (int fd : ends) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      close(ends[0]);
      close(ends[1]);
      return false;
    }
  }
  return true;
}

}  // namespace

CancelToken::CancelToken() {
  if (!open_pipe(pipe_)) pipe_[0] = pipe_[1] = -1;
}

CancelToken::~CancelToken() {
  for (int fd : pipe_)
    if (fd >= 0) close(fd);
}

void CancelToken::cancel() {
  char byte = 1;
  // One byte is enough: the read end stays readable; a full pipe means it already is.
  [[maybe_unused]] auto written = write(pipe_[1], &byte, 1);
}

bool CancelToken::cancelled() const {
  pollfd fd{pipe_[0], POLLIN, 0};
  return poll(&fd, 1, 0) > 0;
}

Table::Table(pg_result* result) : result_(result, PQclear) {}
int Table::row_count() const {
  return PQntuples(result_.get());
}
int Table::column_count() const {
  return PQnfields(result_.get());
}
std::string_view Table::column_name(int column) const {
  return PQfname(result_.get(), column);
}
values::Oid Table::column_type(int column) const {
  return PQftype(result_.get(), column);
}

std::optional<std::string_view> Table::value(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

Database::Database(Settings settings) : settings_(std::move(settings)) {}
Database::~Database() = default;

std::unique_ptr<Connection> Database::acquire(std::optional<Failure>& failure, bool& pooled) {
  {
    std::lock_guard lock(mutex_);
    pooled = !idle_.empty();
    if (pooled) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return Connection::open(settings_, failure);
}

void Database::release(std::unique_ptr<Connection> connection) {
  if (!connection->reusable()) return;  // dropped: the next call opens a fresh one
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_.size()) < settings_.pool_size) idle_.push_back(std::move(connection));
}

Outcome Database::run(std::span<const Statement> statements, const CancelToken& cancel) {
  // A pooled connection may have died while idle (server restart, tunnel drop): a read-only call
  // that failed to reach the server is safe to send once more on a fresh connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<Failure> failure;
    bool pooled = false;
    auto connection = acquire(failure, pooled);
    if (!connection) return Outcome{{}, failure};
    Outcome outcome = connection->run(statements, cancel);
    release(std::move(connection));
    bool retry = pooled && outcome.failure && outcome.failure->kind == FailureKind::kConnection;
    if (!retry || cancel.cancelled()) return outcome;
  }
  return Outcome{{}, Failure{FailureKind::kConnection, "", "the database connection failed twice"}};
}

}  // namespace db
