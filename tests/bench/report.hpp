// Samples → figures → the table fam_bench prints.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace bench {

using Micros = std::chrono::duration<double, std::micro>;

// The value below which `fraction` of the samples fall (nearest rank).
double percentile(std::vector<double> samples, double fraction);
inline double median(std::vector<double> samples) {
  return percentile(std::move(samples), 0.5);
}

std::string format_micros(double micros);    // "412 µs"
std::string format_millis(double millis);    // "12.4 ms"
std::string format_mib(double kib);          // "11.2 MB" (MiB, as /proc counts)
std::string format_bytes(double bytes);      // "2.41 MB"
std::string format_rate(double per_second);  // "4210 /s"
std::string format_ratio(double ratio);      // "1.42×"

struct Row {
  std::string metric, ours, direct, ratio, target, verdict;
};

inline std::string verdict(bool met) {
  return met ? "met" : "MISSED";
}

class Report {
 public:
  void add(Row row) { rows_.push_back(std::move(row)); }
  // A line printed under the table: how a figure breaks down, or what it was measured on.
  void note(std::string line) { notes_.push_back(std::move(line)); }
  void print(std::ostream& out) const;

 private:
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
};

}  // namespace bench
