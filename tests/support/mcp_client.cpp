#include "mcp_client.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace testing {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value)
    throw std::runtime_error(std::string(name) +
                             " is not set: run the tests through scripts/test.sh, which "
                             "starts the sandbox database");
  return value;
}

}  // namespace

std::string server_binary() {
  return env("FAM_SERVER_BINARY");
}
std::string ro_url() {
  return env("FAM_RO_URL");
}
std::string ro_password_file() {
  return env("FAM_RO_PASSWORD_FILE");
}
int sandbox_port() {
  return std::stoi(env("FAM_SANDBOX_PORT"));
}

std::string admin_url() {
  return env("FAM_ADMIN_URL");
}

json meta() {
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientCapabilities", json::object()},
          {"io.modelcontextprotocol/clientInfo", {{"name", "fam-tests"}, {"version", "1"}}}};
}

McpClient::McpClient(std::vector<std::string> args, bool bare) {
  std::vector<std::string> argv{server_binary()};
  static int serial = 0;
  analyst_ = "test-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
  if (!bare) {
    argv.insert(argv.end(), {"--database-url", ro_url(), "--database-password-file", ro_password_file(),
                             "--analyst", analyst_});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
    throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> raw;
  raw.reserve(argv.size() + 1);
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0)
    throw std::runtime_error("cannot start " + argv[0]);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  fcntl(err_, F_SETFL, O_NONBLOCK);
}

McpClient::~McpClient() {
  if (!status_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int fd : {in_, out_, err_})
    if (fd >= 0) close(fd);
}

void McpClient::send_line(const std::string& line) {
  std::string data = line + "\n";
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(in_, data.data() + done, data.size() - done);
    REQUIRE(n > 0);
    done += static_cast<std::size_t>(n);
  }
}

std::optional<std::string> McpClient::read_line(std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd fd{out_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    ssize_t n = read(out_, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

json McpClient::receive(std::chrono::seconds limit) {
  if (!pending_.empty()) {
    json first = pending_.front();
    pending_.erase(pending_.begin());
    return first;
  }
  auto line = read_line(limit);
  INFO("server stderr: " << stderr_text());
  REQUIRE(line.has_value());
  json message = json::parse(*line, nullptr, false);
  INFO("line: " << *line);
  REQUIRE_FALSE(message.is_discarded());
  return message;
}

json McpClient::response_to(const json& id) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if ((*it)["id"] == id) {
      json found = *it;
      pending_.erase(it);
      return found;
    }
  }
  for (;;) {
    auto line = read_line(std::chrono::seconds(60));
    INFO("waiting for id " << id.dump() << "; server stderr: " << stderr_text());
    REQUIRE(line.has_value());
    json message = json::parse(*line);
    if (message.contains("id") && message["id"] == id) return message;
    pending_.push_back(message);
  }
}

json McpClient::request(const json& id, const std::string& method, json params) {
  params["_meta"] = meta();
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  return response_to(id);
}

void McpClient::send_call(const json& id, const std::string& name, json arguments) {
  json params = {{"name", name}, {"arguments", std::move(arguments)}};
  params["_meta"] = meta();
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}});
}

json McpClient::call_tool(const std::string& name, json arguments) {
  json response = request(next_id_++, "tools/call", {{"name", name}, {"arguments", arguments}});
  INFO(response.dump());
  REQUIRE(response.contains("result"));
  return response["result"];
}

void McpClient::close_input() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

int McpClient::wait_exit(std::chrono::seconds limit) {
  if (!status_) {
    // A pidfd becomes readable when the process exits, so the wait is bounded without polling.
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    REQUIRE(pidfd >= 0);
    pollfd exited{pidfd, POLLIN, 0};
    int ready = poll(&exited, 1, static_cast<int>(std::chrono::milliseconds(limit).count()));
    close(pidfd);
    if (ready <= 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      status_ = -1;
      FAIL("the server did not exit within " << limit.count() << " s; stderr: " << stderr_text());
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return *status_;
}

long McpClient::peak_rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  return -1;
}

std::string McpClient::stderr_text() {
  char chunk[4096];
  ssize_t n;
  while ((n = read(err_, chunk, sizeof chunk)) > 0) stderr_.append(chunk, static_cast<std::size_t>(n));
  return stderr_;
}

void McpClient::send_signal(int signal) {
  REQUIRE(kill(pid_, signal) == 0);
}

std::string McpClient::stdout_text() {
  std::string text;
  while (auto line = read_line(std::chrono::seconds(60))) text += *line + "\n";
  INFO("stdout so far: " << text << buffer_);
  REQUIRE(buffer_.empty());  // a last line without a newline, or a hang past the safety net
  return text;
}

CommandRun run_command(const std::vector<std::string>& args, bool bare) {
  McpClient command(args, bare);
  command.close_input();
  CommandRun run;
  // A command prints once it has its whole answer; one larger than the pipe then waits for us to
  // read, so its peak memory can be read while it still runs.
  pollfd output{command.out_fd(), POLLIN, 0};
  if (poll(&output, 1, 60'000) == 1) run.peak_rss_kib = command.peak_rss_kib();
  run.out = command.stdout_text();
  run.exit_code = command.wait_exit();
  run.err = command.stderr_text();
  return run;
}

std::string doctor_line(const CommandRun& run, const std::string& check) {
  // Each line is "<status padded to 6><check padded to 17><detail>".
  std::size_t start = 0;
  for (std::size_t nl; (nl = run.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = run.out.substr(start, nl - start);
    if (line.size() > 6 && line.compare(6, check.size() + 1, check + " ") == 0) return line;
  }
  return "";
}

std::string doctor_status(const CommandRun& run, const std::string& check) {
  std::string line = doctor_line(run, check);
  return line.substr(0, line.find(' '));
}

bool McpClient::stdout_closed() {
  return pending_.empty() && !read_line(std::chrono::seconds(30)).has_value();
}

std::string admin_value(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(admin_url().c_str()), PQfinish);
  REQUIRE(PQstatus(conn.get()) == CONNECTION_OK);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), PQclear);
  INFO(PQerrorMessage(conn.get()));
  REQUIRE(
      (PQresultStatus(result.get()) == PGRES_TUPLES_OK || PQresultStatus(result.get()) == PGRES_COMMAND_OK));
  return PQntuples(result.get()) > 0 ? PQgetvalue(result.get(), 0, 0) : "";
}

bool through_pgbouncer() {
  const char* set = std::getenv("FAM_THROUGH_PGBOUNCER");
  return set != nullptr && std::string_view(set) == "1";
}

bool has_timescaledb() {
  return admin_value("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'") == "1";
}

bool admin_value_becomes(const std::string& sql, const std::string& expected, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (admin_value(sql) != expected) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    admin_value("SELECT pg_sleep(0.02)");  // the server's own pace between looks
  }
  return true;
}

std::string database_fingerprint() {
  // Row contents of every user table, plus the shape of the catalog and shared state.
  return admin_value(R"SQL(
    WITH tables AS (
      SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname IN ('tracksolid', 'reporting', 'internal', 'public'))
    SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
      SELECT name || ':' || (xpath('/row/c/text()',
               query_to_xml(format('SELECT md5(COALESCE(string_agg(t::text, '','' ORDER BY t::text), '''')) AS c FROM %s t', name),
                            false, true, '')))[1]::text AS x FROM tables
      UNION ALL SELECT 'rel:' || oid::regclass::text || relkind::text FROM pg_class WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace)
      UNION ALL SELECT 'fn:' || oid::regprocedure::text FROM pg_proc WHERE pronamespace <> 'pg_catalog'::regnamespace
      UNION ALL SELECT 'role:' || rolname || rolsuper::text || COALESCE(array_to_string(rolconfig, ','), '') FROM pg_roles
      UNION ALL SELECT 'lo:' || oid::text FROM pg_largeobject_metadata
      UNION ALL SELECT 'seq:' || last_value::text FROM pg_sequences
      UNION ALL SELECT 'db:' || datname || COALESCE(array_to_string(setconfig, ','), '') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
      UNION ALL SELECT 'ns:' || nspname FROM pg_namespace
    ) all_parts
  )SQL");
}

}  // namespace testing
