#include "scenarios.hpp"

#include <sys/resource.h>

#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "measure.hpp"

namespace bench {
namespace {

constexpr int kInFlight = 8;
constexpr double kMemoryTargetKib = 30 * 1024;
constexpr double kLatencyTarget = 2.0;  // ours / direct, trivial call
constexpr double kWideTarget = 1.2;     // ours / direct libpq building the same JSON, 10k-row result
constexpr double kStartTargetMillis = 40;

Row ratio_row(std::string metric, double ours, double direct, double target, std::string (*format)(double)) {
  double ratio = ours / direct;
  return {
      std::move(metric),       format(ours), format(direct), format_ratio(ratio), "≤ " + format_ratio(target),
      verdict(ratio <= target)};
}

}  // namespace

PeakMemory measure_trivial_latency(const Setup& setup, Report& report) {
  const Counts n = counts(setup.quick);
  McpServer server(setup.server);
  PgConn conn = connect(setup.database);
  PgConn sequence_conn = connect(setup.database);
  enter_pipeline_mode(conn.get());
  enter_pipeline_mode(sequence_conn.get());
  ServerSequence sequence_runner(sequence_conn.get());
  auto call = [&] { expect_success(server.call(select_one(), kCallLimit).text); };
  auto direct_call = [&] { run_trivial_transaction(conn.get()); };
  auto server_sequence = [&] { sequence_runner.run("SELECT 1", 2); };
  auto planned_sequence = [&] { sequence_runner.run("SELECT 1", 2, true); };
  repeat(n.warmup, call);
  repeat(n.warmup, direct_call);
  repeat(n.warmup, server_sequence);
  repeat(n.warmup, planned_sequence);
  auto [ours, direct, sequence, planned] =
      interleave(kRounds, n.trivial_calls / kRounds, call, direct_call, server_sequence, planned_sequence);
  PeakMemory memory{server.peak_rss_kib(), server.stop().max_rss_kib};
  double sequence_median = median(sequence);

  std::string calls = std::to_string(n.trivial_calls);
  report.add(ratio_row("SELECT 1 latency, median (" + calls + " seq.)", median(ours), median(direct),
                       kLatencyTarget, format_micros));
  report.add(ratio_row("SELECT 1 latency, p99", percentile(ours, 0.99), percentile(direct, 0.99),
                       kLatencyTarget, format_micros));
  report.note(
      "breakdown of (1): direct libpq running the server's own 3-sync pipeline (BEGIN; DECLARE; FETCH; "
      "ROLLBACK; DISCARD ALL; answered after the first sync) takes " +
      format_micros(sequence_median) + " median: ours spends " +
      format_micros(median(ours) - sequence_median) +
      " beyond that in MCP framing, the guard, JSON and the pipes");
  report.add(ratio_row("the cost guard's plan segment: sequence with / without it, median", median(planned),
                       sequence_median, kLatencyTarget, format_micros));
  return memory;
}

void measure_wide_result(const Setup& setup, Report& report) {
  const Counts n = counts(setup.quick);
  McpServer server(setup.server);
  PgConn conn = connect(setup.database);
  const values::Catalog catalog = read_catalog(conn.get());
  QueryRequest wide(setup.wide_sql, kWideRows);
  std::string last;
  std::vector<double> first_byte;
  auto call = [&] {
    auto start = Clock::now();
    Line response = server.call(wide, kLargeLimit);
    first_byte.push_back(micros(response.first_byte - start));
    last = std::move(response.text);
    expect_success(last);
  };
  std::size_t value_bytes = 0, json_bytes = 0;
  auto fetch = [&] { value_bytes = fetch_all_values(conn.get(), setup.wide_sql); };
  auto fetch_json = [&] { json_bytes = fetch_as_json(conn.get(), setup.wide_sql, catalog); };
  repeat(3, call);
  repeat(3, fetch);
  repeat(3, fetch_json);
  first_byte.clear();
  auto [ours, direct_json, direct] = interleave(n.wide_calls, 1, call, fetch_json, fetch);
  expect_rows(last, kWideRows);
  long server_peak = server.peak_rss_kib();
  server.stop();

  report.add(ratio_row("10k rows x 8 cols, wall/call (median of " + std::to_string(n.wide_calls) + ")",
                       median(ours) / 1000, median(direct_json) / 1000, kWideTarget, format_millis));
  double response_bytes = static_cast<double>(last.size() + 1);
  report.add({"10k rows x 8 cols, bytes", format_bytes(response_bytes),
              format_bytes(static_cast<double>(json_bytes)) + " (rows JSON)",
              format_ratio(response_bytes / static_cast<double>(json_bytes)), "—", "info"});
  report.note(
      "breakdown of (2): direct libpq building the same rows JSON with the server's converters "
      "(the yardstick) " +
      format_millis(median(direct_json) / 1000) + ", of which fetching the " +
      format_bytes(static_cast<double>(value_bytes)) + " of text values " +
      format_millis(median(direct) / 1000) + "; ours: the response's first byte reached us after " +
      format_millis(median(first_byte) / 1000) +
      " (median; database + conversion + serialisation), the last after " +
      format_millis(median(ours) / 1000) + "; server VmHWM over these calls " +
      format_mib(static_cast<double>(server_peak)));
}

namespace {

// Keeps kInFlight calls outstanding until `max_calls` were sent or `until` passed; the calls completed.
long run_in_flight(McpServer& server, long max_calls, Clock::time_point until) {
  long sent = 0, done = 0;
  for (; sent < kInFlight; ++sent) server.send(select_one());
  while (done < sent) {
    expect_success(server.next_response(kCallLimit).text);
    ++done;
    if (sent < max_calls && Clock::now() < until) {
      server.send(select_one());
      ++sent;
    }
  }
  return done;
}

double server_rate(const Setup& setup, const Counts& n) {
  ServerOptions options = setup.server;
  options.pool_size = kInFlight;
  McpServer server(options);
  run_in_flight(server, n.warmup, Clock::time_point::max());
  auto start = Clock::now();
  long done = run_in_flight(server, n.throughput_calls, start + n.throughput_time);
  double rate = static_cast<double>(done) / seconds(Clock::now() - start);
  server.stop();
  return rate;
}

// kInFlight connections, each looping the trivial transaction on its own thread.
double direct_rate(const Setup& setup, const Counts& n) {
  std::vector<PgConn> conns;
  for (int i = 0; i < kInFlight; ++i) {
    conns.push_back(connect(setup.database));
    enter_pipeline_mode(conns.back().get());
    repeat(n.warmup / kInFlight, [&] { run_trivial_transaction(conns.back().get()); });
  }
  std::atomic<long> done{0};
  std::vector<std::exception_ptr> errors(kInFlight);
  const long per_thread = n.throughput_calls / kInFlight;
  auto start = Clock::now();
  {
    std::vector<std::jthread> threads;
    threads.reserve(kInFlight);
    for (int i = 0; i < kInFlight; ++i) {
      threads.emplace_back([&, i] {
        try {
          long mine = 0;
          for (; mine < per_thread && Clock::now() < start + n.throughput_time; ++mine)
            run_trivial_transaction(conns[static_cast<std::size_t>(i)].get());
          done += mine;
        } catch (...) {
          errors[static_cast<std::size_t>(i)] = std::current_exception();
        }
      });
    }
  }
  double elapsed = seconds(Clock::now() - start);
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  return static_cast<double>(done) / elapsed;
}

}  // namespace

void measure_throughput(const Setup& setup, Report& report) {
  const Counts n = counts(setup.quick);
  double ours = server_rate(setup, n);
  double direct = direct_rate(setup, n);
  report.add({"SELECT 1 calls/s, 8 in flight", format_rate(ours), format_rate(direct),
              format_ratio(direct / ours) + " slower", "—", "info"});
}

namespace {

// Exec and dynamic linking alone: the floor under any start, before a database is involved.
double version_millis(const Setup& setup) {
  auto start = Clock::now();
  ChildProcess process({setup.server.binary, "--version"});
  if (!process.read_line(start + kCallLimit))
    throw std::runtime_error(setup.server.binary + " --version said nothing");
  double elapsed = millis(Clock::now() - start);
  process.wait_exit(Clock::now() + kCallLimit);
  return elapsed;
}

double direct_start_millis(const Setup& setup) {
  auto start = Clock::now();
  PgConn conn = connect(setup.database);
  single_value(conn.get(), "SELECT 1");
  return millis(Clock::now() - start);
}

}  // namespace

void measure_startup(const Setup& setup, Report& report) {
  const Counts n = counts(setup.quick);
  std::vector<double> ours, notice, direct, version;
  for (int i = 0; i < n.starts; ++i) {  // interleaved, so that all see the same machine
    StartTimes times = server_start(setup.server);
    ours.push_back(times.result_millis);
    notice.push_back(times.notice_millis);
    direct.push_back(direct_start_millis(setup));
    version.push_back(version_millis(setup));
  }
  double start_median = median(ours);
  report.add({"start to first result (median of " + std::to_string(n.starts) + ")",
              format_millis(start_median), format_millis(median(direct)) + " (connect+query)",
              format_ratio(start_median / median(direct)), "≤ " + format_millis(kStartTargetMillis),
              verdict(start_median <= kStartTargetMillis)});
  report.note(
      "breakdown of (4): `fleet-analytics-mcp --version` (exec + dynamic linking, no database) takes " +
      format_millis(median(version)) + "; the \"serving as role\" notice (+ options, connect, role " +
      "checks) came at " + format_millis(median(notice)) + "; then the first call");
}

namespace {

long own_peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string mib(long kib) {
  return format_mib(static_cast<double>(kib));
}

Row memory_row(std::string metric, long peak_kib, std::string ratio, std::string target, bool also) {
  double peak = static_cast<double>(peak_kib);
  return {std::move(metric), format_mib(peak),  "—",
          std::move(ratio),  std::move(target), verdict(peak <= kMemoryTargetKib && also)};
}

}  // namespace

void measure_memory(const Setup& setup, const PeakMemory& trivial_run, Report& report) {
  const Counts n = counts(setup.quick);
  McpServer server(setup.server);
  QueryRequest capped(setup.millions_sql, kWideRows);
  Line first = server.call(capped, kLargeLimit);
  expect_success(first.text);
  expect_rows(first.text, kWideRows);
  long after_first = server.peak_rss_kib();
  auto call = [&] { expect_success(server.call(capped, kLargeLimit).text); };
  const int half = n.capped_calls / 2;
  std::vector<double> times = sample(half - 1, call);
  long after_half = server.peak_rss_kib();
  std::ranges::copy(sample(n.capped_calls - half, call), std::back_inserter(times));
  long after_last = server.peak_rss_kib();
  long max_rss = server.stop().max_rss_kib;

  // Flat: no growth over the second half. A step after call 1 is the allocator settling (each pool
  // worker thread gets its own malloc arena), not a result being kept.
  bool flat = after_last <= after_half + after_half / 20;
  std::string calls = std::to_string(n.capped_calls);
  report.add(
      memory_row("peak RSS (a): the SELECT 1 run (VmHWM)", trivial_run.vm_hwm_kib, "—", "≤ 30 MB", true));
  report.add(memory_row(
      "peak RSS (b): " + calls + " x max_rows=10000 of millions", after_last,
      format_ratio(static_cast<double>(after_last) / static_cast<double>(trivial_run.vm_hwm_kib)) + " of (a)",
      "≤ 30 MB, flat", flat));
  report.note("memory (b): VmHWM after call 1 " + mib(after_first) + ", after call " + std::to_string(half) +
              " " + mib(after_half) + ", after call " + calls + " " + mib(after_last) +
              (flat ? " (flat)" : " (GROWING)") + "; median call " + format_millis(median(times) / 1000));
  report.note("memory: wait4 ru_maxrss (a) " + mib(trivial_run.max_rss_kib) + ", (b) " + mib(max_rss) +
              " — not used: posix_spawn execs from a vfork, so the kernel folds fam_bench's own peak (" +
              mib(own_peak_rss_kib()) + ") into the child's");
}

}  // namespace bench
