#include "db/connection.hpp"

#include <poll.h>

#include <cerrno>
#include <string>

namespace db {
namespace {

// Every call runs with these settings. SET LOCAL (set_config(..., true)) so that nothing outlives
// the transaction, and so that it works behind PgBouncer in transaction mode (no startup params).
constexpr const char* kSetLocal =
    "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true),"
    " set_config('idle_in_transaction_session_timeout', $3, true), set_config('TimeZone', 'UTC', true),"
    " set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'iso_8601', true),"
    " set_config('extra_float_digits', '1', true), set_config('bytea_output', 'hex', true)";

// A query blocked on a lock is almost always behind a migration; fail fast and say so.
constexpr std::chrono::milliseconds kLockTimeout{5000};
std::string cursor_name(std::size_t index) {
  return "fam_cursor_" + std::to_string(index);
}

std::string first_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  auto newline = text.find('\n');
  return std::string(text.substr(0, newline));
}

std::string millis(std::chrono::milliseconds ms) {
  return std::to_string(ms.count());
}

}  // namespace

std::string cursor_prefix(std::size_t index) {
  return "DECLARE " + cursor_name(index) + " NO SCROLL CURSOR FOR ";
}

std::optional<Endpoint> read_endpoint(const std::string& conninfo, std::string& error) {
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &parse_error), PQconninfoFree);
  if (!options) {
    error = "cannot read --database-url: " + first_line(parse_error ? parse_error : "out of memory");
    PQfreemem(parse_error);
    return std::nullopt;
  }
  Endpoint endpoint{"localhost", 5432, "", ""};
  for (auto* o = options.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string_view key = o->keyword;
    if (key == "host") endpoint.host = o->val;
    if (key == "port") endpoint.port = std::atoi(o->val);
    if (key == "user") endpoint.user = o->val;
    if (key == "dbname") endpoint.dbname = o->val;
  }
  return endpoint;
}

std::optional<Endpoint> tcp_endpoint(const std::string& conninfo, std::string& error) {
  auto endpoint = read_endpoint(conninfo, error);
  if (endpoint && (endpoint->host.front() == '/' || endpoint->host.find(',') != std::string::npos ||
                   endpoint->port <= 0)) {
    error =
        "--database-url must name one TCP host and port as the SSH host sees them, e.g. "
        "postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db";
    return std::nullopt;
  }
  return endpoint;
}

Connection::Connection(PGconn* conn, std::chrono::seconds statement_timeout)
    : conn_(conn), canceller_(PQgetCancel(conn)), statement_timeout_(statement_timeout) {}

std::unique_ptr<Connection> Connection::open(const Settings& settings, std::optional<Failure>& failure) {
  // The URI comes first so that the keywords after it (ours) override what it says.
  std::vector<const char*> keys{"dbname",          "application_name",    "connect_timeout",
                                "keepalives_idle", "keepalives_interval", "keepalives_count"};
  std::vector<const char*> vals{
      settings.conninfo.c_str(), settings.application_name.c_str(), "10", "30", "10", "3"};
  auto add = [&](const char* key, const std::optional<std::string>& value) {
    if (!value) return;
    keys.push_back(key);
    vals.push_back(value->c_str());
  };
  add("password", settings.password);
  add("host", settings.host_override);
  add("port", settings.port_override);
  keys.push_back(nullptr);
  vals.push_back(nullptr);
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdbParams(keys.data(), vals.data(), 1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string why = conn ? first_line(PQerrorMessage(conn.get())) : "out of memory";
    if (std::string route = settings.explain_unreachable ? settings.explain_unreachable() : "";
        !route.empty())
      why += "; " + route;
    failure = Failure{FailureKind::kConnection, "",
                      "cannot connect to the database: " + why +
                          " (check --database-url, the password, and that the database or SSH tunnel is "
                          "reachable; `fleet-analytics-mcp doctor` checks each step)"};
    return nullptr;
  }
  PQsetnonblocking(conn.get(), 1);
  auto connection = std::unique_ptr<Connection>(new Connection(conn.release(), settings.statement_timeout));
  connection->explain_ = settings.explain_unreachable;
  return connection;
}

bool Connection::reusable() const {
  return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK &&
         PQtransactionStatus(conn_.get()) == PQTRANS_IDLE && PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF;
}

bool Connection::send(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  return PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                           nullptr, nullptr, 0) == 1;
}

void Connection::send_call(std::span<const Statement> statements) {
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(statement_timeout_);
  broken_ = PQenterPipelineMode(conn_.get()) != 1 || !send("BEGIN READ ONLY") ||
            !send(kSetLocal, {millis(timeout), millis(std::min(timeout, kLockTimeout)),
                              millis(timeout + std::chrono::milliseconds(kGrace) * 2)});
  for (std::size_t i = 0; i < statements.size() && !broken_; ++i) {
    const Statement& s = statements[i];
    if (s.fetch_limit) {
      broken_ = !send(cursor_prefix(i) + s.sql, s.params) ||
                !send("FETCH FORWARD " + std::to_string(*s.fetch_limit) + " FROM " + cursor_name(i));
    } else {
      broken_ = !send(s.sql, s.params);
    }
  }
  // ROLLBACK in a segment of its own runs even when the first segment failed; DISCARD ALL alone in
  // the last drops whatever a statement left in the session (prepared statements, advisory locks).
  broken_ = broken_ || PQpipelineSync(conn_.get()) != 1 || !send("ROLLBACK") ||
            PQpipelineSync(conn_.get()) != 1 || !send("DISCARD ALL") || PQpipelineSync(conn_.get()) != 1;
}

Failure Connection::connection_failure(std::string_view what) const {
  std::string why = std::string(what) + ": " + first_line(PQerrorMessage(conn_.get()));
  if (std::string route = explain_ ? explain_() : ""; !route.empty()) why += "; " + route;
  return Failure{FailureKind::kConnection, "",
                 why + " (the connection was dropped; the next call reconnects)"};
}

}  // namespace db
