// Runs statements for the tools and writes their rows as JSON, within the row and byte budgets.
#include "guard/guard.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

void write_columns(std::string& out, const db::Table& table, const values::Catalog& catalog) {
  out += "\"columns\":[";
  for (int c = 0; c < table.column_count(); ++c) {
    out += c ? ",{\"name\":" : "{\"name\":";
    values::append_json_string(out, table.column_name(c));
    out += ",\"type\":";
    values::append_json_string(out, catalog.display_name(table.column_type(c)));
    out += '}';
  }
  out += ']';
}

void write_omitted(std::string& out, std::size_t bytes, std::string_view form) {
  values::append_json_string(out, "[value omitted: " + std::to_string(bytes) + " bytes" + std::string(form) +
                                      ", over the per-value limit; select a part of it, e.g. left(col, 1000), "
                                      "octet_length(col) or ST_Simplify(geom, …)]");
}

// Appends one value; one larger than the limit is replaced by a note on how to select less of it.
// The database layer left out values over the limit before they were copied; escaping can still
// grow one that was under it.
void write_value(std::string& out, const db::Table& table, int row, int column, const values::Catalog& catalog,
                 std::size_t max_value_bytes) {
  if (auto omitted = table.omitted_size(row, column)) return write_omitted(out, *omitted, "");
  auto text = table.value(row, column);
  if (!text) {
    out += "null";
    return;
  }
  std::size_t start = out.size();
  values::append_json(out, *text, table.column_type(column), catalog);
  if (out.size() - start <= max_value_bytes) return;
  std::size_t written = out.size() - start;
  out.resize(start);
  write_omitted(out, written, " as JSON");
}

// Writes the rows that fit; returns how many.
int write_rows(std::string& out, const db::Table& table, const values::Catalog& catalog, long max_rows,
               const Limits& limits) {
  out += ",\"rows\":[";
  const std::size_t budget_end = out.size() + limits.max_result_bytes;
  int rows = static_cast<int>(std::min<long>(table.row_count(), max_rows));
  for (int r = 0; r < rows; ++r) {
    if (out.size() > budget_end) {
      rows = r;
      break;
    }
    out += r ? ",[" : "[";
    for (int c = 0; c < table.column_count(); ++c) {
      if (c) out += ',';
      write_value(out, table, r, c, catalog, limits.max_value_bytes);
    }
    out += ']';
  }
  out += ']';
  return rows;
}

void write_notices(std::string& out, const std::vector<std::string>& notices) {
  if (notices.empty()) return;
  out += ",\"notices\":[";
  for (std::size_t i = 0; i < notices.size(); ++i) {
    if (i) out += ',';
    values::append_json_string(out, notices[i]);
  }
  out += ']';
}

}  // namespace

CallResult run_rows(Context& context, std::string_view sql, long max_rows, std::vector<std::string> notices) {
  guard::Verdict verdict = guard::check(sql);
  if (!verdict) return verdict.failure();
  // One row more than asked tells us, without counting, that the result was cut.
  const db::RowBudget budget{max_rows + 1, context.limits.max_result_bytes, context.limits.max_value_bytes};
  const db::Statement statement = db::Statement::guarded(*verdict, budget);
  db::Outcome outcome = context.database.run({&statement, 1}, context.cancel);
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.front();
  const values::Catalog& catalog = context.database.catalog();
  notices.insert(notices.begin(), outcome->notices.begin(), outcome->notices.end());

  std::string out;
  out.reserve(256 + static_cast<std::size_t>(table.row_count()) * table.column_count() * 12);
  out += '{';
  write_columns(out, table, catalog);
  int written = write_rows(out, table, catalog, max_rows, context.limits);
  bool more_rows = table.row_count() > written || table.cut_for_size();
  if (table.cut_for_size() || written < std::min<long>(table.row_count(), max_rows)) {
    notices.push_back("the result was cut at " + std::to_string(written) + " rows to stay within " +
                      std::to_string(context.limits.max_result_bytes >> 10) +
                      " KiB; select fewer columns or aggregate");
  } else if (more_rows) {
    notices.push_back("more rows exist than max_rows=" + std::to_string(max_rows) +
                      "; aggregate, filter, or add ORDER BY … LIMIT to choose which rows you see");
  }
  out += ",\"row_count\":" + std::to_string(written) + ",\"truncated\":" + (more_rows ? "true" : "false");
  write_notices(out, notices);
  out += '}';
  return out;
}

CallResult run_json_statement(Context& context, const db::Statement& statement, std::string not_found) {
  db::Outcome outcome = context.database.run({&statement, 1}, context.cancel);
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.front();
  auto cell = table.row_count() > 0 && table.column_count() > 0 ? table.value(0, 0) : std::nullopt;
  if (!cell) return invalid(std::move(not_found));
  // PostgreSQL's json output is loosely spaced; the model's context deserves the compact form.
  return nlohmann::json::parse(*cell).dump();
}

}  // namespace tools
