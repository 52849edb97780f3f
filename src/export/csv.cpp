// CSV (RFC 4180): UTF-8 without a BOM, a header row, CRLF line ends. A field is quoted when it
// holds a comma, a quote, CR or LF, or is empty (so that "" differs from NULL, an empty field).
#include <algorithm>

#include "export/writers.hpp"

namespace exports {
namespace {

bool needs_quotes(char c) {
  return c == ',' || c == '"' || c == '\r' || c == '\n';
}

class CsvWriter final : public Writer {
 public:
  CsvWriter(std::unique_ptr<OutputFile> out, const values::Catalog& catalog)
      : out_(std::move(out)), catalog_(catalog) {}

  std::optional<fam::Failure> begin(std::span<const Column> columns) override {
    if (begun_) {
      if (auto failure = out_->restart()) return failure;
    }
    begun_ = true;
    types_.clear();
    families_.clear();
    line_.clear();
    for (const Column& column : columns) {
      types_.push_back(column.type);
      families_.push_back(values::family(column.type, catalog_));
      if (!line_.empty()) line_.push_back(',');
      const std::size_t mark = line_.size();
      values::append_valid_utf8(line_, column.name);
      quote_from(mark);
    }
    line_.append("\r\n");
    return out_->write(line_);
  }

  std::optional<fam::Failure> row(Row values) override {
    line_.clear();
    for (std::size_t i = 0; i < values.size() && i < types_.size(); ++i) {
      if (i != 0) line_.push_back(',');
      if (!values[i]) continue;  // NULL: an empty, unquoted field
      const std::size_t mark = line_.size();
      append_text(line_, *values[i], types_[i], families_[i], catalog_);
      quote_from(mark);
    }
    line_.append("\r\n");
    return out_->write(line_);
  }

  fam::Result<std::uint64_t> finish() override { return out_->finish(); }
  std::vector<std::string> notes() const override { return {}; }

 private:
  // Quotes line_[mark...] in place when RFC 4180 asks for it, doubling the quotes inside.
  void quote_from(std::size_t mark) {
    const std::string_view field = std::string_view(line_).substr(mark);
    if (!field.empty() && std::none_of(field.begin(), field.end(), needs_quotes)) return;
    field_.assign(field);
    line_.resize(mark);
    line_.push_back('"');
    for (char c : field_) {
      if (c == '"') line_.push_back('"');
      line_.push_back(c);
    }
    line_.push_back('"');
  }

  std::unique_ptr<OutputFile> out_;
  const values::Catalog& catalog_;
  std::vector<values::Oid> types_;
  std::vector<values::Family> families_;
  std::string line_;   // one row, reused
  std::string field_;  // a field being quoted, reused
  bool begun_ = false;
};

}  // namespace

fam::Result<std::unique_ptr<Writer>> open_csv(const std::filesystem::path& path,
                                              const values::Catalog& catalog) {
  return open_buffered<CsvWriter>(path, catalog);
}

}  // namespace exports
