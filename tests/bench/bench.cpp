// fam_bench: how fleet-analytics-mcp, driven over stdio as a client drives it, compares with the
// same work done directly with libpq, in the same run on the same database.
//
//   eval "$(scripts/pg_sandbox.sh env /tmp/fam-bench-pg)"
//   build-bench/tests/bench/fam_bench [--quick] [--server PATH] [--database-url URL]
//                                     [--database-password-file FILE]
//
// The database comes from FAM_RO_URL and FAM_RO_PASSWORD_FILE unless given as options. Prints a
// table (metric | ours | direct libpq | ratio | target | verdict) to stdout. Exits 0 when it could
// measure (whether or not targets were met), 1 when a measurement failed, 2 on bad usage.
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
};

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::optional<Options> parse(int argc, char** argv) {
  Options options{FAM_SERVER_BINARY, env_or_empty("FAM_RO_URL"), env_or_empty("FAM_RO_PASSWORD_FILE"), false};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--quick")
      options.quick = true;
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

// Row counts decide the SQL: the real positions table when it is big enough, generated rows otherwise.
Setup plan(const Options& options) {
  Setup setup;
  setup.server = {options.server, options.database_url, options.password_file, 0};
  setup.database = {options.database_url, read_password(options.password_file)};
  setup.quick = options.quick;
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

void print_header(const Setup& setup) {
  std::cout << "fam_bench" << (setup.quick ? " --quick" : "") << ": " << setup.server.binary << "\n"
            << "  database " << setup.database.url << ", " << std::thread::hardware_concurrency()
            << " cores\n"
            << "  (2) " << setup.wide_sql << "\n  (5b) " << setup.millions_sql << "\n\n"
            << std::flush;
}

int run(const Options& options) {
  if (access(options.server.c_str(), X_OK) != 0)
    throw std::runtime_error("no server binary at " + options.server + " (build it, or pass --server PATH)");
  Setup setup = plan(options);
  print_header(setup);
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
  report.print(std::cout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server that died is reported by write(), not a signal
  std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::cerr << "usage: fam_bench [--quick] [--server PATH] [--database-url URL] [--database-password-file "
                 "FILE]\n";
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
