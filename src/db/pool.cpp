#include "db/pool.hpp"

#include <algorithm>

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
  if (auto pid = session->abandoned_backend()) {
    if (abandoned_) abandoned_(*pid);
    std::lock_guard lock(mutex_);
    left_behind_.push_back(*pid);
  }
  if (!session->reusable()) return;  // dropped: the next call opens a fresh one
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_.size()) < capacity_) idle_.push_back(std::move(session));
}

Outcome Pool::run(std::span<const Statement> statements, const CancelToken& cancel) {
  for (;;) {
    auto taken = take(cancel);
    if (!taken) return taken.failure();
    Outcome outcome = taken->session->run(statements, cancel);
    const bool lost_idle =
        !outcome && outcome.failure().kind == FailureKind::kLost && !taken->session->answered();
    give_back(std::move(taken->session));
    bool retry = taken->pooled && lost_idle;
    // A fresh session is never retried, so this ends: each retry consumes an idle session.
    if (!retry || cancel.cancelled()) return outcome;
  }
}

std::vector<int> Pool::left_behind() const {
  std::lock_guard lock(mutex_);
  return left_behind_;
}

void Pool::forget_ended(const std::vector<int>& checked, const std::vector<int>& running) {
  auto ended = [&](int pid) {
    return std::ranges::find(checked, pid) != checked.end() &&
           std::ranges::find(running, pid) == running.end();
  };
  std::lock_guard lock(mutex_);
  std::erase_if(left_behind_, ended);
}

std::optional<Failure> Pool::warm(const CancelToken& cancel) {
  auto taken = take(cancel);
  if (!taken) return taken.failure();
  give_back(std::move(taken->session));
  return std::nullopt;
}

}  // namespace db
