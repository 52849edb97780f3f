// The eight measurements. Each runs ours (the real binary over stdio) and a yardstick in the same
// run — the same work done directly with libpq, or for (6) to (8) the same binary reaching the
// database through OpenSSH's `ssh -L` — and adds its rows to the report.
#pragma once

#include <string>

#include "direct_pg.hpp"
#include "mcp_server.hpp"
#include "report.hpp"
#include "ssh_rig.hpp"

namespace bench {

struct Setup {
  ServerOptions server;
  Credentials database;
  bool quick = false;
  std::string wide_sql;      // 10,000 rows of eight mixed columns
  std::string millions_sql;  // millions of rows server-side, to be capped by max_rows
  std::string ssh_skipped;   // why (6) to (8) are not measured; empty when they are
  Endpoint ssh_target;       // the database as the sshd sees it (the host and port of its URL)
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
// 6. The 10,000-row result of (2) through our SSH tunnel, beside the same binary through `ssh -L`.
void measure_ssh_wide_result(const Setup& setup, const SshRig& rig, Report& report);
// 7. Process start to first result through our SSH tunnel, beside `ssh -L` and no SSH at all.
void measure_ssh_startup(const Setup& setup, const SshRig& rig, Report& report);
// 8. Sequential SELECT 1 calls through our SSH tunnel, beside the same binary through `ssh -L`.
void measure_ssh_trivial_latency(const Setup& setup, const SshRig& rig, Report& report);

}  // namespace bench
