// show_map: the rows of a query drawn on a map (the MCP Apps view ui://fleet-analytics/map), with
// a summary a model can reason about without the view: what was drawn, where, when, and how the
// colour column is spread.
#include <limits>
#include <map>

#include "tools/views.hpp"

namespace tools {
namespace {

using nlohmann::json;

// A map stays fluid with clustering up to about this many features; more are a query to narrow.
constexpr long kMaxFeatures = 20000;
constexpr std::size_t kMaxDataBytes = 24u << 20;  // rows held, in PostgreSQL's text form
constexpr std::size_t kMaxValueBytes = 2u << 20;  // one geometry: a detailed district polygon
constexpr std::size_t kMaxCategories = 12;        // a legend longer than this is not read

struct Bounds {
  double west = std::numeric_limits<double>::infinity(), south = west;
  double east = -west, north = -west;

  void add(const json& coordinates) {
    if (coordinates.is_array() && coordinates.size() >= 2 && coordinates[0].is_number()) {
      west = std::min(west, coordinates[0].get<double>());
      east = std::max(east, coordinates[0].get<double>());
      south = std::min(south, coordinates[1].get<double>());
      north = std::max(north, coordinates[1].get<double>());
      return;
    }
    if (coordinates.is_array())
      for (const json& inner : coordinates) add(inner);
  }
  void add_geometry(const json& geometry) {
    if (geometry.contains("geometries"))
      for (const json& part : geometry["geometries"]) add_geometry(part);
    else if (geometry.contains("coordinates"))
      add(geometry["coordinates"]);
  }
  bool empty() const { return west > east; }
};

// Reads the rows once: the view's features and what the summary says of them.
class MapBuilder {
 public:
  MapBuilder(const db::Table& table, const values::Catalog& catalog, int geometry, std::optional<int> colour,
             std::optional<int> time)
      : table_(table), catalog_(catalog), geometry_(geometry), colour_(colour), time_(time) {
    colour_numeric_ = colour && is_numeric(values::family(table.column_type(*colour), catalog));
  }

  // nullopt when the geometries are not longitude/latitude; otherwise the features.
  std::optional<fam::Failure> build(int rows) {
    data_ = R"({"kind":"map","type":"FeatureCollection","features":[)";
    for (int r = 0; r < rows; ++r) {
      auto value = table_.value(r, geometry_);
      if (!value || table_.omitted_size(r, geometry_)) {
        ++without_geometry_;
        continue;
      }
      if (auto srid = values::ewkb_srid(*value); srid && *srid != 0 && *srid != 4326)
        return not_lon_lat(*srid);
      std::string geometry;
      if (!values::append_geojson_geometry(geometry, *value)) {
        ++without_geometry_;
        continue;
      }
      json parsed = json::parse(geometry);
      ++types_[parsed.value("type", "Geometry")];
      bounds_.add_geometry(parsed);
      data_ += drawn_++ ? ",{\"type\":\"Feature\",\"geometry\":" : "{\"type\":\"Feature\",\"geometry\":";
      data_ += geometry;
      add_properties(r);
      data_ += '}';
    }
    data_ += ']';
    return std::nullopt;
  }

  std::string data(const std::vector<std::string>& notes) {
    json rest = {{"colour_by", colour_ ? json(std::string(table_.column_name(*colour_))) : json()},
                 {"colour", colour_json()},
                 {"time_column", time_ ? json(std::string(table_.column_name(*time_))) : json()},
                 {"notes", notes}};
    json columns = json::array();
    for (int c = 0; c < table_.column_count(); ++c)
      columns.push_back(
          {{"name", table_.column_name(c)}, {"type", catalog_.display_name(table_.column_type(c))}});
    rest["columns"] = std::move(columns);
    std::string tail = rest.dump(-1, ' ', false, json::error_handler_t::replace);
    return data_ + "," + tail.substr(1);
  }

  // What the model reads of the rows.
  json summary(long rows, bool truncated, const std::vector<std::string>& notices) const {
    json out = {{"rows", rows},
                {"drawn", drawn_},
                {"geometry", {{"column", table_.column_name(geometry_)}, {"types", types_}}}};
    if (!bounds_.empty()) out["bbox"] = {bounds_.west, bounds_.south, bounds_.east, bounds_.north};
    if (time_ && !time_from_.empty())
      out["time"] = {{"column", table_.column_name(*time_)},
                     {"from", json::parse(time_from_)},
                     {"to", json::parse(time_to_)}};
    if (colour_) out["colour_by"] = colour_summary();
    out["truncated"] = truncated;
    if (!notices.empty()) out["notices"] = notices;
    return out;
  }

  long without_geometry() const { return without_geometry_; }

 private:
  fam::Failure not_lon_lat(std::uint32_t srid) const {
    std::string column(table_.column_name(geometry_));
    return invalid("show_map draws longitude/latitude (SRID 4326), and column " + column + " is in SRID " +
                   std::to_string(srid) + ": select ST_Transform(" + column + ", 4326) AS " + column +
                   " instead");
  }

  void add_properties(int r) {
    data_ += ",\"properties\":{";
    bool first = true;
    for (int c = 0; c < table_.column_count(); ++c) {
      if (c == geometry_) continue;
      data_ += first ? "" : ",";
      first = false;
      values::append_json_string(data_, table_.column_name(c));
      data_ += ':';
      auto value = table_.value(r, c);
      if (!value || table_.omitted_size(r, c)) {
        data_ += "null";
        continue;
      }
      const std::size_t start = data_.size();
      values::append_json(data_, *value, table_.column_type(c), catalog_);
      if (colour_ && c == *colour_) note_colour(*value, std::string_view(data_).substr(start));
      if (time_ && c == *time_) note_time(data_.substr(start));
    }
    data_ += '}';
  }

  // A category is named as the view reads it from the feature: a string's own text, else its JSON.
  void note_colour(std::string_view text, std::string_view json_text) {
    if (!colour_numeric_) {
      ++categories_[std::string(json_text.starts_with('"') ? text : json_text)];
      return;
    }
    if (auto value = number(text)) {
      colour_min_ = std::min(colour_min_, *value);
      colour_max_ = std::max(colour_max_, *value);
    }
  }

  // ISO-8601 texts in one layout sort as their times do.
  void note_time(const std::string& iso) {
    if (time_from_.empty() || iso < time_from_) time_from_ = iso;
    if (time_to_.empty() || iso > time_to_) time_to_ = iso;
  }

  std::vector<std::pair<std::string, long>> top_categories() const {
    std::vector<std::pair<std::string, long>> top(categories_.begin(), categories_.end());
    std::stable_sort(top.begin(), top.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return top;
  }

  json colour_json() const {
    if (!colour_) return nullptr;
    if (colour_numeric_)
      return colour_min_ <= colour_max_
                 ? json{{"type", "numeric"}, {"min", colour_min_}, {"max", colour_max_}}
                 : json{{"type", "numeric"}};
    json values = json::array();
    for (const auto& [value, rows] : top_categories())
      if (values.size() < kMaxCategories) values.push_back(value);
    return {{"type", "category"}, {"values", std::move(values)}};
  }

  json colour_summary() const {
    json out = colour_json();
    out["column"] = table_.column_name(*colour_);
    if (colour_numeric_) return out;
    json counted = json::array();
    long others = 0;
    for (const auto& [value, rows] : top_categories()) {
      if (counted.size() < kMaxCategories)
        counted.push_back({{"value", value}, {"rows", rows}});
      else
        others += rows;
    }
    out["values"] = std::move(counted);
    if (others) out["other_rows"] = others;
    return out;
  }

  const db::Table& table_;
  const values::Catalog& catalog_;
  int geometry_;
  std::optional<int> colour_, time_;
  bool colour_numeric_ = false;
  std::string data_;
  long drawn_ = 0, without_geometry_ = 0;
  std::map<std::string, long> types_;
  Bounds bounds_;
  double colour_min_ = std::numeric_limits<double>::infinity(), colour_max_ = -colour_min_;
  std::map<std::string, long> categories_;
  std::string time_from_, time_to_;
};

CallResult run(const json& arguments, Context& context) {
  guard::Verdict verdict = guard::check(arguments["sql"].get<std::string>());
  if (!verdict) return verdict.failure();
  if (verdict->kind() != guard::StatementKind::kQuery)
    return invalid("show_map draws the rows of a query (SELECT …); run other statements with query");
  db::Outcome outcome = run_guarded(context, *verdict, {kMaxFeatures + 1, kMaxDataBytes, kMaxValueBytes});
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.back();
  const values::Catalog& catalog = context.database.catalog();
  auto geometry = first_column(table, catalog, {values::Family::kGeometry});
  if (!geometry)
    return invalid("show_map needs a geometry or geography column, and the query returns none (" +
                   column_list(table, catalog) +
                   "); select one, e.g. geom, or ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom");
  std::optional<int> colour;
  if (arguments.contains("colour_by")) {
    colour = column_index(table, arguments["colour_by"].get<std::string>());
    if (!colour)
      return invalid("colour_by names no column of the query; its columns are " +
                     column_list(table, catalog));
  }
  auto time = first_column(table, catalog,
                           {values::Family::kTimestamptz, values::Family::kTimestamp, values::Family::kDate});
  const long rows = std::min<long>(table.row_count(), kMaxFeatures);
  MapBuilder map(table, catalog, *geometry, colour, time);
  if (auto failure = map.build(static_cast<int>(rows))) return *failure;

  std::vector<std::string> notices = outcome->notices;
  const bool truncated = table.row_count() > kMaxFeatures || table.cut_for_size();
  if (truncated)
    notices.push_back("Drawing the first " + count_of(static_cast<std::size_t>(rows), "row") +
                      ": more exist. Narrow the query (a time range, some vehicles) or thin it out (e.g. one "
                      "position per vehicle per minute) to see them all.");
  if (map.without_geometry())
    notices.push_back(count_of(static_cast<std::size_t>(map.without_geometry()), "row") +
                      " without a usable geometry (NULL, or over 2 MB: ST_Simplify it) are not drawn.");
  return view_answer(map.summary(rows, truncated, notices), "map", map.data(notices), context.views);
}

}  // namespace

Tool show_map_tool() {
  return Tool{
      "show_map",
      "Show query rows on a map",
      "Draw the rows of one read-only query on a map shown to the analyst (positions, trips, geofences): "
      "the query must return a PostGIS geometry or geography column (longitude/latitude), the other "
      "columns show in each feature's popup. colour_by names a column to colour by (speed_kmh, imei, "
      "alarm_type). Up to 20,000 rows are drawn. The answer summarises what was drawn (counts, bounding "
      "box, time range, colour spread) for you; the map itself is for the analyst.",
      json::parse(R"({
        "type": "object",
        "properties": {
          "sql": {"type": "string", "description": "One read-only SQL query with a geometry column."},
          "colour_by": {"type": "string", "description": "A column of the query to colour features by."}
        },
        "required": ["sql"],
        "additionalProperties": false
      })"),
      json::parse(
          R"({"type": "object", "properties": {"rows": {"type": "integer"}, "drawn": {"type": "integer"}, "bbox": {"type": "array"}, "view": {"type": "object"}}, "required": ["rows", "drawn", "view"]})"),
      run,
      /*writes_files=*/false,
      /*may_run_long=*/false,
      kMapUri};
}

}  // namespace tools
