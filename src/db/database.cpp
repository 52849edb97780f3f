#include "db/connection.hpp"
#include "db/pool.hpp"

namespace db {

Database::Database(Settings settings) : settings_(std::move(settings)) {
  pool_ = std::make_unique<Pool>(
      [this](const CancelToken& cancel) -> fam::Result<std::unique_ptr<Session>> {
        std::optional<Route> route;
        if (settings_.route) {
          auto routed = settings_.route();
          if (!routed) return routed.failure();
          route = *routed;
        }
        return Connection::open(settings_, route, cancel);
      },
      settings_.pool_size);
}

Database::~Database() = default;

std::optional<Failure> Database::connect(const CancelToken& cancel) {
  if (!learned_.load(std::memory_order_acquire)) {
    std::lock_guard lock(learn_mutex_);
    if (!learned_.load(std::memory_order_relaxed)) {
      if (auto failure = learn(cancel)) return failure;
      learned_.store(true, std::memory_order_release);
    }
  } else if (auto failure = pool_->warm(cancel)) {
    return failure;
  }
  return role_refusal();
}

std::optional<Failure> Database::role_refusal() const {
  if (facts_.write_privileges.empty() || settings_.allow_writable_role) return std::nullopt;
  std::string why;
  for (const auto& privilege : facts_.write_privileges) why += (why.empty() ? "" : "; ") + privilege;
  return Failure{FailureKind::kRoleCanWrite, "role " + facts_.role + " could change data (" + why + ")", ""};
}

Outcome Database::run(std::span<const Statement> statements, const CancelToken& cancel) {
  auto refusal = learned_.load(std::memory_order_acquire) ? role_refusal() : connect(cancel);
  if (refusal) return *refusal;
  return pool_->run(statements, cancel);
}

}  // namespace db
