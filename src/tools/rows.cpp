// Runs statements for the tools and writes their answers as JSON within the answer budget.
#include "guard/guard.hpp"
#include "tools/plan.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

// The narrowest row worth planning for (two short columns): a call without max_rows fetches
// budget / this many rows, so the default follows from the budget.
constexpr std::size_t kMinRowChars = 40;
// Room kept after the rows for the counts, the list of cut values and the notices.
constexpr std::size_t kTailChars = 1500;
constexpr std::size_t kMaxOmittedListed = 20;

struct Omitted {
  int row;
  int column;
  std::size_t chars;
};

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

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

void write_omitted(std::string& out, std::size_t chars, std::size_t limit) {
  values::append_json_string(out, "[value omitted: " + with_commas(chars) + " characters, over the " +
                                      with_commas(limit) +
                                      "-character limit; select a part of it, e.g. left(col, 1000), "
                                      "octet_length(col) or ST_Simplify(geom, …)]");
}

// Writes the rows of `table`, as many as fit between here and `end`.
class RowWriter {
 public:
  RowWriter(std::string& out, const db::Table& table, const values::Catalog& catalog, std::size_t value_limit)
      : out_(out), table_(table), catalog_(catalog), value_limit_(value_limit) {
    for (int c = 0; c < table.column_count(); ++c) types_.push_back(catalog.find(table.column_type(c)));
  }

  // Returns how many rows were written.
  int write(int rows, std::size_t end) {
    out_ += ",\"rows\":";
    at_ = out_.size();
    out_ += '[';
    for (int r = 0; r < rows; ++r) {
      const std::size_t start = out_.size();
      const std::size_t omitted_before = omitted_.size();
      out_ += r ? ",[" : "[";
      for (int c = 0; c < table_.column_count(); ++c) {
        if (c) out_ += ',';
        write_value(r, c);
      }
      out_ += ']';
      if (out_.size() > end) {
        out_.resize(start);
        omitted_.resize(omitted_before);
        rows = r;
      }
    }
    out_ += ']';
    return rows;
  }

  // Where the rows array is in the answer (Answer::rows_at), once written.
  std::pair<std::size_t, std::size_t> at() const { return {at_, out_.size() - at_}; }
  const std::vector<Omitted>& omitted() const { return omitted_; }

 private:
  // Appends one value; one over the limit is replaced by a note on how to select less of it. The
  // database layer left out values over the limit before they were copied; escaping can still grow
  // one that was under it.
  void write_value(int row, int column) {
    if (auto size = table_.omitted_size(row, column)) return omit(row, column, *size);
    auto text = table_.value(row, column);
    if (!text) {
      out_ += "null";
      return;
    }
    const std::size_t start = out_.size();
    values::append_json(out_, *text, types_[static_cast<std::size_t>(column)], catalog_);
    if (out_.size() - start <= value_limit_) return;
    const std::size_t written = out_.size() - start;
    out_.resize(start);
    omit(row, column, written);
  }

  void omit(int row, int column, std::size_t chars) {
    omitted_.push_back({row, column, chars});
    write_omitted(out_, chars, value_limit_);
  }

  std::string& out_;
  const db::Table& table_;
  const values::Catalog& catalog_;
  std::vector<const values::Catalog::Entry*> types_;  // by column, looked up once
  std::size_t value_limit_;
  std::vector<Omitted> omitted_;
  std::size_t at_ = 0;
};

void write_strings(std::string& out, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += ",\"";
  out += key;
  out += "\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    values::append_json_string(out, items[i]);
  }
  out += ']';
}

// The database's notices share the budget: a statement can raise thousands of them.
std::vector<std::string> within(std::vector<std::string> notices, std::size_t budget) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < notices.size(); ++i) {
    used += notices[i].size() + 4;
    if (used <= budget) continue;
    std::size_t left_out = notices.size() - i;
    notices.resize(i);
    notices.push_back("(" + std::to_string(left_out) +
                      " more notices were left out to keep the answer small)");
    break;
  }
  return notices;
}

void write_omitted_list(std::string& out, const db::Table& table, const std::vector<Omitted>& omitted) {
  if (omitted.empty()) return;
  out += ",\"omitted_values\":[";
  for (std::size_t i = 0; i < omitted.size() && i < kMaxOmittedListed; ++i) {
    out += i ? ",{\"row\":" : "{\"row\":";
    out += std::to_string(omitted[i].row) + ",\"column\":";
    values::append_json_string(out, table.column_name(omitted[i].column));
    out += ",\"chars\":" + std::to_string(omitted[i].chars) + '}';
  }
  out += ']';
}

// What a cut answer tells its reader: what was shown, why, and the two ways to the rest.
std::string cut_notice(int shown, bool by_size, long max_rows, const Context& context) {
  const Limits& limits = context.limits;
  std::string ways =
      "narrow the query (filters, fewer columns, aggregation)" +
      std::string(by_size ? "" : ", raise max_rows (at most " + with_commas(limits.max_rows) + ")") +
      ", or " + context.phrasing.export_advice;
  if (by_size)
    return "Showing the first " + with_commas(static_cast<std::size_t>(shown)) +
           " rows: more exist, and this answer is limited to " + with_commas(limits.max_result_chars) +
           " characters. To get the rest, " + ways + ".";
  return "Showing max_rows=" + with_commas(static_cast<std::size_t>(max_rows)) +
         " rows: more exist. To get the rest, " + ways + ".";
}

// Progress while a statement runs: the seconds so far (which only grow), and the rows read.
db::Heartbeat running(Reporter& reporter) {
  return [&reporter](std::chrono::milliseconds elapsed, long rows) {
    const long seconds = static_cast<long>(elapsed.count() / 1000);
    reporter.progress(static_cast<double>(seconds), 0,
                      "running for " + std::to_string(seconds) + " s" +
                          (rows > 0 ? ", " + std::to_string(rows) + " rows read so far" : ""));
  };
}

}  // namespace

db::Outcome run_guarded(Context& context, const guard::GuardedSql& sql, db::RowBudget budget) {
  // A query is planned first, and refused unrun when too heavy; EXPLAIN itself needs no plan.
  db::Statement statement = db::Statement::guarded(sql, budget).with_heartbeat(running(context.reporter));
  std::vector<db::Statement> statements;
  if (sql.kind() == guard::StatementKind::kQuery) {
    context.reporter.progress(0, 0, "planning the query");
    statements = planned(sql, std::move(statement), context);
  } else {
    statements.push_back(std::move(statement));
  }
  return context.database.run(statements, context.cancel);
}

CallResult run_rows(Context& context, std::string_view sql, std::optional<long> asked_rows,
                    std::vector<std::string> notices) {
  guard::Verdict verdict = guard::check(sql);
  if (!verdict) return verdict.failure();
  const Limits& limits = context.limits;
  const long max_rows = std::min(
      asked_rows.value_or(static_cast<long>(limits.max_result_chars / kMinRowChars)), limits.max_rows);
  // One row more than asked tells us, without counting, that the result was cut. Text form and JSON
  // differ in size (hex geometry vs GeoJSON), hence half as much again held as the budget.
  const db::RowBudget budget{max_rows + 1, limits.max_result_chars * 3 / 2, limits.max_value_chars()};
  db::Outcome outcome = run_guarded(context, *verdict, budget);
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.back();
  notices.insert(notices.begin(), outcome->notices.begin(), outcome->notices.end());
  notices = within(std::move(notices), limits.max_result_chars / 4);

  std::string out = "{";
  write_columns(out, table, context.database.catalog());
  std::size_t tail = kTailChars;
  for (const auto& notice : notices) tail += notice.size() + 4;
  const std::size_t end =
      limits.max_result_chars > out.size() + tail ? limits.max_result_chars - tail : out.size();
  RowWriter rows(out, table, context.database.catalog(), limits.max_value_chars());
  const int fetched = static_cast<int>(std::min<long>(table.row_count(), max_rows));
  const int written = rows.write(fetched, end);
  const auto rows_at = rows.at();
  const bool by_size = written < fetched || table.cut_for_size();
  const bool truncated = by_size || table.row_count() > max_rows;
  if (truncated) notices.push_back(cut_notice(written, by_size, max_rows, context));
  if (!rows.omitted().empty())
    notices.push_back(
        std::to_string(rows.omitted().size()) + " values over " + with_commas(limits.max_value_chars()) +
        " characters were replaced by a note (see omitted_values); select a part of them instead");
  out += ",\"row_count\":" + std::to_string(written) + ",\"truncated\":" + (truncated ? "true" : "false");
  if (truncated) out += by_size ? ",\"truncated_by\":\"size\"" : ",\"truncated_by\":\"max_rows\"";
  write_omitted_list(out, table, rows.omitted());
  write_strings(out, "notices", notices);
  out += '}';
  return Answer{std::move(out), "", {}, "", rows_at};
}

}  // namespace tools
