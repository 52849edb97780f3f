// The text block of an answer, for hosts that show their model only the text: what the answer is,
// what it left out and why, and a compact table of its leading rows. Claude Code shows its model
// structuredContent instead, so the text is kept to a fifth of it: the line stays under 1.3x.
// A rows answer can be megabytes: its rows are found without parsing them, and only those the text
// has room for are read (a whole parse cost ~10x the query's own time on 10,000 wide rows).
#include <charconv>
#include <cstring>

#include "tools/tool.hpp"

namespace tools {
namespace {

using Ordered = nlohmann::ordered_json;

// Characters the text costs once escaped into a JSON string: line breaks and quotes take two.
std::size_t escaped_size(std::string_view text) {
  std::size_t size = text.size();
  for (char c : text) size += static_cast<std::size_t>((c == '\n') + (c == '"') + (c == '\\'));  // no branch
  return size;
}

class TextWriter {
 public:
  explicit TextWriter(std::size_t budget) : budget_(budget) {}

  // False (and nothing written) once the line would not fit beside a closing remark.
  bool line(std::string_view text) {
    constexpr std::size_t kClosingRoom = 120;
    std::size_t cost = escaped_size(text) + 1;
    if (used_ + cost + kClosingRoom > budget_) return false;
    out_.append(text).push_back('\n');
    used_ += cost;
    return true;
  }
  // A closing remark is always written: it says what the reader is missing.
  void closing(std::string_view text) { out_.append(text).push_back('\n'); }
  std::string take() {
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::size_t budget_;
  std::size_t used_ = 0;
  std::string out_;
};

// A GeoJSON point as WKT: positions are most of what this database holds, and half the size.
std::optional<std::string> point_text(const Ordered& value) {
  if (!value.is_object() || value.value("type", "") != "Point" || value.size() != 2) return std::nullopt;
  const Ordered& xy = value["coordinates"];
  if (!xy.is_array() || xy.size() != 2 || !xy[0].is_number() || !xy[1].is_number()) return std::nullopt;
  return "POINT(" + xy[0].dump() + " " + xy[1].dump() + ")";
}

// One value as a table cell: strings bare, NULL as NULL, points as WKT, the rest as compact JSON.
// A '|' or line break inside is escaped so that each row stays one line of cells.
std::string cell(const Ordered& value) {
  if (value.is_null()) return "NULL";
  std::string text = value.is_string()   ? value.get<std::string>()
                     : point_text(value) ? *point_text(value)
                                         : value.dump(-1, ' ', false, Ordered::error_handler_t::replace);
  if (text.find_first_of("|\r\n") == std::string::npos) return text;
  std::string escaped;
  for (char c : text) {
    if (c == '|')
      escaped += "\\|";
    else if (c == '\n')
      escaped += "\\n";
    else if (c != '\r')
      escaped += c;
  }
  return escaped;
}

std::string table_line(const Ordered& values) {
  std::string line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) line += " | ";
    line += cell(values[i]);
  }
  return line;
}

// Just enough of a JSON reader to find where values begin and end without building them, so that a
// rows answer of megabytes is not parsed whole to render the few rows its text has room for. Each
// returns std::string_view::npos where the text is not as expected; the caller then parses it whole.
constexpr std::size_t kBad = std::string_view::npos;

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// `s[i]` is a quote: the index past the closing one, the next quote not escaped by an odd run of
// backslashes (memchr finds quotes far faster than a loop over every character).
std::size_t skip_string(std::string_view s, std::size_t i) {
  for (std::size_t j = i + 1; j < s.size();) {
    const auto* quote = static_cast<const char*>(std::memchr(s.data() + j, '"', s.size() - j));
    if (!quote) return kBad;
    const auto at = static_cast<std::size_t>(quote - s.data());
    std::size_t backslashes = 0;
    while (s[at - 1 - backslashes] == '\\') ++backslashes;  // stops at the opening quote at the latest
    if (backslashes % 2 == 0) return at + 1;
    j = at + 1;
  }
  return kBad;
}

bool ends_scalar(char c) {
  return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skip_value(std::string_view s, std::size_t i) {
  if (i >= s.size()) return kBad;
  if (s[i] == '"') return skip_string(s, i);
  if (s[i] != '[' && s[i] != '{') {
    std::size_t end = i;
    while (end < s.size() && !ends_scalar(s[end])) ++end;
    return end > i ? end : kBad;
  }
  int depth = 0;
  for (std::size_t j = i; j < s.size();) {
    const char c = s[j];
    if (c == '"') {
      j = skip_string(s, j);
      if (j == kBad) return kBad;
      continue;
    }
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && --depth == 0) return j + 1;
    ++j;
  }
  return kBad;
}

// The texts of an array's items, or of an object's keys (quotes included) and values, in turn, read
// one at a time: a text that shows the first rows of 10,000 never splits the other 9,990.
class ItemScanner {
 public:
  ItemScanner(std::string_view s, char open, char close) : s_(s), close_(close), object_(open == '{') {
    i_ = skip_space(s, 0);
    if (i_ >= s.size() || s[i_] != open) {
      i_ = kBad;
      return;
    }
    i_ = skip_space(s, i_ + 1);
    done_ = i_ < s.size() && s[i_] == close;
  }

  // The next item; nothing at the close, or past anything not as expected (then !complete()).
  // `known`, when it is the text where the next item begins, is taken as that item unscanned.
  std::optional<std::string_view> next(std::optional<std::string_view> known = std::nullopt) {
    if (done_ || i_ == kBad) return std::nullopt;
    const bool at_known = known && known->data() == s_.data() + i_ && known->size() <= s_.size() - i_;
    const std::size_t end = at_known ? i_ + known->size() : skip_value(s_, i_);
    if (end == kBad) {
      i_ = kBad;
      return std::nullopt;
    }
    const std::string_view item = s_.substr(i_, end - i_);
    i_ = skip_space(s_, end);
    const bool key = object_ && ++items_ % 2 == 1;
    if (!key && i_ < s_.size() && s_[i_] == close_)
      done_ = true;
    else if (i_ < s_.size() && s_[i_] == (key ? ':' : ','))
      i_ = skip_space(s_, i_ + 1);
    else
      i_ = kBad;
    return item;
  }

  // True once the close was reached with every item as expected.
  bool complete() const { return done_; }

 private:
  std::string_view s_;
  char close_;
  bool object_;
  std::size_t i_ = 0;
  std::size_t items_ = 0;
  bool done_ = false;
};

std::optional<std::vector<std::string_view>> items_of(std::string_view s, char open, char close) {
  ItemScanner scanner(s, open, close);
  std::vector<std::string_view> items;
  while (auto item = scanner.next()) items.push_back(*item);
  if (!scanner.complete()) return std::nullopt;
  return items;
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Appends JSON text without the spaces between its tokens, as the parser would dump it (numbers as
// written), a run at a time: the values module writes no spaces, so there is one run between
// strings. Text with a string that does not end is appended as it is.
void append_compact(std::string& out, std::string_view json) {
  const std::size_t start = out.size();
  for (std::size_t i = 0; i < json.size();) {
    if (is_space(json[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    if (json[i] == '"') {
      end = skip_string(json, i);
      if (end == kBad) {
        out.resize(start);
        out.append(json);
        return;
      }
    } else {
      while (end < json.size() && json[end] != '"' && !is_space(json[end])) ++end;
    }
    out.append(json.substr(i, end - i));
    i = end;
  }
}

// {"type":"Point","coordinates":[x,y]} as POINT(x y), as point_text does.
std::optional<std::string> point_of(std::string_view json) {
  constexpr std::string_view kHead = R"({"type":"Point","coordinates":[)", kTail = "]}";
  if (!json.starts_with(kHead) || !json.ends_with(kTail)) return std::nullopt;
  std::string_view xy = json.substr(kHead.size(), json.size() - kHead.size() - kTail.size());
  const std::size_t comma = xy.find(',');
  const bool numeric = std::all_of(xy.begin(), xy.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == ',';
  });
  if (comma == std::string_view::npos || !numeric || xy.find(',', comma + 1) != std::string_view::npos ||
      comma == 0 || comma + 1 == xy.size())
    return std::nullopt;
  return "POINT(" + std::string(xy.substr(0, comma)) + " " + std::string(xy.substr(comma + 1)) + ")";
}

// Appends `text` with each '|' escaped, so that a row stays one line of cells.
void append_escaping_bars(std::string& out, std::string_view text) {
  for (std::size_t at = 0;;) {
    const std::size_t bar = text.find('|', at);
    out.append(text.substr(at, bar == std::string_view::npos ? bar : bar - at));
    if (bar == std::string_view::npos) return;
    out += "\\|";
    at = bar + 1;
  }
}

// Appends one cell from its JSON text, rendered as cell() renders the parsed value, but read in
// place: strings without escapes bare, numbers, objects and arrays as compact JSON with their
// numbers as written (the values module writes well-formed UTF-8 and JSON); a string with escapes
// is parsed. False, with nothing appended, when it is not a JSON value.
bool append_cell(std::string& line, std::string_view json) {
  if (json.empty()) return false;
  if (json == "null") {
    line += "NULL";
    return true;
  }
  const char first = json.front();
  if (first != '"' && first != '{' && first != '[') {  // numbers, true, false
    line += json;
    return true;
  }
  const std::size_t start = line.size();
  if (first == '{' || first == '[') {
    append_compact(line, json);
    const std::string_view written = std::string_view(line).substr(start);
    if (auto point = point_of(written)) {
      line.resize(start);
      line += *point;
    } else if (written.find('|') != std::string_view::npos) {
      const std::string text(written);
      line.resize(start);
      append_escaping_bars(line, text);
    }
    return true;
  }
  const std::string_view inner = json.size() >= 2 ? json.substr(1, json.size() - 2) : std::string_view();
  const bool plain = json.size() >= 2 && std::all_of(inner.begin(), inner.end(), [](char c) {
                       return c != '\\' && c != '"' && static_cast<unsigned char>(c) >= 0x20;
                     });
  if (plain) {
    append_escaping_bars(line, inner);
    return true;
  }
  Ordered value = Ordered::parse(json, nullptr, false);
  if (value.is_discarded()) return false;
  line += cell(value);
  return true;
}

// A row of the answer from its JSON text, or nothing when it is not an array of values.
std::optional<std::string> row_line(std::string_view row) {
  ItemScanner values(row, '[', ']');
  std::string line;
  line.reserve(row.size());
  for (bool first = true; auto value = values.next(); first = false) {
    if (!first) line += " | ";
    if (!append_cell(line, *value)) return std::nullopt;
  }
  if (!values.complete()) return std::nullopt;
  return line;
}

// Writes `count` rows, the i-th made by `row(i)`, under `header`, as many as fit; says how many did
// not. Rows past the first that does not fit are never made.
template <class MakeRow>
void write_table(TextWriter& out, const std::string& header, std::size_t count, MakeRow row) {
  if (!out.line(header)) return out.closing("(" + std::to_string(count) + " rows left out of this text)");
  for (std::size_t i = 0; i < count; ++i) {
    if (out.line(row(i))) continue;
    return out.closing("(" + std::to_string(count - i) +
                       " more rows are in the structured result; this text shows the first " +
                       std::to_string(i) + ")");
  }
}

// What a rows answer says besides its rows, read in place: a parse of even a short answer's columns
// cost more than the rest of its text.
struct RowsHead {
  std::vector<std::pair<std::string, std::string>> columns;  // name, type
  std::optional<std::size_t> row_count;
  bool truncated = false;
  std::vector<std::string> notices;
};

// A JSON string's value from its text (parsed only when it has escapes); nothing for anything else.
std::optional<std::string> string_value(std::string_view json) {
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') return std::nullopt;
  const std::string_view inner = json.substr(1, json.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  Ordered parsed = Ordered::parse(json, nullptr, false);
  if (!parsed.is_string()) return std::nullopt;
  return parsed.get<std::string>();
}

// [{"name": …, "type": …}, …]
std::optional<std::vector<std::pair<std::string, std::string>>> columns_of(std::string_view json) {
  std::vector<std::pair<std::string, std::string>> columns;
  ItemScanner items(json, '[', ']');
  while (auto item = items.next()) {
    ItemScanner members(*item, '{', '}');
    std::string name, type;
    while (auto key = members.next()) {
      auto value = members.next();
      auto key_text = string_value(*key);
      if (!value || !key_text) return std::nullopt;
      if (*key_text == "name") name = string_value(*value).value_or("");
      if (*key_text == "type") type = string_value(*value).value_or("");
    }
    if (!members.complete()) return std::nullopt;
    columns.emplace_back(std::move(name), std::move(type));
  }
  if (!items.complete()) return std::nullopt;
  return columns;
}

// False when a member is not as a rows answer has it.
bool read_head_member(RowsHead& head, std::string_view key, std::string_view value) {
  if (key == "columns") {
    auto columns = columns_of(value);
    if (!columns) return false;
    head.columns = std::move(*columns);
  } else if (key == "truncated") {
    head.truncated = value == "true";
  } else if (key == "row_count") {
    std::size_t count = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
    if (error == std::errc() && end == value.data() + value.size()) head.row_count = count;
  } else if (key == "notices") {
    Ordered notices = Ordered::parse(value, nullptr, false);
    if (!notices.is_array()) return false;
    for (const auto& notice : notices)
      if (notice.is_string()) head.notices.push_back(notice.get<std::string>());
  }
  return true;
}

// False when a row is not as expected (then nothing of what was written counts). `rows` is the
// answer's array of `count` rows, read only as far as the text has room for.
bool write_rows_answer(TextWriter& out, const RowsHead& head, std::size_t count, std::string_view rows) {
  std::string summary = count_of(count, "row") + (head.truncated ? " shown, more exist" : "");
  summary += ". Columns: ";
  for (std::size_t c = 0; c < head.columns.size(); ++c)
    summary += (c ? ", " : "") + head.columns[c].first + " (" + head.columns[c].second + ")";
  out.line(summary + ".");
  for (const auto& notice : head.notices) out.line("Note: " + notice);
  if (count == 0) return true;
  Ordered names = Ordered::array();
  for (const auto& column : head.columns) names.push_back(column.first);
  ItemScanner scanner(rows, '[', ']');
  bool read = true;
  write_table(out, table_line(names), count, [&](std::size_t) {
    auto row = read ? scanner.next() : std::nullopt;
    auto line = row ? row_line(*row) : std::nullopt;
    read = read && line;
    return line.value_or("");
  });
  return read;
}

// How many rows the answer says it holds ("row_count"), or else counts them.
std::optional<std::size_t> row_count(const RowsHead& head, std::string_view rows) {
  if (head.row_count) return head.row_count;
  auto items = items_of(rows, '[', ']');
  if (!items) return std::nullopt;
  return items->size();
}

// A rows answer ("columns" and "rows" at the top, as query writes it) read without parsing its rows:
// only those the text has room for are. Nothing when `structured` is not one, or not as expected.
// `known_rows`: the rows array's text, if the writer said where it is.
std::optional<std::string> render_rows(std::string_view structured, std::size_t budget,
                                       std::optional<std::string_view> known_rows) {
  ItemScanner members(structured, '{', '}');
  RowsHead head;
  bool has_columns = false;
  std::optional<std::string_view> rows;
  while (auto key_text = members.next()) {
    std::string_view key = *key_text;
    if (key.size() < 2 || key.front() != '"' || key.find('\\') != std::string_view::npos) return std::nullopt;
    key = key.substr(1, key.size() - 2);
    auto value_text = members.next(key == "rows" ? known_rows : std::nullopt);
    if (!value_text) return std::nullopt;
    std::string_view value = *value_text;
    if (key == "rows") rows = value;
    has_columns = has_columns || key == "columns";
    if (!read_head_member(head, key, value)) return std::nullopt;
  }
  if (!members.complete() || !rows || !has_columns) return std::nullopt;
  auto count = row_count(head, *rows);
  if (!count) return std::nullopt;
  TextWriter out(budget);
  if (!write_rows_answer(out, head, *count, *rows)) return std::nullopt;
  return out.take();
}

void write_value(TextWriter& out, const std::string& key, const Ordered& value, const std::string& indent);

// An array of objects is a table: one column per key, in the order keys first appear.
void write_object_array(TextWriter& out, const std::string& key, const Ordered& items,
                        const std::string& indent) {
  Ordered keys = Ordered::array();
  for (const auto& item : items)
    for (const auto& [name, unused] : item.items())
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(name);
  out.line(indent + key + " (" + std::to_string(items.size()) + "):");
  write_table(out, indent + table_line(keys), items.size(), [&](std::size_t i) {
    Ordered cells = Ordered::array();
    for (const auto& name : keys) cells.push_back(items[i].value(name.get<std::string>(), Ordered()));
    return indent + table_line(cells);
  });
}

void write_object(TextWriter& out, const Ordered& object, const std::string& indent) {
  for (const auto& [key, value] : object.items()) write_value(out, key, value, indent);
}

void write_value(TextWriter& out, const std::string& key, const Ordered& value, const std::string& indent) {
  bool table = value.is_array() && !value.empty() &&
               std::all_of(value.begin(), value.end(), [](const Ordered& item) { return item.is_object(); });
  if (table) return write_object_array(out, key, value, indent);
  if (value.is_object() && !value.empty()) {
    out.line(indent + key + ":");
    return write_object(out, value, indent + "  ");
  }
  if (value.is_array()) {
    std::string items;
    for (const auto& item : value) items += (items.empty() ? "" : ", ") + cell(item);
    return (void)out.line(indent + key + ": " + items);
  }
  out.line(indent + key + ": " + cell(value));
}

}  // namespace

std::string render_text(std::string_view structured, std::optional<std::string_view> rows) {
  constexpr std::size_t kMinimum =
      2000;                          // a short answer (a plan, a count) is shown whole, whatever its share
  constexpr std::size_t kShare = 5;  // a fifth of the structured answer: the line stays under 1.3x it
  const std::size_t budget = std::max(structured.size() / kShare, kMinimum);
  if (auto text = render_rows(structured, budget, rows)) return *text;
  TextWriter out(budget);
  Ordered answer = Ordered::parse(structured, nullptr, false);
  if (!answer.is_object()) return std::string(structured.substr(0, kMinimum));
  write_object(out, answer, "");
  return out.take();
}

}  // namespace tools
