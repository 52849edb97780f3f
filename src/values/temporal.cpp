// Timestamps in DateStyle ISO -> ISO-8601 / RFC 3339. Anything else (infinity, BC, five-digit
// years, offsets with seconds) stays the string PostgreSQL printed.
#include "values/kind.hpp"

namespace values {
namespace {

constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd";  // 'd' = a digit; the rest literally

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the "YYYY-MM-DD HH:MM:SS[.ffffff]" prefix of `text`, or 0 if it does not start so.
std::size_t timestamp_length(std::string_view text) {
  if (text.size() < kShape.size()) return 0;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(text[i]) : text[i] != kShape[i]) return 0;
  }
  std::size_t i = kShape.size();
  if (i < text.size() && text[i] == '.') {
    const std::size_t digits = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == digits) return 0;
  }
  return i;
}

// "2024-03-01 12:34:56.789" -> "2024-03-01T12:34:56.789", without quotes.
void append_iso(std::string& out, std::string_view timestamp) {
  out.append(timestamp.substr(0, 10));
  out.push_back('T');
  out.append(timestamp.substr(11));
}

// "+00" -> "Z", "+05:30" / "+05" -> "+05:30"; false for anything else (e.g. "-03:30:52").
bool append_offset(std::string& out, std::string_view offset) {
  const bool hours_only = offset.size() == 3;
  const bool hours_minutes =
      offset.size() == 6 && offset[3] == ':' && is_digit(offset[4]) && is_digit(offset[5]);
  if (!(hours_only || hours_minutes) || (offset[0] != '+' && offset[0] != '-')) return false;
  if (!is_digit(offset[1]) || !is_digit(offset[2])) return false;
  const std::string_view minutes = hours_minutes ? offset.substr(4, 2) : std::string_view("00");
  if (offset[1] == '0' && offset[2] == '0' && minutes == "00") {
    out.push_back('Z');
  } else {
    out.append(offset.substr(0, 3));
    out.push_back(':');
    out.append(minutes);
  }
  return true;
}

}  // namespace

// Each leaves `out` unchanged when it returns false.
bool append_iso_timestamptz(std::string& out, std::string_view text) {
  const std::size_t length = timestamp_length(text);
  if (length == 0) return false;
  const std::size_t mark = out.size();
  append_iso(out, text.substr(0, length));
  if (append_offset(out, text.substr(length))) return true;
  out.resize(mark);
  return false;
}

bool append_iso_timestamp(std::string& out, std::string_view text) {
  const std::size_t length = timestamp_length(text);
  if (length == 0 || length != text.size()) return false;
  append_iso(out, text);
  return true;
}

namespace detail {
namespace {

bool append_quoted(std::string& out, std::string_view text, bool (*append)(std::string&, std::string_view)) {
  out.push_back('"');
  if (!append(out, text)) return false;
  out.push_back('"');
  return true;
}

}  // namespace

bool append_timestamptz(std::string& out, std::string_view text) {
  return append_quoted(out, text, append_iso_timestamptz);
}

bool append_timestamp(std::string& out, std::string_view text) {
  return append_quoted(out, text, append_iso_timestamp);
}

}  // namespace detail
}  // namespace values
