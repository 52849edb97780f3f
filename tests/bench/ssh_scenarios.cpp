// (6) to (8): the same binary reaching the database through its own SSH tunnel (--ssh-host …) and
// through OpenSSH's `ssh -L` to the same throwaway sshd, with the same key.
#include <algorithm>
#include <numeric>
#include <vector>

#include "measure.hpp"
#include "scenarios.hpp"

namespace bench {
namespace {

constexpr double kSpeedTarget = 1.0;  // issue 13: our tunnel at least as fast as `ssh -L` (issue 3: 0.8×)
constexpr double kTrivialTargetMillis = 2;  // issue 13: a trivial call through the tunnel within 2 ms
constexpr double kSlowCallMillis = 10;      // a trivial call this slow waited for a timer, not for work
constexpr int kTrivialShare = 10;  // a tenth of (1)'s calls: enough for a median, even at 40 ms a call

ServerOptions through_tunnel(const Setup& setup, const SshRig& rig) {
  ServerOptions options = setup.server;
  options.extra_args = rig.tunnel_arguments();
  return options;
}

ServerOptions through_forward(const Setup& setup, const SshForward& forward) {
  ServerOptions options = setup.server;
  options.database_url = with_endpoint(setup.server.database_url, {"127.0.0.1", forward.port()});
  return options;
}

// Speed is the inverse of time per call: ours / theirs = their time / ours.
Row speed_row(std::string metric, double ours_millis, double theirs_millis) {
  double speed = theirs_millis / ours_millis;
  return {std::move(metric),
          format_millis(ours_millis),
          format_millis(theirs_millis) + " (ssh -L)",
          format_ratio(speed) + " speed",
          "≥ " + format_ratio(kSpeedTarget),
          verdict(speed >= kSpeedTarget)};
}

std::string plus_millis(double millis) {
  return (millis >= 0 ? "+" : "") + format_millis(millis);
}

// Judged on the mean too: a call that waits for a delayed ACK costs 40 ms, so a median can hide up
// to half of the calls stalling.
Row latency_row(std::string metric, double ours_micros, double theirs_micros, bool judged = true) {
  return {std::move(metric),
          format_micros(ours_micros),
          format_micros(theirs_micros) + " (ssh -L)",
          format_ratio(ours_micros / theirs_micros),
          judged ? "≤ " + format_millis(kTrivialTargetMillis) : "—",
          judged ? verdict(ours_micros <= kTrivialTargetMillis * 1000) : "info"};
}

double mean(const std::vector<double>& samples) {
  return std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
}

// "3 of 200": a delayed ACK (40 ms on Linux) shows as a call far beyond the median.
std::string slow_calls(const std::vector<double>& micros) {
  auto slow = std::ranges::count_if(micros, [](double m) { return m > kSlowCallMillis * 1000; });
  return std::to_string(slow) + " of " + std::to_string(micros.size());
}

}  // namespace

void measure_ssh_trivial_latency(const Setup& setup, const SshRig& rig, Report& report) {
  const Counts n = counts(setup.quick);
  SshForward forward = rig.forward(setup.ssh_target);
  McpServer tunnel(through_tunnel(setup, rig));
  McpServer forwarded(through_forward(setup, forward));
  McpServer direct(setup.server);
  auto call_on = [](McpServer& server) {
    return [target = &server] { expect_success(target->call(select_one(), kCallLimit).text); };
  };
  auto ours = call_on(tunnel), theirs = call_on(forwarded), plain = call_on(direct);
  const int calls = n.trivial_calls / kTrivialShare;
  for (auto* work : {&ours, &theirs, &plain}) repeat(n.warmup / kTrivialShare, *work);
  auto [ours_micros, theirs_micros, plain_micros] = interleave(kRounds, calls / kRounds, ours, theirs, plain);
  for (McpServer* server : {&tunnel, &forwarded, &direct}) server->stop();

  report.add(latency_row("SELECT 1 via SSH tunnel, mean (" + std::to_string(calls) + " seq.)",
                         mean(ours_micros), mean(theirs_micros)));
  report.add(latency_row("SELECT 1 via SSH tunnel, median", median(ours_micros), median(theirs_micros)));
  report.add(latency_row("SELECT 1 via SSH tunnel, p99", percentile(ours_micros, 0.99),
                         percentile(theirs_micros, 0.99), false));
  report.note("breakdown of (8): the same call without SSH took " + format_micros(median(plain_micros)) +
              " (median, interleaved); calls over " + format_millis(kSlowCallMillis) + ": " +
              slow_calls(ours_micros) + " through our tunnel, " + slow_calls(theirs_micros) +
              " through ssh -L, " + slow_calls(plain_micros) + " without SSH");
}

void measure_ssh_wide_result(const Setup& setup, const SshRig& rig, Report& report) {
  const Counts n = counts(setup.quick);
  SshForward forward = rig.forward(setup.ssh_target);
  McpServer tunnel(through_tunnel(setup, rig));
  McpServer forwarded(through_forward(setup, forward));
  McpServer direct(setup.server);
  QueryRequest wide(setup.wide_sql, kWideRows);
  auto call_on = [&wide](McpServer& server) {
    return [&wide, target = &server] { expect_success(target->call(wide, kLargeLimit).text); };
  };
  auto ours = call_on(tunnel), theirs = call_on(forwarded), plain = call_on(direct);
  for (McpServer* server : {&tunnel, &forwarded, &direct})
    expect_rows(server->call(wide, kLargeLimit).text, kWideRows);
  repeat(2, ours);  // with the call above, the same 3 warm-up calls as (2)
  repeat(2, theirs);
  repeat(2, plain);
  auto [ours_micros, theirs_micros, plain_micros] = interleave(n.wide_calls, 1, ours, theirs, plain);
  for (McpServer* server : {&tunnel, &forwarded, &direct}) server->stop();

  double ours_millis = median(ours_micros) / 1000, theirs_millis = median(theirs_micros) / 1000;
  double plain_millis = median(plain_micros) / 1000;
  report.add(speed_row("10k rows via SSH tunnel, wall/call (median of " + std::to_string(n.wide_calls) + ")",
                       ours_millis, theirs_millis));
  report.note("breakdown of (6): the same call without SSH took " + format_millis(plain_millis) +
              " (median, interleaved): SSH adds " + plus_millis(ours_millis - plain_millis) +
              " through our tunnel, " + plus_millis(theirs_millis - plain_millis) + " through ssh -L");
}

namespace {

struct ColdForward {
  double ready_millis;   // `ssh -L` spawned until its local port accepts (login included)
  double result_millis;  // ready_millis + the server's start to first result through it
};

// `ssh -L` started from nothing and then the server through it: the work our tunnel does at start.
ColdForward cold_forward_start(const Setup& setup, const SshRig& rig) {
  auto start = Clock::now();
  SshForward forward = rig.forward(setup.ssh_target);
  double ready = millis(Clock::now() - start);
  return {ready, ready + server_start(through_forward(setup, forward)).result_millis};
}

}  // namespace

void measure_ssh_startup(const Setup& setup, const SshRig& rig, Report& report) {
  const Counts n = counts(setup.quick);
  SshForward running = rig.forward(setup.ssh_target);
  const ServerOptions tunnel = through_tunnel(setup, rig), forwarded = through_forward(setup, running);
  std::vector<double> ours, notice, theirs, cold_ready, cold, plain;
  for (int i = 0; i < n.starts; ++i) {  // interleaved, so that all see the same machine
    StartTimes times = server_start(tunnel);
    ours.push_back(times.result_millis);
    notice.push_back(times.notice_millis);
    theirs.push_back(server_start(forwarded).result_millis);
    plain.push_back(server_start(setup.server).result_millis);
    ColdForward started = cold_forward_start(setup, rig);
    cold_ready.push_back(started.ready_millis);
    cold.push_back(started.result_millis);
  }
  double ours_median = median(ours);
  report.add({"start to first result via SSH tunnel (median of " + std::to_string(n.starts) + ")",
              format_millis(ours_median), format_millis(median(theirs)) + " (ssh -L already up)",
              format_ratio(ours_median / median(theirs)), "—", "info"});
  report.add({"  the same, counting ssh -L's own start", format_millis(ours_median),
              format_millis(median(cold)) + " (ssh -L started too)", format_ratio(ours_median / median(cold)),
              "—", "info"});
  report.note("breakdown of (7): without SSH the same start took " + format_millis(median(plain)) +
              "; through our tunnel the \"serving as role\" notice (tunnel login + connect + role checks) "
              "came at " +
              format_millis(median(notice)) + "; `ssh -L` alone took " + format_millis(median(cold_ready)) +
              " from spawn to accepting on its port");
}

}  // namespace bench
