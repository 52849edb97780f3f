// JSON string literals (escaping, UTF-8 repair), raw embedded JSON, and bytea as base64.
#include <array>
#include <cstring>

#include "values/kind.hpp"
#include "values/values.hpp"

namespace values {
namespace {

// Bytes that can be copied into a JSON string as they are: printable ASCII but '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default: {
      const char u[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
      out.append(u, sizeof u);
    }
  }
}

bool continuation(std::string_view s, std::size_t i) {
  return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7), or 0 if it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const auto b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0u;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(s, i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const bool second_ok = b0 == 0xE0   ? (b1 >= 0xA0 && b1 <= 0xBF)
                           : b0 == 0xED ? (b1 >= 0x80 && b1 <= 0x9F)  // no surrogates
                                        : continuation(s, i + 1);
    return second_ok && continuation(s, i + 2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const bool second_ok = b0 == 0xF0   ? (b1 >= 0x90 && b1 <= 0xBF)
                           : b0 == 0xF4 ? (b1 >= 0x80 && b1 <= 0x8F)  // nothing past U+10FFFF
                                        : continuation(s, i + 1);
    return second_ok && continuation(s, i + 2) && continuation(s, i + 3) ? 4 : 0;
  }
  return 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c < 0x80) {
      append_escape(out, c);
      ++i;
    } else if (const std::size_t len = utf8_length(s, i); len != 0) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_valid_utf8(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (const std::size_t len = utf8_length(s, i); len != 0) {
      i += len;
    } else {
      out.append(s.data() + run, i - run);
      out.append(kReplacement);
      run = ++i;
    }
  }
  out.append(s.data() + run, s.size() - run);
}

namespace detail {

// json keeps its input's layout; a raw newline would split the newline-delimited stdio message,
// and outside strings (the only place valid JSON has them) it is plain whitespace.
void append_raw_json(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out.append(text);
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\n' || out[i] == '\r') out[i] = ' ';
  }
}

// bytea_output=hex: "\x48656c6c6f" -> "SGVsbG8=".
bool append_bytea_base64(std::string& out, std::string_view text) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return false;
  const std::string_view hex = text.substr(2);
  const std::size_t bytes = hex.size() / 2;
  const std::size_t start = out.size();
  out.resize(start + 2 + (bytes + 2) / 3 * 4);
  char* w = out.data() + start;
  *w++ = '"';
  for (std::size_t i = 0; i < bytes; i += 3) {
    std::uint32_t group = 0;
    const std::size_t n = bytes - i < 3 ? bytes - i : 3;
    for (std::size_t k = 0; k < 3; ++k) {
      int byte = 0;
      if (k < n) {
        const int hi = hex_value(hex[2 * (i + k)]);
        const int lo = hex_value(hex[2 * (i + k) + 1]);
        if (hi < 0 || lo < 0) return false;
        byte = hi << 4 | lo;
      }
      group = group << 8 | static_cast<std::uint32_t>(byte);
    }
    w[0] = kAlphabet[group >> 18 & 63];
    w[1] = kAlphabet[group >> 12 & 63];
    w[2] = n > 1 ? kAlphabet[group >> 6 & 63] : '=';
    w[3] = n > 2 ? kAlphabet[group & 63] : '=';
    w += 4;
  }
  *w = '"';
  return true;
}

}  // namespace detail
}  // namespace values
