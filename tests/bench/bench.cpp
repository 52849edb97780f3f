// fam_bench: how fleet-analytics-mcp, driven over stdio as a client drives it, compares with the
// same work done directly with libpq, in the same run on the same database; and how it compares
// through its own SSH tunnel with the same binary reaching the database through OpenSSH's `ssh -L`.
//
//   scripts/pg_sandbox.sh start /tmp/fam-bench-pg 55462
//   scripts/pg_sandbox.sh load /tmp/fam-bench-pg --scale demo
//   eval "$(scripts/pg_sandbox.sh env /tmp/fam-bench-pg)"
//   build-bench/tests/bench/fam_bench [--quick] [--no-tunnel] [--server PATH] [--database-url URL]
//                                     [--database-password-file FILE]
//   scripts/pg_sandbox.sh stop /tmp/fam-bench-pg
//
// The database comes from FAM_RO_URL and FAM_RO_PASSWORD_FILE unless given as options. Prints a
// table (metric | ours | direct libpq | ratio | target | verdict) to stdout; in the rows of (6) to
// (8) the yardstick column holds the figure through `ssh -L` instead. Exits 0 when it could measure
// (whether or not targets were met), 1 when a measurement failed, 2 on bad usage.
//
// The SSH figures (6) to (8) need OpenSSH (/usr/sbin/sshd, /usr/bin/ssh, /usr/bin/ssh-keygen) and a
// database URL with a TCP host; without either, or with --no-tunnel, they are skipped with a note.
// For them fam_bench starts a throwaway sshd of its own on a free 127.0.0.1 port (fresh ed25519 host
// and client keys in a /tmp/fam-bench-ssh-* dir, login as the current user; as root it creates
// /run/sshd if needed) and `ssh -N -L` processes through it. All of that is killed and removed when
// fam_bench ends, however it ends (ssh_rig.hpp). sshd forwards to the host and port of the database
// URL, as the server's --ssh-host does. SSH_AUTH_SOCK is ignored, so that both our tunnel and
// `ssh -L` log in with the throwaway key alone.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "scenarios.hpp"
#include "watchdog.hpp"

namespace {

using namespace bench;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr auto kPhaseLimit = std::chrono::minutes(5);  // the slowest phase takes well under a minute
constexpr long kWideRows = 10'000;
constexpr long kMillions = 1'000'000;

struct Options {
  std::string server = FAM_SERVER_BINARY;
  std::string database_url;
  std::string password_file;
  bool quick = false;
  bool tunnel = true;  // measure (6) to (8) when OpenSSH is there
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::optional<Options> parse(int argc, char** argv) {
  Options options{FAM_SERVER_BINARY, env_or_empty("FAM_RO_URL"), env_or_empty("FAM_RO_PASSWORD_FILE"), false,
                  true};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--quick")
      options.quick = true;
    else if (arg == "--no-tunnel")
      options.tunnel = false;
    else if (arg == "--server" && has_value)
      options.server = argv[++i];
    else if (arg == "--database-url" && has_value)
      options.database_url = argv[++i];
    else if (arg == "--database-password-file" && has_value)
      options.password_file = argv[++i];
    else
      return std::nullopt;
  }
  return options;
}

std::string read_password(const std::string& path) {
  std::ifstream file(path);
  std::string password;
  if (!file || !std::getline(file, password))
    throw std::runtime_error("cannot read the password file " + path);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

// Why the SSH figures cannot be taken, or "" when they can (then `target` is where sshd forwards to).
std::string ssh_skipped(const Options& options, Endpoint& target) {
  if (!options.tunnel) return "--no-tunnel";
  if (std::string missing = missing_openssh(); !missing.empty()) return missing;
  std::optional<Endpoint> endpoint = tcp_endpoint(options.database_url);
  if (!endpoint) return "the database URL names no single TCP host and port for sshd to forward to";
  target = *endpoint;
  return "";
}

// Row counts decide the SQL: the real positions table when it is big enough, generated rows otherwise.
Setup plan(const Options& options) {
  Setup setup;
  setup.server = {options.server, options.database_url, options.password_file, 0, {}};
  setup.database = {options.database_url, read_password(options.password_file)};
  setup.quick = options.quick;
  setup.ssh_skipped = ssh_skipped(options, setup.ssh_target);
  PgConn conn = connect(setup.database);
  long positions =
      std::stol(single_value(conn.get(), "SELECT count(*) FROM (SELECT FROM tracksolid.positions LIMIT " +
                                             std::to_string(kMillions) + ") p"));
  setup.wide_sql =
      positions >= kWideRows
          ? "SELECT imei, gps_time, geom, speed_kmh, heading, ignition, odometer_km, raw FROM "
            "tracksolid.positions "
            "LIMIT 10000"
          : "SELECT g AS id, now() - g * interval '1 minute' AS ts, ST_MakePoint(36.8 + g/1e5, "
            "-1.29)::geometry AS "
            "geom, (g % 120)::real AS speed, (g % 360)::smallint AS heading, g % 2 = 0 AS ignition, "
            "(g * 1.5)::numeric(12,3) AS odo, md5(g::text) AS note FROM generate_series(1, 10000) g";
  setup.millions_sql = positions >= kMillions ? "SELECT * FROM tracksolid.positions"
                                              : "SELECT g, md5(g::text) FROM generate_series(1, 3000000) g";
  return setup;
}

void print_header(const Setup& setup, const std::optional<SshRig>& rig) {
  std::cout << "fam_bench" << (setup.quick ? " --quick" : "") << ": " << setup.server.binary << "\n"
            << "  database " << setup.database.url << ", " << std::thread::hardware_concurrency()
            << " cores\n"
            << "  (2, 6) " << setup.wide_sql << "\n  (5b) " << setup.millions_sql << "\n"
            << "  (6-8) "
            << (rig ? rig->describe() + ", forwarding to " + setup.ssh_target.host + ":" +
                          std::to_string(setup.ssh_target.port)
                    : "skipped: " + setup.ssh_skipped)
            << "\n\n"
            << std::flush;
}

// The throwaway sshd for (6) to (8), unless they are skipped.
void start_ssh_rig(const Setup& setup, std::optional<SshRig>& rig) {
  if (!setup.ssh_skipped.empty()) return;
  unsetenv("SSH_AUTH_SOCK");  // before any thread starts: see the top of this file
  try {
    rig.emplace();
  } catch (const std::exception& e) {
    throw std::runtime_error("the SSH figures: " + std::string(e.what()) + " (--no-tunnel skips them)");
  }
}

int run(const Options& options) {
  if (access(options.server.c_str(), X_OK) != 0)
    throw std::runtime_error("no server binary at " + options.server + " (build it, or pass --server PATH)");
  Setup setup = plan(options);
  std::optional<SshRig> rig;
  start_ssh_rig(setup, rig);
  print_header(setup, rig);
  Report report;
  PeakMemory trivial_run;
  {
    Watchdog w("(1) SELECT 1 latency", kPhaseLimit);
    trivial_run = measure_trivial_latency(setup, report);
  }
  {
    Watchdog w("(2) 10k-row result", kPhaseLimit);
    measure_wide_result(setup, report);
  }
  {
    Watchdog w("(3) 8 calls in flight", kPhaseLimit);
    measure_throughput(setup, report);
  }
  {
    Watchdog w("(4) start to first result", kPhaseLimit);
    measure_startup(setup, report);
  }
  {
    Watchdog w("(5) peak memory", kPhaseLimit);
    measure_memory(setup, trivial_run, report);
  }
  if (rig) {
    {
      Watchdog w("(6) 10k-row result via SSH", kPhaseLimit);
      measure_ssh_wide_result(setup, *rig, report);
    }
    {
      Watchdog w("(7) start to first result via SSH", kPhaseLimit);
      measure_ssh_startup(setup, *rig, report);
    }
    {
      Watchdog w("(8) SELECT 1 latency via SSH", kPhaseLimit);
      measure_ssh_trivial_latency(setup, *rig, report);
    }
  } else {
    report.note("(6) to (8) SSH tunnel figures skipped: " + setup.ssh_skipped);
  }
  report.print(std::cout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server that died is reported by write(), not a signal
  std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::cerr << "usage: fam_bench [--quick] [--no-tunnel] [--server PATH] [--database-url URL] "
                 "[--database-password-file FILE]\n";
    return kExitUsage;
  }
  if (options->database_url.empty() || options->password_file.empty()) {
    std::cerr << "fam_bench: error: no database: set FAM_RO_URL and FAM_RO_PASSWORD_FILE (eval \"$(scripts/"
                 "pg_sandbox.sh env DIR)\") or pass --database-url and --database-password-file\n";
    return kExitUsage;
  }
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::cerr << "fam_bench: error: " << e.what() << '\n';
    return kExitFailed;
  }
}
