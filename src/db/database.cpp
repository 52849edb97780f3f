#include "db/connection.hpp"
#include "db/pool.hpp"

#include <cstdlib>
#include <string_view>
#include <type_traits>

namespace db {
namespace {

constexpr TrustedSql kEndBackends = "SELECT count(pg_terminate_backend(pid)) FROM unnest($1::int[]) AS pid";
// Terminating is asynchronous: a backend that got the signal may show here once more.
constexpr TrustedSql kStillRunning = "SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])";

template <class Items>
std::string joined(const Items& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    if constexpr (std::is_arithmetic_v<typename Items::value_type>)
      out += std::to_string(item);
    else
      out += item;
  }
  return out;
}

// Where the next connection goes: the settings' route, or none (the URL's own hosts).
fam::Result<std::optional<Route>> next_route(const Settings& settings) {
  if (!settings.route) return std::optional<Route>();
  return settings.route();
}

// Connects along the route, and tries once more if the failure changed the route: through a tunnel
// to several hosts, a host found unreachable only after libpq reached its socket (libpq then tries
// no other host) is left out of the next route, as libpq leaves out a host that refuses to connect.
fam::Result<std::unique_ptr<Session>> open_routed(const Settings& settings, const CancelToken& cancel) {
  auto route = next_route(settings);
  if (!route) return route.failure();
  auto opened = Connection::open(settings, *route, cancel);
  if (opened || !*route || cancel.cancelled() || opened.failure().kind != FailureKind::kUnreachable)
    return opened;
  auto again = next_route(settings);
  if (!again || !*again || (*again)->host == (*route)->host) return opened;
  return Connection::open(settings, *again, cancel);
}

}  // namespace

Database::Database(Settings settings) : settings_(std::move(settings)) {
  pool_ = std::make_unique<Pool>(
      [this](const CancelToken& cancel) { return open_routed(settings_, cancel); }, settings_.pool_size,
      [this](int pid) {
        if (settings_.warn)
          settings_.warn(
              "a statement did not stop when cancelled and may still run on the database (backend " +
              std::to_string(pid) + "); asking the database to end it");
      });
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
  return Failure{FailureKind::kRoleCanWrite,
                 "role " + facts_.role + " could change data (" + joined(facts_.write_privileges, "; ") + ")",
                 ""};
}

Outcome Database::run(std::span<const Statement> statements, const CancelToken& cancel) {
  auto refusal = learned_.load(std::memory_order_acquire) ? role_refusal() : connect(cancel);
  if (!refusal) refusal = settle_left_behind(cancel);
  if (refusal) return *refusal;
  return pool_->run(statements, cancel);
}

// Asks the database to end the statements given up on (a role may end its own backends), and
// refuses the call while too many of them still run.
std::optional<Failure> Database::settle_left_behind(const CancelToken& cancel) {
  std::vector<int> pids = pool_->left_behind();
  if (pids.empty()) return std::nullopt;
  const std::string array = "{" + joined(pids, ",") + "}";
  const Statement statements[] = {Statement::trusted(kEndBackends, {array}),
                                  Statement::trusted(kStillRunning, {array})};
  Outcome outcome = pool_->run(statements, cancel);
  if (!outcome) return outcome.failure();
  std::vector<int> running;
  const Table& table = outcome->tables[1];
  running.reserve(static_cast<std::size_t>(table.row_count()));
  for (int row = 0; row < table.row_count(); ++row)
    running.push_back(std::atoi(std::string(table.value(row, 0).value_or("0")).c_str()));
  pool_->forget_ended(pids, running);
  if (running.size() < settings_.max_left_behind) return std::nullopt;
  return Failure{
      FailureKind::kLeftBehind,
      std::to_string(running.size()) +
          " statements this server gave up on still run on the database after cancel and terminate "
          "(backends " +
          joined(running, ", ") +
          "), each holding a connection and a CPU; new calls wait until they end. Ask the database's "
          "administrator to end them",
      ""};
}

}  // namespace db
