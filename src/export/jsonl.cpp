// JSON lines: one JSON object per row, "\n" after each. Keys are the column names (a repeated name
// gets "_2", "_3"...), values as a JSON answer holds them.
#include "export/json_rows.hpp"

namespace exports {
namespace {

class JsonLinesWriter final : public Writer {
 public:
  JsonLinesWriter(std::unique_ptr<OutputFile> out, const values::Catalog& catalog)
      : out_(std::move(out)), catalog_(catalog) {}

  std::optional<fam::Failure> begin(std::span<const Column> columns) override {
    if (begun_) {
      if (auto failure = out_->restart()) return failure;
    }
    begun_ = true;
    keys_ = JsonKeys(columns);
    return std::nullopt;
  }

  std::optional<fam::Failure> row(Row values) override {
    line_.clear();
    append_object(line_, keys_, values, catalog_, JsonKeys::kNone);
    line_.push_back('\n');
    return out_->write(line_);
  }

  fam::Result<std::uint64_t> finish() override { return out_->finish(); }
  std::vector<std::string> notes() const override { return {}; }

 private:
  std::unique_ptr<OutputFile> out_;
  const values::Catalog& catalog_;
  JsonKeys keys_;
  std::string line_;  // one row, reused
  bool begun_ = false;
};

}  // namespace

fam::Result<std::unique_ptr<Writer>> open_jsonl(const std::filesystem::path& path,
                                                const values::Catalog& catalog) {
  return open_buffered<JsonLinesWriter>(path, catalog);
}

}  // namespace exports
