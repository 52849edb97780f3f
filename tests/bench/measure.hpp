// What every scenario shares: how many samples to take, how to take them, and the limits on a call.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcp_server.hpp"
#include "report.hpp"

namespace bench {

inline constexpr auto kCallLimit = std::chrono::seconds(30);    // far beyond any healthy trivial call
inline constexpr auto kLargeLimit = std::chrono::seconds(120);  // a capped scan of millions of rows
inline constexpr long kWideRows = 10'000;
inline constexpr int kRounds = 10;  // blocks per figure in interleave()

struct Counts {
  int warmup, trivial_calls, wide_calls, starts, capped_calls;
  long throughput_calls;
  std::chrono::seconds throughput_time;
};

inline Counts counts(bool quick) {
  if (quick) return {50, 300, 8, 6, 5, 1'500, std::chrono::seconds(1)};
  return {200, 2'000, 30, 20, 20, 5'000, std::chrono::seconds(3)};
}

inline double millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}
inline double micros(Clock::duration d) {
  return Micros(d).count();
}
inline double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

template <typename Work>
void repeat(int times, Work&& work) {
  for (int i = 0; i < times; ++i) work();
}

// Wall time of each of `times` runs of `work`, in µs.
template <typename Work>
std::vector<double> sample(int times, Work&& work) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) {
    auto start = Clock::now();
    work();
    samples.push_back(micros(Clock::now() - start));
  }
  return samples;
}

// Takes `block` samples of each of `works` in turn, `rounds` times, so that a shared, noisy machine
// slows each of them alike.
template <typename... Works>
std::array<std::vector<double>, sizeof...(Works)> interleave(int rounds, int block, Works&&... works) {
  std::array<std::vector<double>, sizeof...(Works)> samples;
  for (int round = 0; round < rounds; ++round) {
    std::size_t i = 0;
    ((std::ranges::copy(sample(block, works), std::back_inserter(samples[i++]))), ...);
  }
  return samples;
}

inline const QueryRequest& select_one() {
  static const QueryRequest request("SELECT 1", 1);
  return request;
}

inline void expect_rows(std::string_view response, long expected) {
  if (long rows = row_count_of(response); rows != expected)
    throw std::runtime_error("expected " + std::to_string(expected) + " rows, the server returned " +
                             std::to_string(rows));
}

struct StartTimes {
  double notice_millis = 0;  // until the "serving" notice: exec, options, (tunnel,) connect, role checks
  double result_millis = 0;  // until the first result line
};

// Starts the server, makes one SELECT 1 call and stops it: how long until the notice and the result.
inline StartTimes server_start(const ServerOptions& options) {
  auto start = Clock::now();
  McpServer server(options);
  expect_success(server.call(select_one(), kCallLimit).text);
  StartTimes times{0, millis(Clock::now() - start)};
  if (std::optional<Clock::time_point> notice = server.first_notice())
    times.notice_millis = millis(*notice - start);
  server.stop();
  return times;
}

}  // namespace bench
