#include "commands/format.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace commands {
namespace {

using nlohmann::json;

std::string cell_text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// Terminal columns taken by UTF-8 text: one per code point (wide CJK glyphs are rare in fleet data).
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  std::string fill(width - std::min(width, display_width(text)), ' ');
  return right ? fill + text : text + fill;
}

// The header and each column's width; the rows are laid out again as they are printed, so that
// the cells of a large result are never all held as strings at once.
struct Grid {
  std::vector<std::string> header;
  std::vector<std::size_t> widths;
};

struct Row {
  std::vector<std::string> cells;
  std::vector<bool> numeric;
};

Row row_cells(const json& row, std::size_t columns) {
  Row out;
  for (std::size_t i = 0; i < row.size() && i < columns; ++i) {
    out.cells.push_back(one_line(cell_text(row[i])));
    out.numeric.push_back(row[i].is_number());
  }
  return out;
}

Grid layout(const json& result) {
  Grid grid;
  for (const auto& column : result.at("columns")) {
    grid.header.push_back(one_line(column.at("name").get<std::string>()));
    grid.widths.push_back(display_width(grid.header.back()));
  }
  for (const auto& row : result.at("rows")) {
    Row cells = row_cells(row, grid.widths.size());
    for (std::size_t i = 0; i < cells.cells.size(); ++i)
      grid.widths[i] = std::max(grid.widths[i], display_width(cells.cells[i]));
  }
  return grid;
}

std::string table_line(const std::vector<std::string>& cells, const std::vector<bool>& numeric,
                       const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    line += (i == 0 ? " " : " | ") + pad(cells[i], widths[i], !numeric.empty() && numeric[i]);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos && (text.empty() || text.front() != ' '))
    return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i == 0 ? "" : ",") + csv_field(fields[i]);
  return line + "\n";
}

}  // namespace

std::string format_table(const json& result) {
  Grid grid = layout(result);
  std::string out = table_line(grid.header, {}, grid.widths);
  for (std::size_t i = 0; i < grid.widths.size(); ++i)
    out += (i == 0 ? "" : "+") + std::string(grid.widths[i] + 2, '-');
  out += "\n";
  for (const auto& row : result.at("rows")) {
    Row cells = row_cells(row, grid.widths.size());
    out += table_line(cells.cells, cells.numeric, grid.widths);
  }
  std::size_t rows = result.at("rows").size();
  return out + "(" + std::to_string(rows) + (rows == 1 ? " row)\n" : " rows)\n");
}

std::string format_csv(const json& result) {
  std::vector<std::string> header;
  for (const auto& column : result.at("columns")) header.push_back(column.at("name").get<std::string>());
  std::string out = csv_line(header);
  for (const auto& row : result.at("rows")) {
    std::vector<std::string> fields;
    for (const auto& value : row) fields.push_back(cell_text(value));
    out += csv_line(fields);
  }
  return out;
}

}  // namespace commands
