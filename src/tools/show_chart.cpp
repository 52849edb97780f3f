// show_chart: the rows of a query as a chart over time (the MCP Apps view
// ui://fleet-analytics/chart), with a summary per series (points, min, max, mean, last) that a
// model can reason about without the view.
#include <limits>
#include <map>

#include "tools/views.hpp"

namespace tools {
namespace {

using nlohmann::json;

// More points than pixels across a chart draw nothing more; a query to aggregate further.
constexpr long kMaxPoints = 50000;
constexpr std::size_t kMaxDataBytes = 16u << 20;
constexpr std::size_t kMaxSeries = 24;  // a legend longer than this is not read

enum class Axis { kTime, kNumber, kText };

std::string_view axis_name(Axis axis) {
  return axis == Axis::kTime ? "time" : axis == Axis::kNumber ? "number" : "text";
}

Axis axis_of(values::Family family) {
  if (family == values::Family::kTimestamptz || family == values::Family::kTimestamp ||
      family == values::Family::kDate)
    return Axis::kTime;
  return is_numeric(family) ? Axis::kNumber : Axis::kText;
}

struct Series {
  std::string name;
  std::string points;  // "[x,y],[x,y]…"
  long count = 0;
  long numbers = 0;
  double min = std::numeric_limits<double>::infinity(), max = -min, sum = 0;
  std::string last_x = "null";
  std::optional<double> last_y;

  void add(const std::string& x, std::optional<double> y) {
    points += count++ ? ",[" : "[";
    points += x + "," + (y ? json(*y).dump() : "null") + "]";
    last_x = x;
    last_y = y;
    if (!y) return;
    ++numbers;
    min = std::min(min, *y);
    max = std::max(max, *y);
    sum += *y;
  }

  json summary() const {
    json out = {{"name", name}, {"points", count}};
    if (numbers) {
      out["min"] = min;
      out["max"] = max;
      out["mean"] = sum / static_cast<double>(numbers);
    }
    out["last"] = {{"x", json::parse(last_x)}, {"y", last_y ? json(*last_y) : json()}};
    return out;
  }
};

// What to plot: the x column, the y columns and the column that splits rows into series.
struct Plan {
  int x = 0;
  std::vector<int> ys;
  std::optional<int> series;
};

// The x range as the axis reads it: times and numbers by value, text by position.
class Range {
 public:
  explicit Range(Axis axis) : axis_(axis) {}
  void add(const std::string& x) {
    if (from_.empty()) {
      from_ = to_ = x;
      return;
    }
    if (axis_ == Axis::kText) {
      to_ = x;
      return;
    }
    if (axis_ == Axis::kTime ? x < from_ : number(x) < number(from_)) from_ = x;
    if (axis_ == Axis::kTime ? x > to_ : number(x) > number(to_)) to_ = x;
  }
  json from() const { return from_.empty() ? json() : json::parse(from_); }
  json to() const { return to_.empty() ? json() : json::parse(to_); }

 private:
  Axis axis_;
  std::string from_, to_;  // as JSON
};

class ChartBuilder {
 public:
  ChartBuilder(const db::Table& table, const values::Catalog& catalog, Plan plan)
      : table_(table),
        catalog_(catalog),
        plan_(std::move(plan)),
        axis_(axis_of(values::family(table.column_type(plan_.x), catalog))),
        range_(axis_) {}

  void build(int rows) {
    for (int r = 0; r < rows; ++r) {
      std::string x = x_value(r);
      if (x != "null") range_.add(x);
      for (int y : plan_.ys) {
        Series* series = find(series_name(r, y));
        if (!series) {
          ++dropped_;
          continue;
        }
        auto value = table_.value(r, y);
        series->add(x, value ? number(*value) : std::nullopt);
      }
    }
  }

  std::string data(std::string_view kind, const std::vector<std::string>& notes) const {
    std::string out = R"({"kind":"chart","chart":")" + std::string(kind) + R"(","x":)";
    out += json{{"column", table_.column_name(plan_.x)}, {"type", axis_name(axis_)}}.dump();
    out += R"(,"y_columns":)" + y_columns().dump() + R"(,"series":[)";
    for (std::size_t i = 0; i < series_.size(); ++i) {
      out += i ? ",{\"name\":" : "{\"name\":";
      values::append_json_string(out, series_[i].name);
      out += ",\"points\":[" + series_[i].points + "]}";
    }
    return out + "],\"notes\":" + json(notes).dump(-1, ' ', false, json::error_handler_t::replace) + "}";
  }

  // What the model reads of the rows.
  json summary(long rows, std::string_view kind, bool truncated,
               const std::vector<std::string>& notices) const {
    json series = json::array();
    for (const Series& one : series_) series.push_back(one.summary());
    json out = {{"rows", rows},
                {"kind", kind},
                {"x",
                 {{"column", table_.column_name(plan_.x)},
                  {"type", axis_name(axis_)},
                  {"from", range_.from()},
                  {"to", range_.to()}}},
                {"series", std::move(series)},
                {"truncated", truncated}};
    if (!notices.empty()) out["notices"] = notices;
    return out;
  }

  long dropped() const { return dropped_; }

 private:
  json y_columns() const {
    json names = json::array();
    for (int y : plan_.ys) names.push_back(table_.column_name(y));
    return names;
  }

  // The x of a row as JSON: times as ISO strings, numbers as numbers (numeric too), text as strings.
  std::string x_value(int row) const {
    auto value = table_.value(row, plan_.x);
    if (!value) return "null";
    if (axis_ == Axis::kNumber) {
      auto x = number(*value);
      return x ? json(*x).dump() : "null";
    }
    std::string x;
    values::append_json(x, *value, table_.column_type(plan_.x), catalog_);
    return x;
  }

  std::string series_name(int row, int y) const {
    if (!plan_.series) return std::string(table_.column_name(y));
    auto value = table_.value(row, *plan_.series);
    std::string group = value ? std::string(*value) : "NULL";
    return plan_.ys.size() == 1 ? group : group + " · " + std::string(table_.column_name(y));
  }

  // The series called `name`, added if there is room; nullptr once there are kMaxSeries.
  Series* find(const std::string& name) {
    if (auto known = index_.find(name); known != index_.end()) return &series_[known->second];
    if (series_.size() >= kMaxSeries) return nullptr;
    index_.emplace(name, series_.size());
    series_.emplace_back().name = name;
    return &series_.back();
  }

  const db::Table& table_;
  const values::Catalog& catalog_;
  Plan plan_;
  Axis axis_;
  Range range_;
  std::vector<Series> series_;
  std::map<std::string, std::size_t> index_;
  long dropped_ = 0;
};

// The named column, or a failure that lists the query's columns.
fam::Result<int> named_column(const db::Table& table, const values::Catalog& catalog,
                              std::string_view argument, std::string_view name) {
  if (auto index = column_index(table, name)) return *index;
  return invalid(std::string(argument) + " names no column \"" + std::string(name) +
                 "\" of the query; its columns are " + column_list(table, catalog));
}

// x: the argument, else the first time column, else the first column. y: the argument
// (comma-separated), else every numeric column but x and the series.
fam::Result<Plan> plan_of(const json& arguments, const db::Table& table, const values::Catalog& catalog) {
  Plan plan;
  if (arguments.contains("series")) {
    auto series = named_column(table, catalog, "series", arguments["series"].get<std::string>());
    if (!series) return series.failure();
    plan.series = *series;
  }
  if (arguments.contains("x")) {
    auto x = named_column(table, catalog, "x", arguments["x"].get<std::string>());
    if (!x) return x.failure();
    plan.x = *x;
  } else {
    plan.x = first_column(table, catalog,
                          {values::Family::kTimestamptz, values::Family::kTimestamp, values::Family::kDate})
                 .value_or(0);
  }
  std::string wanted = arguments.value("y", "");
  for (std::size_t at = 0; at < wanted.size();) {
    std::size_t comma = std::min(wanted.find(',', at), wanted.size());
    std::string name = wanted.substr(at, comma - at);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    auto y = named_column(table, catalog, "y", name);
    if (!y) return y.failure();
    plan.ys.push_back(*y);
    at = comma + 1;
  }
  for (int c = 0; wanted.empty() && c < table.column_count(); ++c)
    if (c != plan.x && c != plan.series && is_numeric(values::family(table.column_type(c), catalog)))
      plan.ys.push_back(c);
  if (plan.ys.empty())
    return invalid("show_chart needs a numeric column to plot, and the query has none beside x (" +
                   column_list(table, catalog) +
                   "); select one, e.g. count(*) AS positions or avg(speed_kmh)");
  return plan;
}

CallResult run(const json& arguments, Context& context) {
  guard::Verdict verdict = guard::check(arguments["sql"].get<std::string>());
  if (!verdict) return verdict.failure();
  if (verdict->kind() != guard::StatementKind::kQuery)
    return invalid("show_chart plots the rows of a query (SELECT …); run other statements with query");
  db::Outcome outcome = run_guarded(context, *verdict, {kMaxPoints + 1, kMaxDataBytes, 64u << 10});
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.back();
  const values::Catalog& catalog = context.database.catalog();
  auto plan = plan_of(arguments, table, catalog);
  if (!plan) return plan.failure();
  const std::string kind = arguments.value("kind", "line");
  const long rows = std::min<long>(table.row_count(), kMaxPoints);
  ChartBuilder chart(table, catalog, *plan);
  chart.build(static_cast<int>(rows));

  std::vector<std::string> notices = outcome->notices;
  const bool truncated = table.row_count() > kMaxPoints || table.cut_for_size();
  if (truncated)
    notices.push_back(
        "Plotting the first " + count_of(static_cast<std::size_t>(rows), "row") +
        ": more exist. Aggregate by a coarser time (date_trunc('hour', …)) or narrow the range.");
  if (chart.dropped())
    notices.push_back("Only the first " + std::to_string(kMaxSeries) + " series are plotted; " +
                      count_of(static_cast<std::size_t>(chart.dropped()), "value") +
                      " of further series were left out. Filter or group the series column.");
  return view_answer(chart.summary(rows, kind, truncated, notices), "chart", chart.data(kind, notices),
                     context.views);
}

}  // namespace

Tool show_chart_tool() {
  return Tool{
      "show_chart",
      "Show query rows as a chart",
      "Plot the rows of one read-only query as a chart shown to the analyst: x is a time column (default: "
      "the first one), y one or more numeric columns (default: all), series a column whose values split "
      "the rows into lines (e.g. imei). Aggregate in SQL first (date_trunc). The answer summarises each "
      "series (points, min, max, mean, last value) for you; the chart itself is for the analyst.",
      json::parse(R"({
        "type": "object",
        "properties": {
          "sql": {"type": "string", "description": "One read-only SQL query."},
          "x": {"type": "string", "description": "The column along the x axis."},
          "y": {"type": "string", "description": "Numeric column(s) to plot, comma-separated."},
          "series": {"type": "string", "description": "A column that splits rows into series."},
          "kind": {"type": "string", "enum": ["line", "area", "bar"]}
        },
        "required": ["sql"],
        "additionalProperties": false
      })"),
      json::parse(
          R"({"type": "object", "properties": {"rows": {"type": "integer"}, "series": {"type": "array"}, "x": {"type": "object"}, "view": {"type": "object"}}, "required": ["rows", "series", "view"]})"),
      run,
      /*writes_files=*/false,
      /*may_run_long=*/false,
      kChartUri};
}

}  // namespace tools
