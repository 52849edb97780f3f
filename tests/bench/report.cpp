#include "report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace bench {
namespace {

std::string printf_string(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Display width, counting each UTF-8 character (µ, ×, ≤) once.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string padded(const std::string& text, std::size_t to) {
  return text + std::string(to - width(text), ' ');
}

using Cells = std::array<std::string, 6>;

Cells cells(const Row& row) {
  return {row.metric, row.ours, row.direct, row.ratio, row.target, row.verdict};
}

void print_cells(std::ostream& out, const Cells& values, const std::array<std::size_t, 6>& widths) {
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? " | " : "") << padded(values[i], widths[i]);
  out << '\n';
}

}  // namespace

double percentile(std::vector<double> samples, double fraction) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

std::string format_micros(double micros) {
  return printf_string("%.0f µs", micros);
}
std::string format_millis(double millis) {
  return printf_string("%.1f ms", millis);
}
std::string format_mib(double kib) {
  return printf_string("%.1f MB", kib / 1024);
}
std::string format_bytes(double bytes) {
  return printf_string("%.2f MB", bytes / 1e6);
}
std::string format_rate(double per_second) {
  return printf_string("%.0f /s", per_second);
}
std::string format_ratio(double ratio) {
  return printf_string("%.2f×", ratio);
}

void Report::print(std::ostream& out) const {
  const Cells header{"metric", "ours", "direct libpq", "ratio", "target", "verdict"};
  std::array<std::size_t, 6> widths{};
  for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = width(header[i]);
  for (const auto& row : rows_) {
    Cells values = cells(row);
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], width(values[i]));
  }
  print_cells(out, header, widths);
  Cells rule;
  for (std::size_t i = 0; i < rule.size(); ++i) rule[i] = std::string(widths[i], '-');
  print_cells(out, rule, widths);
  for (const auto& row : rows_) print_cells(out, cells(row), widths);
  for (const auto& line : notes_) out << "  * " << line << '\n';
}

}  // namespace bench
