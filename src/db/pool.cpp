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
  if (!session->reusable()) return;  // dropped: the next call opens a fresh one
  std::lock_guard lock(mutex_);
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

std::optional<Failure> Pool::warm(const CancelToken& cancel) {
  auto taken = take(cancel);
  if (!taken) return taken.failure();
  give_back(std::move(taken->session));
  return std::nullopt;
}

}  // namespace db
