// export/-private: PostgreSQL text -> the typed cells a spreadsheet holds (numbers, dates, times),
// or nullopt where the value is better kept as text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace exports::cells {

struct DateTime {
  int year = 0;  // 0 with month and day 0: a time of day alone
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  double second = 0;
  bool fraction = false;  // the text had fractional seconds
};

// Integers (int2, int4, int8) within +-2^53, where a double holds every one exactly.
std::optional<double> exact_integer(std::string_view text);
// A finite float; NaN and infinities stay text.
std::optional<double> finite_float(std::string_view text);
// A numeric with at most 15 significant digits, which a double (and Excel) keeps exactly.
std::optional<double> short_numeric(std::string_view text);

// DateStyle ISO values within Excel's calendar (1900-01-01 to 9999-12-31):
//   date "2026-11-28"; timestamp "2026-11-28 10:00:00[.123]"; timestamptz the same with "+00"
//   (the session runs in UTC); time "10:30:15[.5]" and timetz with "+00".
std::optional<DateTime> date(std::string_view text);
std::optional<DateTime> timestamp(std::string_view text, bool with_zone);
std::optional<DateTime> time_of_day(std::string_view text, bool with_zone);

// Cuts `s` (valid UTF-8) to at most `max_chars` characters; true if it did.
bool cut_to_chars(std::string& s, std::size_t max_chars);

}  // namespace exports::cells
