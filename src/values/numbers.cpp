// Integers, floats and booleans: their PostgreSQL text is already JSON, once checked.
#include <charconv>

#include "values/kind.hpp"

namespace values::detail {
namespace {

// Integers beyond 2^53 lose digits as IEEE doubles, which is how most JSON readers hold numbers.
constexpr std::uint64_t kMaxExactInteger = 9007199254740992;  // 2^53

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t skip_digits(std::string_view s, std::size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

}  // namespace

// RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  i = s[i] == '0' ? i + 1 : skip_digits(s, i);
  if (i < s.size() && s[i] == '.') {
    const std::size_t digits = i + 1;
    i = skip_digits(s, digits);
    if (i == digits) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t digits = i;
    i = skip_digits(s, digits);
    if (i == digits) return false;
  }
  return i == s.size();
}

bool append_bigint(std::string& out, std::string_view text) {
  const std::string_view digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  std::uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (error != std::errc() || end != digits.data() + digits.size() || !is_json_number(text)) return false;
  if (magnitude > kMaxExactInteger) {
    out.push_back('"');
    out.append(text);
    out.push_back('"');
  } else {
    out.append(text);
  }
  return true;
}

// Integers and floats print as JSON numbers; float "NaN", "Infinity" and "-Infinity" fail here and
// become strings.
bool append_number(std::string& out, std::string_view text) {
  if (!is_json_number(text)) return false;
  out.append(text);
  return true;
}

bool append_bool(std::string& out, std::string_view text) {
  if (text == "t") {
    out.append("true");
  } else if (text == "f") {
    out.append("false");
  } else {
    return false;
  }
  return true;
}

}  // namespace values::detail
