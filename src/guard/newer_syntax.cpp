#include "guard/newer_syntax.hpp"

#include <cctype>
#include <vector>

namespace guard {
namespace {

struct Construct {
  std::string_view name;     // as the analyst wrote it, for the message
  std::string_view instead;  // what PostgreSQL 15's grammar reads, with the same meaning on 16
  bool (*found)(std::string_view code);
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

// `code` with string literals, quoted identifiers and comments blanked out, in lower case.
std::string code_only(std::string_view sql) {
  std::string code(sql.size(), ' ');
  for (std::size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      std::size_t end = sql.find(c, i + 1);
      while (end != std::string_view::npos && end + 1 < sql.size() && sql[end + 1] == c)
        end = sql.find(c, end + 2);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) i = sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      code[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      ++i;
    }
  }
  return code;
}

// The words of `code`, in order.
std::vector<std::string_view> words(std::string_view code) {
  std::vector<std::string_view> all;
  for (std::size_t i = 0; i < code.size();) {
    if (!is_word_char(code[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < code.size() && is_word_char(code[i])) ++i;
    all.push_back(code.substr(start, i - start));
  }
  return all;
}

bool has_sequence(std::string_view code, std::initializer_list<std::string_view> sequence) {
  auto all = words(code);
  for (std::size_t i = 0; i + sequence.size() <= all.size(); ++i) {
    std::size_t matched = 0;
    for (std::string_view word : sequence) {
      if (all[i + matched] != word) break;
      ++matched;
    }
    if (matched == sequence.size()) return true;
  }
  return false;
}

// `name(` as a function call, not part of a longer name.
bool has_call(std::string_view code, std::string_view name) {
  for (std::size_t at = code.find(name); at != std::string_view::npos; at = code.find(name, at + 1)) {
    if (at > 0 && is_word_char(code[at - 1])) continue;
    std::size_t after = at + name.size();
    while (after < code.size() && code[after] == ' ') ++after;
    if (after < code.size() && code[after] == '(') return true;
  }
  return false;
}

bool is_json(std::string_view code) {
  return has_sequence(code, {"is", "json"}) || has_sequence(code, {"is", "not", "json"});
}
bool json_array(std::string_view code) {
  return has_call(code, "json_array");
}
bool json_object(std::string_view code) {
  return has_call(code, "json_object");
}
bool json_arrayagg(std::string_view code) {
  return has_call(code, "json_arrayagg");
}
bool json_objectagg(std::string_view code) {
  return has_call(code, "json_objectagg");
}
bool system_user(std::string_view code) {
  return has_sequence(code, {"system_user"});
}

// 1_000 and 0x_FF: a digit, an underscore, a digit, at the start of a number.
bool underscore_number(std::string_view code) {
  for (std::size_t i = 1; i + 1 < code.size(); ++i) {
    if (code[i] != '_' || !std::isxdigit(static_cast<unsigned char>(code[i + 1]))) continue;
    std::size_t start = i;
    while (start > 0 && is_word_char(code[start - 1])) --start;
    if (std::isdigit(static_cast<unsigned char>(code[start]))) return true;
  }
  return false;
}

constexpr Construct kConstructs[] = {
    {"IS JSON",
     "pg_input_is_valid(value, 'json'), and json_typeof(value::json) = 'object' for IS JSON OBJECT", is_json},
    {"JSON_ARRAY(…)", "json_build_array(…), or json_agg over a subquery for JSON_ARRAY(SELECT …)",
     json_array},
    {"JSON_OBJECT(key VALUE value) / JSON_OBJECT(key: value)", "json_build_object(key, value, …)",
     json_object},
    {"JSON_ARRAYAGG(…)", "json_agg(…) (with ORDER BY inside, as before)", json_arrayagg},
    {"JSON_OBJECTAGG(key VALUE value)", "json_object_agg(key, value)", json_objectagg},
    {"SYSTEM_USER", "session_user", system_user},
    {"digits grouped with underscores (1_000)", "the number without underscores (1000)", underscore_number},
};

}  // namespace

std::optional<std::string> newer_syntax(std::string_view sql) {
  const std::string code = code_only(sql);
  for (const Construct& construct : kConstructs) {
    if (!construct.found(code)) continue;
    return "it uses " + std::string(construct.name) +
           ", PostgreSQL 16 syntax that the guard's parser (PostgreSQL 15's) cannot read yet; write " +
           std::string(construct.instead) + " instead, which the database runs the same way";
  }
  return std::nullopt;
}

}  // namespace guard
