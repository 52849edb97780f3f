// Connections: opening one (without blocking past a deadline or a cancel), and what they send.
#include "db/connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace db {
namespace {

// A non-blocking, close-on-exec pipe: one system call on Linux (a token is made per call), else
// with calls macOS has too. The server starts no child processes, so the moment before FD_CLOEXEC
// is set cannot leak the ends into one.
bool open_pipe(int (&ends)[2]) {
#ifdef __linux__
  return pipe2(ends, O_CLOEXEC | O_NONBLOCK) == 0;
#else
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
#endif
}

Failure unreachable(const Settings& settings, std::string why) {
  if (std::string route = settings.explain_unreachable ? settings.explain_unreachable() : ""; !route.empty())
    why += "; " + route;
  return Failure{FailureKind::kUnreachable, "cannot connect to the database: " + why, ""};
}

// Waits (once) for `conn`'s socket to be ready for `events`; fails when the call is cancelled or
// the connect deadline passes.
std::optional<Failure> await_socket(PGconn* conn, short events, Clock::time_point deadline,
                                    const Settings& settings, const CancelToken& cancel) {
  pollfd fds[2] = {{PQsocket(conn), events, 0}, {cancel.wait_fd(), POLLIN, 0}};
  int ready = poll(fds, 2, millis_until(deadline));
  if (ready < 0 && errno == EINTR) return std::nullopt;  // the caller looks again
  if (fds[1].revents) return Failure{FailureKind::kCancelled, "the call was cancelled while connecting", ""};
  if (ready == 0)
    return unreachable(settings,
                       "no answer within " + std::to_string(settings.connect_timeout.count()) + " s");
  return std::nullopt;
}

// Drives libpq's non-blocking connect until it is done, the deadline passes or the call is cancelled.
std::optional<Failure> finish_connecting(PGconn* conn, const Settings& settings, const CancelToken& cancel) {
  const auto deadline = Clock::now() + settings.connect_timeout;
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  for (;;) {
    if (status == PGRES_POLLING_OK) return std::nullopt;
    if (status == PGRES_POLLING_FAILED || PQstatus(conn) == CONNECTION_BAD)
      return unreachable(settings, first_line(PQerrorMessage(conn)));
    const short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (auto failure = await_socket(conn, events, deadline, settings, cancel)) return failure;
    status = PQconnectPoll(conn);
  }
}

// The one value of `sql`'s result on a new connection, asked within the connect deadline; nullopt
// when the connection failed (its error says why) or the value is NULL.
fam::Result<std::optional<std::string>> ask_value(PGconn* conn, const std::string& sql,
                                                  const Settings& settings, const CancelToken& cancel) {
  const auto deadline = Clock::now() + settings.connect_timeout;
  if (PQsendQuery(conn, sql.c_str()) != 1) return unreachable(settings, first_line(PQerrorMessage(conn)));
  std::optional<std::string> value;
  for (;;) {
    const int pending = PQflush(conn);
    if (pending < 0) return unreachable(settings, first_line(PQerrorMessage(conn)));
    while (!pending && !PQisBusy(conn)) {
      ResultPtr result(PQgetResult(conn));
      if (!result) return value;
      if (PQresultStatus(result.get()) == PGRES_TUPLES_OK && PQntuples(result.get()) == 1 &&
          !PQgetisnull(result.get(), 0, 0))
        value = PQgetvalue(result.get(), 0, 0);
    }
    const short events = static_cast<short>(POLLIN | (pending ? POLLOUT : 0));
    if (auto failure = await_socket(conn, events, deadline, settings, cancel)) return *failure;
    if (PQconsumeInput(conn) != 1) return unreachable(settings, first_line(PQerrorMessage(conn)));
  }
}

// Connects with the URL, our keywords and, unless `options` is null, the startup options.
fam::Result<std::unique_ptr<PGconn, ConnDeleter>> connect_with(const Settings& settings,
                                                               const std::optional<Route>& route,
                                                               const char* options,
                                                               const CancelToken& cancel) {
  // The URI comes first so that the keywords after it (ours) override what it says.
  std::vector<const char*> keys{"dbname", "application_name", "keepalives_idle", "keepalives_interval",
                                "keepalives_count"};
  std::vector<const char*> vals{settings.conninfo.c_str(), settings.application_name.c_str(), "30", "10",
                                "3"};
  if (settings.password) {
    keys.push_back("password");
    vals.push_back(settings.password->c_str());
  }
  if (route) {
    keys.insert(keys.end(), {"host", "port"});
    vals.insert(vals.end(), {route->host.c_str(), route->port.c_str()});
  }
  if (options) {
    keys.push_back("options");
    vals.push_back(options);
  }
  keys.push_back(nullptr);
  vals.push_back(nullptr);
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectStartParams(keys.data(), vals.data(), 1));
  if (!conn) return unreachable(settings, "out of memory");
  if (auto failure = finish_connecting(conn.get(), settings, cancel)) return *failure;
  PQsetnonblocking(conn.get(), 1);
  return conn;
}

bool is_tcp(int socket) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) != 0) return false;
  return address.ss_family == AF_INET || address.ss_family == AF_INET6;
}

}  // namespace

std::string first_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  auto newline = text.find('\n');
  return std::string(text.substr(0, newline));
}

CancelToken::CancelToken() {
  if (!open_pipe(pipe_)) throw std::system_error(errno, std::generic_category(), "cannot make a cancel pipe");
}

CancelToken::~CancelToken() {
  for (int fd : pipe_) close(fd);
}

void CancelToken::cancel() {
  cancelled_.store(true, std::memory_order_release);
  char byte = 1;
  // One byte is enough: the read end stays readable; a full pipe means it already is.
  [[maybe_unused]] auto written = write(pipe_[1], &byte, 1);
}

Statement Statement::trusted(TrustedSql sql, std::vector<std::string> params) {
  return Statement(std::string(sql.text()), std::move(params), std::nullopt, std::nullopt);
}

Statement Statement::guarded(const guard::GuardedSql& sql, RowBudget budget) {
  bool cursor = sql.kind() == guard::StatementKind::kQuery;
  return Statement(sql.text(), {}, cursor ? std::optional<long>(budget.rows) : std::nullopt, budget);
}

Statement Statement::streamed(const guard::GuardedSql& sql, RowSink& sink, long max_rows) {
  return Statement(sql.text(), {}, max_rows, std::nullopt, &sink);
}

Statement Statement::gate(GateCheck check) {
  Statement gate("", {}, std::nullopt, std::nullopt);
  gate.gate_ = std::move(check);
  return gate;
}

Statement Statement::plan_of(const guard::GuardedSql& sql) {
  constexpr std::string_view kExplain = "EXPLAIN (FORMAT JSON) ";
  Statement plan(std::string(kExplain) + sql.text(), {}, std::nullopt, std::nullopt);
  plan.position_offset_ = static_cast<int>(kExplain.size());
  return plan;
}

Table::Table(pg_result* result) : result_(result, PQclear) {}

Table Table::make(const std::vector<Column>& columns,
                  const std::vector<std::vector<std::optional<std::string>>>& rows) {
  Table table(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK));
  std::vector<PGresAttDesc> attributes;
  attributes.reserve(columns.size());
  for (const Column& column : columns)
    attributes.push_back(PGresAttDesc{const_cast<char*>(column.name.c_str()), 0, 0, 0, column.type, -1, -1});
  PQsetResultAttrs(table.result_.get(), static_cast<int>(attributes.size()), attributes.data());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const auto& value = rows[r][c];
      PQsetvalue(table.result_.get(), static_cast<int>(r), static_cast<int>(c),
                 value ? const_cast<char*>(value->c_str()) : nullptr,
                 value ? static_cast<int>(value->size()) : -1);
    }
  }
  return table;
}

int Table::row_count() const {
  return extras_ ? extras_->rows : PQntuples(result_.get());
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

std::optional<std::size_t> Table::omitted_size(int row, int column) const {
  if (!extras_) return std::nullopt;
  // Recorded in (row, column) order as the rows arrived.
  auto found = std::lower_bound(extras_->omitted.begin(), extras_->omitted.end(), std::pair(row, column),
                                [](const auto& entry, const auto& at) { return entry.first < at; });
  if (found == extras_->omitted.end() || found->first != std::pair(row, column)) return std::nullopt;
  return found->second;
}

std::optional<std::string_view> Table::value(int row, int column) const {
  if (extras_) {
    const auto cell = static_cast<std::size_t>(row) * static_cast<std::size_t>(column_count()) +
                      static_cast<std::size_t>(column);
    if (extras_->nulls[cell]) return std::nullopt;
    const std::size_t start = cell ? extras_->ends[cell - 1] : 0;
    return std::string_view(extras_->text).substr(start, extras_->ends[cell] - start);
  }
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

namespace {

// The URL's settings, with the ports as written: a multi-host URL lists them ("5432,5433").
struct Parsed {
  Endpoint endpoint{"localhost", 5432, "", ""};
  std::string ports = "5432";
  std::string options;   // startup options the URL itself gives, e.g. "-c search_path=reporting"
  bool service = false;  // it names a service (pg_service.conf), which may give options too
};

fam::Result<Parsed> parse_conninfo(const std::string& conninfo) {
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &parse_error), PQconninfoFree);
  if (!options) {
    Failure failure{
        FailureKind::kInvalid,
        "cannot read the database URL: " + first_line(parse_error ? parse_error : "out of memory"), ""};
    PQfreemem(parse_error);
    return failure;
  }
  Parsed parsed;
  for (auto* o = options.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string_view key = o->keyword;
    if (key == "host") parsed.endpoint.host = o->val;
    if (key == "port") parsed.ports = o->val;
    if (key == "user") parsed.endpoint.user = o->val;
    if (key == "dbname") parsed.endpoint.dbname = o->val;
    if (key == "options") parsed.options = o->val;
    if (key == "service") parsed.service = true;
  }
  parsed.endpoint.port = std::atoi(parsed.ports.c_str());
  return parsed;
}

// libpq's comma-separated lists of hosts and of ports; "a,,b" has an empty (default) middle entry.
std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items(1);
  for (char c : list) {
    if (c == ',')
      items.emplace_back();
    else
      items.back() += c;
  }
  return items;
}

// One Endpoint per host, with its port (one port given applies to every host, as in libpq); empty
// when a host is not a TCP host or the lists do not match.
std::vector<Endpoint> tcp_hosts(const Parsed& parsed) {
  std::vector<std::string> hosts = split_list(parsed.endpoint.host);
  std::vector<std::string> ports = split_list(parsed.ports);
  if (ports.size() != 1 && ports.size() != hosts.size()) return {};
  std::vector<Endpoint> endpoints;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    Endpoint endpoint = parsed.endpoint;
    endpoint.host = hosts[i];
    const std::string& port = ports[ports.size() == 1 ? 0 : i];
    endpoint.port = port.empty() ? 5432 : std::atoi(port.c_str());
    if (endpoint.host.empty() || endpoint.host.front() == '/' || endpoint.port <= 0) return {};
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

// The startup options to connect with: the call settings after any the URL or PGOPTIONS gives
// (which ours would otherwise replace, and then win over). None when a service is named: libpq
// takes its options from pg_service.conf only when the connection sends none.
std::optional<std::string> options_to_send(const Settings& settings) {
  auto parsed = parse_conninfo(settings.conninfo);
  if ((parsed && parsed->service) || std::getenv("PGSERVICE")) return std::nullopt;
  const char* environment = std::getenv("PGOPTIONS");
  std::string own = parsed && !parsed->options.empty() ? parsed->options : environment ? environment : "";
  if (!own.empty()) own += ' ';
  return own + startup_options({settings.statement_timeout, settings.application_name});
}

// A pooler that passes no startup options on may refuse them (PgBouncer: "unsupported startup
// parameter: options", or "… in options: statement_timeout"); then the connection is made without.
bool refused_options(const Failure& failure) {
  return failure.message.find("startup parameter") != std::string::npos ||
         failure.message.find("options") != std::string::npos;
}

}  // namespace

fam::Result<Endpoint> read_endpoint(const std::string& conninfo) {
  auto parsed = parse_conninfo(conninfo);
  if (!parsed) return parsed.failure();
  return parsed->endpoint;
}

fam::Result<std::vector<Endpoint>> tcp_endpoints(const std::string& conninfo) {
  auto parsed = parse_conninfo(conninfo);
  if (!parsed) return parsed.failure();
  std::vector<Endpoint> endpoints = tcp_hosts(*parsed);
  if (endpoints.empty()) {
    return Failure{FailureKind::kInvalid,
                   "the database URL must name TCP hosts and ports as the SSH host sees them, e.g. "
                   "postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db (or, standby first, "
                   "postgresql://analytics_ro@standby:5432,primary:5432/"
                   "tracksolid_db?target_session_attrs=prefer-standby)",
                   ""};
  }
  return endpoints;
}

Connection::Connection(PGconn* conn, const Settings& settings, bool settings_in_session)
    : conn_(conn),
      canceller_(PQgetCancel(conn)),
      statement_timeout_(settings.statement_timeout),
      application_name_(settings.application_name),
      settings_in_session_(settings_in_session),
      tcp_(is_tcp(PQsocket(conn))),
      explain_(settings.explain_unreachable) {}

fam::Result<std::unique_ptr<Session>> Connection::open(const Settings& settings,
                                                       const std::optional<Route>& route,
                                                       const CancelToken& cancel) {
  // The settings as the session's own, where the way to the server keeps them: the marker says so.
  const std::optional<std::string> options = options_to_send(settings);
  auto conn = connect_with(settings, route, options ? options->c_str() : nullptr, cancel);
  if (!conn && options && refused_options(conn.failure()))
    conn = connect_with(settings, route, nullptr, cancel);
  if (!conn) return conn.failure();
  auto marker = ask_value(conn->get(), startup_marker_query(), settings, cancel);
  if (!marker) return marker.failure();
  auto connection =
      std::unique_ptr<Connection>(new Connection(conn->release(), settings, *marker == std::string("on")));
  // Instead of libpq's default, which prints every NOTICE on our stderr, where nobody reads it.
  PQsetNoticeReceiver(connection->conn_.get(), &Connection::receive_notice, connection.get());
  return std::unique_ptr<Session>(std::move(connection));
}

bool Connection::reusable() const {
  if (broken_ || PQstatus(conn_.get()) != CONNECTION_OK) return false;
  return close_owed_ || (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE &&
                         PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF);
}

bool Connection::send(const Step& step) {
  if (step.kind == Step::Kind::kSync) return PQpipelineSync(conn_.get()) == 1;
  std::vector<const char*> values;
  values.reserve(step.params.size());
  for (const auto& p : step.params) values.push_back(p.c_str());
  return PQsendQueryParams(conn_.get(), step.sql.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0) == 1;
}

void Connection::receive_notice(void* connection, const PGresult* notice) {
  auto* self = static_cast<Connection*>(connection);
  if (self->notices_.size() >= kMaxNotices) {
    ++self->notices_left_out_;
    return;
  }
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY);
  const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  std::string text = std::string(severity ? severity : "NOTICE") + ": " + (message ? message : "");
  if (text.size() > kMaxNoticeBytes) text = text.substr(0, kMaxNoticeBytes) + "…";
  self->notices_.push_back(std::move(text));
}

Failure Connection::lost(std::string_view what) {
  broken_ = true;
  std::string why = std::string(what) + ": " + first_line(PQerrorMessage(conn_.get()));
  if (std::string route = explain_ ? explain_() : ""; !route.empty()) why += "; " + route;
  return Failure{FailureKind::kLost, why + " (the connection was dropped; the next call reconnects)", ""};
}

}  // namespace db
