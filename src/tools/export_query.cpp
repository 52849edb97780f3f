// export_query: every row of one query into a file on the analyst's machine. The rows go from the
// database to the file through a cursor, batch by batch; only a five-row preview reaches the model.
#include <chrono>

#include "export/export.hpp"
#include "guard/guard.hpp"
#include "tools/plan.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

constexpr std::size_t kPreviewRows = 5;
constexpr long kProgressEvery = 10'000;  // rows between progress notifications

// Takes the statement's rows into the writer within the export's bounds, keeping a preview.
class ExportSink final : public db::RowSink {
 public:
  ExportSink(exports::Writer& writer, const Context& context) : writer_(writer), context_(context) {}

  bool begin(std::span<const db::Column> columns) override {
    columns_.assign(columns.begin(), columns.end());
    std::vector<exports::Column> described;
    for (const db::Column& column : columns) described.push_back({column.name, column.type});
    rows_ = 0;
    value_bytes_ = 0;
    preview_.clear();
    cut_by_.clear();
    failure_ = writer_.begin(described);
    return !failure_;
  }

  bool row(std::span<const std::optional<std::string_view>> values) override {
    if (rows_ == context_.limits.export_max_rows) return stop("max_rows");
    if (value_bytes_ > context_.limits.export_max_bytes) return stop("size");
    failure_ = writer_.row(values);
    if (failure_) return false;
    for (const auto& value : values) value_bytes_ += value ? value->size() + 1 : 1;
    if (preview_.size() < kPreviewRows) keep_preview(values);
    if (++rows_ % kProgressEvery == 0)
      context_.reporter.progress(static_cast<double>(rows_), 0, std::to_string(rows_) + " rows written");
    return true;
  }

  long rows() const { return rows_; }
  const std::vector<db::Column>& columns() const { return columns_; }
  const std::vector<std::string>& preview() const { return preview_; }
  const std::optional<fam::Failure>& failure() const { return failure_; }
  // "max_rows" or "size" when rows were left out to stay within the export's bounds, else "".
  std::string_view cut_by() const { return cut_by_; }

 private:
  bool stop(std::string_view why) {
    cut_by_ = why;
    return false;
  }

  void keep_preview(std::span<const std::optional<std::string_view>> values) {
    std::string row = "[";
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (c) row += ',';
      if (!values[c]) {
        row += "null";
        continue;
      }
      std::size_t start = row.size();
      values::append_json(row, *values[c], columns_[c].type, context_.database.catalog());
      constexpr std::size_t kPreviewValueChars = 200;  // a preview shows what a value is like, not all of it
      if (row.size() - start > kPreviewValueChars) {
        row.resize(start);
        values::append_json_string(row, "[" + std::to_string(values[c]->size()) + " bytes]");
      }
    }
    preview_.push_back(row + "]");
  }

  exports::Writer& writer_;
  const Context& context_;
  std::vector<db::Column> columns_;
  std::vector<std::string> preview_;  // JSON arrays
  long rows_ = 0;
  std::uint64_t value_bytes_ = 0;
  std::string cut_by_;
  std::optional<fam::Failure> failure_;
};

// A file: URI for the path, with every byte outside RFC 3986's unreserved set (and '/') escaped.
std::string file_uri(const std::filesystem::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri;
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 10'000) return std::to_string(bytes) + " bytes";
  if (bytes < 10'000'000) return std::to_string(bytes / 1000) + " kB";
  return std::to_string(bytes / 1'000'000) + " MB";
}

struct Written {
  std::filesystem::path path;
  exports::Format format;
  std::uint64_t bytes;
  std::vector<std::string> notices;
};

std::string structured(const ExportSink& sink, const Written& file, const values::Catalog& catalog) {
  std::string out = "{\"path\":";
  values::append_json_string(out, file.path.string());
  out += ",\"format\":\"" + std::string(exports::format_name(file.format)) + "\"";
  out += ",\"rows\":" + std::to_string(sink.rows()) + ",\"bytes\":" + std::to_string(file.bytes);
  out += ",\"columns\":[";
  for (std::size_t c = 0; c < sink.columns().size(); ++c) {
    out += c ? ",{\"name\":" : "{\"name\":";
    values::append_json_string(out, sink.columns()[c].name);
    out += ",\"type\":";
    values::append_json_string(out, catalog.display_name(sink.columns()[c].type));
    out += '}';
  }
  out += "],\"truncated\":" + std::string(sink.cut_by().empty() ? "false" : "true");
  if (!sink.cut_by().empty()) out += ",\"truncated_by\":\"" + std::string(sink.cut_by()) + "\"";
  out += ",\"preview\":[";
  for (std::size_t r = 0; r < sink.preview().size(); ++r) out += (r ? "," : "") + sink.preview()[r];
  out += "]";
  if (!file.notices.empty()) out += ",\"notices\":" + nlohmann::json(file.notices).dump();
  return out + "}";
}

std::string text(const ExportSink& sink, const Written& file) {
  std::string out = "Exported " + count_of(static_cast<std::size_t>(sink.rows()), "row") + " (" +
                    count_of(sink.columns().size(), "column") + ", " + size_text(file.bytes) + ") to " +
                    file.path.string() +
                    " on the analyst's machine; the rows did not pass through this conversation.";
  for (const std::string& notice : file.notices) out += "\nNote: " + notice;
  if (sink.preview().empty()) return out;
  out += "\nFirst rows (JSON arrays, columns:";
  for (const db::Column& column : sink.columns()) out += " " + column.name;
  out += "):";
  for (const std::string& row : sink.preview()) out += "\n" + row;
  return out;
}

std::string link(const Written& file) {
  nlohmann::json block = {{"type", "resource_link"},
                          {"uri", file_uri(file.path)},
                          {"name", file.path.filename().string()},
                          {"mimeType", exports::media_type(file.format)},
                          {"size", file.bytes}};
  return block.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> cut_notices(const ExportSink& sink, const Limits& limits) {
  if (sink.cut_by() == "max_rows")
    return {"The export stopped at " + std::to_string(limits.export_max_rows) +
            " rows (the server's --export-max-rows); more rows exist. Split it, e.g. by time range."};
  if (sink.cut_by() == "size")
    return {"The export stopped at " + size_text(limits.export_max_bytes) +
            " of values (the server's --export-max-mb); more rows exist. Select fewer columns or split it."};
  return {};
}

// Removes what an export that did not finish left behind.
fam::Failure discard(const std::filesystem::path& path, fam::Failure failure) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  failure.message = "the export failed and its partial file was removed: " + failure.message;
  return failure;
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  guard::Verdict verdict = guard::check(arguments["sql"].get_ref<const std::string&>());
  if (!verdict) return verdict.failure();
  if (verdict->kind() != guard::StatementKind::kQuery)
    return invalid(
        "export_query exports the rows of a query (SELECT, WITH, VALUES or TABLE); run EXPLAIN with query");
  auto format = exports::parse_format(arguments["format"].get<std::string>());
  if (!format) return invalid("format must be one of csv, xlsx, geojson, jsonl");
  const std::filesystem::path directory = context.limits.export_dir.empty()
                                              ? exports::default_directory()
                                              : std::filesystem::path(context.limits.export_dir);
  auto path = exports::create_file(directory, arguments.value("name", ""), *format);
  if (!path) return path.failure();
  auto writer = exports::open_writer(*format, *path, context.database.catalog());
  if (!writer) return discard(*path, writer.failure());
  ExportSink sink(**writer, context);
  const std::vector<db::Statement> statements =
      planned(*verdict, db::Statement::streamed(*verdict, sink, context.limits.export_max_rows + 1), context);
  db::Outcome outcome = context.database.run(statements, context.cancel);
  if (!outcome) return discard(*path, outcome.failure());
  if (sink.failure()) return discard(*path, *sink.failure());
  auto bytes = (*writer)->finish();
  if (!bytes) return discard(*path, bytes.failure());
  Written file{*path, *format, *bytes, outcome->notices};
  for (std::string& note : (*writer)->notes()) file.notices.push_back(std::move(note));
  for (std::string& note : cut_notices(sink, context.limits)) file.notices.push_back(std::move(note));
  return Answer{structured(sink, file, context.database.catalog()), text(sink, file), {link(file)}};
}

}  // namespace

Tool export_query_tool() {
  return Tool{
      "export_query",
      "Export a query's rows to a file",
      "Save every row of one read-only query (up to a million) to a file on the analyst's machine: "
      "csv, xlsx, geojson (needs a geometry column) or jsonl. The rows do not enter this conversation; "
      "the answer gives the path and first rows. Use it for files, spreadsheets, or results too big "
      "for query.",
      nlohmann::json::parse(R"({
                "type": "object",
                "properties": {
                  "sql": {"type": "string", "description": "One read-only SQL query."},
                  "format": {"type": "string", "enum": ["csv", "xlsx", "geojson", "jsonl"]},
                  "name": {"type": "string", "maxLength": 100, "description": "File name, e.g. trips-june."}
                },
                "required": ["sql", "format"],
                "additionalProperties": false
              })"),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"path": {"type": "string"}, "rows": {"type": "integer"}, "bytes": {"type": "integer"}, "truncated": {"type": "boolean"}}, "required": ["path", "format", "rows", "bytes", "columns", "truncated"]})"),
      run,
      /*writes_files=*/true,
      /*may_run_long=*/true};
}

}  // namespace tools
