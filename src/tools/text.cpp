// The text block of an answer, for hosts that show their model only the text: what the answer is,
// what it left out and why, and a compact table of its leading rows. Claude Code shows its model
// structuredContent instead, so the text is kept to a fifth of it: the line stays under 1.3x.
#include "tools/tool.hpp"

namespace tools {
namespace {

using Ordered = nlohmann::ordered_json;

// Characters the text costs once escaped into a JSON string: line breaks and quotes take two.
std::size_t escaped_size(std::string_view text) {
  std::size_t size = text.size();
  for (char c : text)
    if (c == '\n' || c == '"' || c == '\\') ++size;
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

// Writes `rows` under `header`, as many as fit; says how many did not.
void write_table(TextWriter& out, const std::string& header, const std::vector<std::string>& rows) {
  if (!out.line(header))
    return out.closing("(" + std::to_string(rows.size()) + " rows left out of this text)");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (out.line(rows[i])) continue;
    return out.closing("(" + std::to_string(rows.size() - i) +
                       " more rows are in the structured result; this text shows the first " +
                       std::to_string(i) + ")");
  }
}

void write_rows_answer(TextWriter& out, const Ordered& answer) {
  const Ordered& columns = answer["columns"];
  const Ordered& rows = answer["rows"];
  std::string summary =
      count_of(rows.size(), "row") + (answer.value("truncated", false) ? " shown, more exist" : "");
  summary += ". Columns: ";
  for (std::size_t c = 0; c < columns.size(); ++c)
    summary += (c ? ", " : "") + columns[c].value("name", "") + " (" + columns[c].value("type", "") + ")";
  out.line(summary + ".");
  for (const auto& notice : answer.value("notices", Ordered::array()))
    out.line("Note: " + notice.get<std::string>());
  if (rows.empty()) return;
  Ordered names = Ordered::array();
  for (const auto& column : columns) names.push_back(column.value("name", ""));
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) lines.push_back(table_line(row));
  write_table(out, table_line(names), lines);
}

void write_value(TextWriter& out, const std::string& key, const Ordered& value, const std::string& indent);

// An array of objects is a table: one column per key, in the order keys first appear.
void write_object_array(TextWriter& out, const std::string& key, const Ordered& items,
                        const std::string& indent) {
  Ordered keys = Ordered::array();
  for (const auto& item : items)
    for (const auto& [name, unused] : item.items())
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(name);
  std::vector<std::string> lines;
  for (const auto& item : items) {
    Ordered cells = Ordered::array();
    for (const auto& name : keys) cells.push_back(item.value(name.get<std::string>(), Ordered()));
    lines.push_back(indent + table_line(cells));
  }
  out.line(indent + key + " (" + std::to_string(items.size()) + "):");
  write_table(out, indent + table_line(keys), lines);
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

std::string render_text(std::string_view structured) {
  constexpr std::size_t kMinimum =
      2000;                          // a short answer (a plan, a count) is shown whole, whatever its share
  constexpr std::size_t kShare = 5;  // a fifth of the structured answer: the line stays under 1.3x it
  TextWriter out(std::max(structured.size() / kShare, kMinimum));
  Ordered answer = Ordered::parse(structured, nullptr, false);
  if (!answer.is_object()) return std::string(structured.substr(0, kMinimum));
  if (answer.contains("columns") && answer.contains("rows"))
    write_rows_answer(out, answer);
  else
    write_object(out, answer, "");
  return out.take();
}

}  // namespace tools
