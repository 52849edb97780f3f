// The connections a Database keeps, and the one retry a read-only call may take. Private to db/
// (and its unit tests, which give it fake sessions).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "db/db.hpp"

namespace db {

// One open connection that can run calls one at a time.
class Session {
 public:
  virtual ~Session() = default;
  virtual Outcome run(std::span<const Statement> statements, const CancelToken& cancel) = 0;
  // True when it can serve the next call: open, idle, nothing left over.
  virtual bool reusable() const = 0;
  // True when its last run read any reply from the server: a connection lost after that was lost
  // during the call, not while it sat idle.
  virtual bool answered() const = 0;
  // The server process of a statement that did not stop when cancelled, whose connection this
  // session gave up on: it may still be running there. nullopt when none.
  virtual std::optional<int> abandoned_backend() const = 0;
};

// Opens a new session, or says why it cannot (kUnreachable).
using Opener = std::function<fam::Result<std::unique_ptr<Session>>(const CancelToken& cancel)>;

// Thread-safe: each call takes an idle session or opens one, and gives it back if reusable.
class Pool {
 public:
  // `abandoned` hears of each backend a session gives up on, as it happens (may be empty).
  Pool(Opener open, int capacity, std::function<void(int pid)> abandoned = {})
      : open_(std::move(open)), capacity_(capacity), abandoned_(std::move(abandoned)) {}

  // A pooled session may have died while idle (server restart, tunnel drop): a call that lost its
  // connection on one before the server answered anything is sent once more on a fresh session.
  // One lost after that fails: its statement may have run, and is not run twice.
  Outcome run(std::span<const Statement> statements, const CancelToken& cancel);
  // Opens a session now if none is idle, so that connect() can say at once whether one can be had.
  std::optional<Failure> warm(const CancelToken& cancel);
  // The backends of statements that sessions gave up on, and that may still run. Thread-safe.
  std::vector<int> left_behind() const;
  // Forgets the backends of `checked` that are not in `running`: they have ended.
  void forget_ended(const std::vector<int>& checked, const std::vector<int>& running);

 private:
  struct Taken {
    std::unique_ptr<Session> session;
    bool pooled = false;
  };
  fam::Result<Taken> take(const CancelToken& cancel);
  void give_back(std::unique_ptr<Session> session);

  Opener open_;
  int capacity_;
  std::function<void(int pid)> abandoned_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::vector<int> left_behind_;
};

}  // namespace db
