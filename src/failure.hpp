// The one shape of "it failed" that callers branch on: a Failure (what happened, one line that says
// what to do), alone or inside a Result<T>. Exceptions are only for internal errors; they are caught
// once per request (mcp/) and once in main.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fam {

enum class FailureKind {
  kRefused,       // the guard refused the SQL: the caller can change it
  kInvalid,       // the arguments break the tool's contract
  kSql,           // PostgreSQL rejected the statement: the caller can change the SQL
  kTimeout,       // statement_timeout or the server's own deadline
  kCancelled,     // the client cancelled the call, or the server is stopping
  kUnreachable,   // no connection could be made (database down, tunnel down, login refused)
  kLost,          // the connection broke during the call; the next call reconnects
  kRoleCanWrite,  // the role could change data and serving it was not allowed
  kLeftBehind,    // statements this server gave up on still run on the database; calls wait for them
  kInternal,      // a bug of ours: an exception caught at the edge of a request
};

struct Failure {
  FailureKind kind = FailureKind::kSql;
  std::string message;   // what happened, and what to do where this layer knows it
  std::string sqlstate;  // PostgreSQL's code, when the server said it
};

// A value, or the Failure that took its place.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}              // NOLINT(google-explicit-constructor)
  Result(Failure failure) : state_(std::move(failure)) {}    // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Failure& failure() const { return std::get<1>(state_); }

 private:
  std::variant<T, Failure> state_;
};

}  // namespace fam
