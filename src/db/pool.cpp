#include "db/pool.hpp"

namespace db {

fam::Result<Pool::Taken> Pool::take(const CancelToken& cancel) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Taken taken{std::move(idle_.back()), true};
      idle_.pop_back();
      return taken;
    }
  }
  auto opened = open_(cancel);
  if (!opened) return opened.failure();
  return Taken{std::move(*opened), false};
}

void Pool::give_back(std::unique_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  if (auto pid = session->abandoned_backend()) left_behind_.push_back(*pid);
  if (!session->reusable()) return;  // dropped: the next call opens a fresh one
  if (static_cast<int>(idle_.size()) < capacity_) idle_.push_back(std::move(session));
}

Outcome Pool::run(std::span<const Statement> statements, const CancelToken& cancel) {
  for (;;) {
    auto taken = take(cancel);
    if (!taken) return taken.failure();
    Outcome outcome = taken->session->run(statements, cancel);
    give_back(std::move(taken->session));
    bool retry = taken->pooled && !outcome && outcome.failure().kind == FailureKind::kLost;
    // A fresh session is never retried, so this ends: each retry consumes an idle session.
    if (!retry || cancel.cancelled()) return outcome;
  }
}

std::vector<int> Pool::left_behind() const {
  std::lock_guard lock(mutex_);
  return left_behind_;
}

void Pool::set_left_behind(std::vector<int> pids) {
  std::lock_guard lock(mutex_);
  left_behind_ = std::move(pids);
}

std::optional<Failure> Pool::warm(const CancelToken& cancel) {
  auto taken = take(cancel);
  if (!taken) return taken.failure();
  give_back(std::move(taken->session));
  return std::nullopt;
}

}  // namespace db
