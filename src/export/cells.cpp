// PostgreSQL text -> spreadsheet cell values, for the XLSX writer.
#include "export/cells.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace exports::cells {
namespace {

constexpr std::int64_t kMaxExactInteger = 9007199254740992;  // 2^53: doubles hold every integer up to it
constexpr int kExcelDigits = 15;                             // Excel (and DBL_DIG) keep 15 significant digits
constexpr int kFirstExcelYear = 1900;                        // Excel's calendar starts on 1900-01-01...
constexpr int kLastExcelYear = 9999;                         // ...and ends on 9999-12-31

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The number `count` digits at text[at...] spell, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" at the start of `text`.
bool read_date(std::string_view text, DateTime& out) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  out.year = digits(text, 0, 4);
  out.month = digits(text, 5, 2);
  out.day = digits(text, 8, 2);
  return out.year >= kFirstExcelYear && out.year <= kLastExcelYear && out.month >= 1 && out.month <= 12 &&
         out.day >= 1 && out.day <= days_in_month(out.year, out.month);
}

// "HH:MM:SS[.ffffff]" then nothing, or "+00" when `with_zone`.
bool read_time(std::string_view text, bool with_zone, DateTime& out) {
  if (text.size() < 8 || text[2] != ':' || text[5] != ':') return false;
  out.hour = digits(text, 0, 2);
  out.minute = digits(text, 3, 2);
  const int whole = digits(text, 6, 2);
  if (out.hour < 0 || out.hour > 23 || out.minute < 0 || out.minute > 59 || whole < 0 || whole > 59) {
    return false;
  }
  std::size_t end = 8;
  if (end < text.size() && text[end] == '.') {
    while (end + 1 < text.size() && is_digit(text[end + 1])) ++end;
    ++end;
    out.fraction = end > 9;
    if (!out.fraction) return false;
  }
  const auto second = parse_double(text.substr(6, end - 6));
  if (!second) return false;
  out.second = *second;
  return text.substr(end) == (with_zone ? "+00" : "");
}

}  // namespace

std::optional<double> exact_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value > kMaxExactInteger || value < -kMaxExactInteger) return std::nullopt;
  return static_cast<double>(value);
}

std::optional<double> finite_float(std::string_view text) {
  return parse_double(text);
}

std::optional<double> short_numeric(std::string_view text) {
  int significant = 0;
  int pending_zeros = 0;  // zeros after the last other digit: significant only if one follows
  bool seen_nonzero = false;
  for (const char c : text) {
    if (c == 'e' || c == 'E') return std::nullopt;  // numeric prints no exponent
    if (!is_digit(c)) continue;
    if (c != '0') {
      significant += pending_zeros + 1;
      pending_zeros = 0;
      seen_nonzero = true;
    } else if (seen_nonzero) {
      ++pending_zeros;
    }
  }
  if (significant > kExcelDigits) return std::nullopt;
  return parse_double(text);
}

std::optional<DateTime> date(std::string_view text) {
  DateTime out;
  if (text.size() != 10 || !read_date(text, out)) return std::nullopt;
  return out;
}

std::optional<DateTime> timestamp(std::string_view text, bool with_zone) {
  DateTime out;
  if (text.size() < 19 || text[10] != ' ' || !read_date(text, out)) return std::nullopt;
  if (!read_time(text.substr(11), with_zone, out)) return std::nullopt;
  return out;
}

std::optional<DateTime> time_of_day(std::string_view text, bool with_zone) {
  DateTime out;
  if (!read_time(text, with_zone, out)) return std::nullopt;
  return out;
}

bool cut_to_chars(std::string& s, std::size_t max_chars) {
  if (s.size() <= max_chars) return false;  // bytes >= characters
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars++ == max_chars) {
      s.resize(i);
      return true;
    }
  }
  return false;
}

}  // namespace exports::cells
