// fam_load: many analysts at once. N server processes (analysts), each keeping K calls in flight
// with a mix of tools for a while, through their own SSH tunnels to one throwaway sshd (--ssh) and
// to whatever --database-url names (PgBouncer in tests/bench/scripts/load.sh). Prints calls, failures,
// calls/s and latency percentiles, the most connections the role held on the database while it ran,
// the most sockets one server held once its calls were answered, and what was left behind
// afterwards; exits 1 on any failed call, unclean exit, leftover, or a server holding more sockets
// than its pool and tunnel need (a leak).
//
//   fam_load [--servers 20] [--in-flight 8] [--seconds 60] [--ssh] [--server PATH]
//            [--database-url URL] [--database-password-file FILE]
//
// The database comes from FAM_RO_URL / FAM_RO_PASSWORD_FILE unless given; FAM_ADMIN_URL (a superuser
// connection, as `scripts/pg_sandbox.sh env` prints it) reads pg_stat_activity.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "direct_pg.hpp"
#include "mcp_server.hpp"
#include "ssh_rig.hpp"

namespace {

using namespace bench;

constexpr auto kCallLimit = std::chrono::seconds(60);

struct Options {
  std::string server = FAM_SERVER_BINARY;
  std::string database_url;
  std::string password_file;
  int servers = 20;
  int in_flight = 8;
  int seconds = 60;
  bool ssh = false;
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  options.database_url = env_or_empty("FAM_RO_URL");
  options.password_file = env_or_empty("FAM_RO_PASSWORD_FILE");
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--ssh")
      options.ssh = true;
    else if (arg == "--servers" && has_value)
      options.servers = std::atoi(argv[++i]);
    else if (arg == "--in-flight" && has_value)
      options.in_flight = std::atoi(argv[++i]);
    else if (arg == "--seconds" && has_value)
      options.seconds = std::atoi(argv[++i]);
    else if (arg == "--server" && has_value)
      options.server = argv[++i];
    else if (arg == "--database-url" && has_value)
      options.database_url = argv[++i];
    else if (arg == "--database-password-file" && has_value)
      options.password_file = argv[++i];
    else
      return std::nullopt;
  }
  if (options.servers < 1 || options.in_flight < 1 || options.seconds < 1 || options.database_url.empty())
    return std::nullopt;
  return options;
}

// What analysts ask, in turn: a trivial query, an aggregate, and two catalog tools.
std::vector<ToolRequest> mix() {
  return {QueryRequest("SELECT 1", 1),
          QueryRequest("SELECT imei, count(*), max(speed_kmh) FROM tracksolid.positions GROUP BY imei", 100),
          ToolRequest("list_tables", R"({"schema": "tracksolid"})"),
          ToolRequest("describe_table", R"({"schema": "tracksolid", "table": "positions"})")};
}

// Sockets the process holds now: the entries of /proc/PID/fd that are sockets (-1: no /proc).
int open_sockets(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fd", error);
  if (error) return -1;
  int count = 0;
  for (const auto& fd : fds) {
    std::error_code unreadable;  // closed since it was listed
    if (std::filesystem::read_symlink(fd.path(), unreadable).string().starts_with("socket:")) ++count;
  }
  return count;
}

// The most sockets a server may hold once every call is answered. Each pooled database connection
// is one socket (libpq's); through the tunnel it is two, since the tunnel's end of the local Unix
// socket lives in the same process; the tunnel adds its listening socket and the SSH connection.
// Cancel requests and the connections of calls that failed are closed by then, and stdio are
// pipes, so anything above this is a socket the server lost track of.
int socket_bound(int pool_size, bool ssh) {
  return ssh ? 2 * pool_size + 2 : pool_size;
}

struct Tally {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  long failed = 0;
  std::vector<std::string> failures;  // the first few, to show
  int unclean_exits = 0;
  int most_sockets = -1;  // one server's, just before it was asked to exit; -1: not counted

  void add(double ms, std::string_view response) {
    std::lock_guard lock(mutex);
    latencies_ms.push_back(ms);
    if (response.find(R"("isError":false)") != std::string_view::npos) return;
    ++failed;
    if (failures.size() < 5) failures.emplace_back(response.substr(0, 400));
  }
};

long id_of(std::string_view response) {
  auto at = response.find(R"("id":)");
  return at == std::string_view::npos ? -1 : std::atol(response.data() + at + 5);
}

// One analyst: keeps `in_flight` calls outstanding until `until`, then waits for the last answers.
void analyst(const ServerOptions& server_options, int in_flight, Clock::time_point until, Tally& tally) {
  const std::vector<ToolRequest> requests = mix();
  McpServer server(server_options);
  std::map<long, Clock::time_point> sent;
  std::size_t next = 0;
  auto send_one = [&] { sent[server.send(requests[next++ % requests.size()])] = Clock::now(); };
  for (int i = 0; i < in_flight; ++i) send_one();
  while (!sent.empty()) {
    Line response = server.next_response(kCallLimit);
    auto found = sent.find(id_of(response.text));
    if (found == sent.end()) continue;  // a notification
    tally.add(std::chrono::duration<double, std::milli>(Clock::now() - found->second).count(), response.text);
    sent.erase(found);
    if (Clock::now() < until) send_one();
  }
  int sockets = open_sockets(server.pid());
  {
    std::lock_guard lock(tally.mutex);
    tally.most_sockets = std::max(tally.most_sockets, sockets);
  }
  ExitReport exit = server.stop();
  if (exit.status != 0 || exit.killed) {
    std::lock_guard lock(tally.mutex);
    ++tally.unclean_exits;
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

// The role's connections on the database, sampled while the analysts work: the most seen.
class ConnectionSampler {
 public:
  explicit ConnectionSampler(const std::string& admin_url) {
    if (admin_url.empty()) return;
    thread_ = std::thread([this, admin_url] {
      PgConn conn = connect({admin_url, ""});
      while (!stop_) {
        int now = std::atoi(
            single_value(conn.get(), "SELECT count(*) FROM pg_stat_activity WHERE usename = 'analytics_ro'")
                .c_str());
        most_ = std::max(most_.load(), now);
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_.load(); });
      }
    });
  }
  ~ConnectionSampler() { stop(); }
  int stop() {
    stop_ = true;
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    return most_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> most_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

int run(const Options& options) {
  std::optional<SshRig> rig;
  ServerOptions server_options{
      options.server, options.database_url, options.password_file, options.in_flight, {}};
  if (options.ssh) {
    if (std::string missing = missing_openssh(); !missing.empty()) throw std::runtime_error(missing);
    rig.emplace();
    server_options.extra_args = rig->tunnel_arguments();
  }
  const std::string admin_url = env_or_empty("FAM_ADMIN_URL");
  std::cout << "fam_load: " << options.servers << " servers x " << options.in_flight
            << " calls in flight for " << options.seconds << " s, "
            << (rig ? "each through its own tunnel to " + rig->describe() : "direct") << ", to "
            << options.database_url << "\n";
  Tally tally;
  ConnectionSampler sampler(admin_url);
  const auto start = Clock::now();
  const auto until = start + std::chrono::seconds(options.seconds);
  std::vector<std::thread> analysts;
  analysts.reserve(static_cast<std::size_t>(options.servers));
  for (int i = 0; i < options.servers; ++i)
    analysts.emplace_back([&] {
      try {
        analyst(server_options, options.in_flight, until, tally);
      } catch (const std::exception& e) {
        std::lock_guard lock(tally.mutex);
        ++tally.unclean_exits;
        tally.failures.emplace_back(e.what());
      }
    });
  for (auto& thread : analysts) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const int most_connections = sampler.stop();

  std::string left = "unknown (no FAM_ADMIN_URL)";
  if (!admin_url.empty()) {
    PgConn admin = connect({admin_url, ""});
    left = single_value(
        admin.get(),
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'analytics_ro' AND state <> 'idle'");
  }
  const long calls = static_cast<long>(tally.latencies_ms.size());
  const int bound = socket_bound(server_options.pool_size, rig.has_value());
  std::cout << "calls " << calls << ", failed " << tally.failed << ", " << static_cast<long>(calls / elapsed)
            << " calls/s\n"
            << "latency p50 " << percentile(tally.latencies_ms, 0.5) << " ms, p99 "
            << percentile(tally.latencies_ms, 0.99) << " ms, max " << percentile(tally.latencies_ms, 1.0)
            << " ms\n"
            << "most connections of analytics_ro on the database during the run: " << most_connections << "\n"
            << "left on the database afterwards (not idle): " << left << "\n"
            << "servers that did not exit cleanly: " << tally.unclean_exits << "\n"
            << "most sockets one server held before exiting: "
            << (tally.most_sockets < 0 ? std::string("unknown (no /proc)")
                                       : std::to_string(tally.most_sockets))
            << " (at most " << bound << ": pool of " << options.in_flight
            << (rig ? ", each connection twice through the tunnel, its listener and the SSH connection)"
                    : ")")
            << "\n";
  for (const std::string& failure : tally.failures) std::cout << "  failure: " << failure << "\n";
  const bool clean = tally.failed == 0 && tally.unclean_exits == 0 && (left == "0" || admin_url.empty()) &&
                     tally.most_sockets <= bound;
  std::cout << (clean ? "fam_load: passed" : "fam_load: FAILED") << "\n";
  return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse(argc, argv);
  if (!options) {
    std::cerr << "usage: fam_load [--servers N] [--in-flight K] [--seconds S] [--ssh] [--server PATH] "
                 "[--database-url URL] [--database-password-file FILE]\n";
    return 2;
  }
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::cerr << "fam_load: " << e.what() << "\n";
    return 1;
  }
}
