// The five measurements. Each runs ours (the real binary over stdio) and the same work done
// directly with libpq in the same run, and adds its rows to the report.
#pragma once

#include <string>

#include "direct_pg.hpp"
#include "mcp_server.hpp"
#include "report.hpp"

namespace bench {

struct Setup {
  ServerOptions server;
  Credentials database;
  bool quick = false;
  std::string wide_sql;      // 10,000 rows of eight mixed columns
  std::string millions_sql;  // millions of rows server-side, to be capped by max_rows
};

struct PeakMemory {
  long vm_hwm_kib = 0;   // read from /proc just before closing its stdin
  long max_rss_kib = 0;  // from wait4() after it exited
};

// 1. Sequential SELECT 1 calls; returns the server's peak memory over that run (figure 5a).
PeakMemory measure_trivial_latency(const Setup& setup, Report& report);
// 2. One 10,000-row result of eight mixed columns.
void measure_wide_result(const Setup& setup, Report& report);
// 3. Calls per second with eight in flight.
void measure_throughput(const Setup& setup, Report& report);
// 4. Process start to first result.
void measure_startup(const Setup& setup, Report& report);
// 5. Peak memory: the trivial run, and capped calls over millions of rows.
void measure_memory(const Setup& setup, const PeakMemory& trivial_run, Report& report);

}  // namespace bench
