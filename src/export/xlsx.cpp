// XLSX through libxlsxwriter in constant-memory mode (one row in memory, the rest in temporary
// files beside the export): a worksheet "rows" with a bold, frozen header and typed cells,
// continued on "rows 2", "rows 3"... past Excel's row limit.
#include <xlsxwriter.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "export/cells.hpp"
#include "export/writers.hpp"

namespace exports {
namespace {

using values::Family;

constexpr std::size_t kMaxCellChars = 32767;  // Excel's limit on the characters in one cell
constexpr double kMinWidth = 10;              // columns narrower than this hide short numbers
constexpr double kMaxWidth = 60;              // a long header should not push the rest off screen
constexpr double kTimestampWidth = 24;        // "yyyy-mm-dd hh:mm:ss.000" and a margin

struct WorkbookCloser {
  void operator()(lxw_workbook* workbook) const { lxw_workbook_free(workbook); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookCloser>;

class XlsxWriter final : public Writer {
 public:
  XlsxWriter(std::filesystem::path path, const values::Catalog& catalog, std::uint32_t rows_per_sheet)
      : path_(std::move(path)), catalog_(catalog), rows_per_sheet_(rows_per_sheet) {
    const std::filesystem::path dir = path_.parent_path();
    tmpdir_ = dir.empty() ? std::string(".") : dir.string();
  }

  std::optional<fam::Failure> begin(std::span<const Column> columns) override {
    if (columns.size() > LXW_COL_MAX) {
      return fam::Failure{fam::FailureKind::kInvalid,
                          "Excel holds at most 16,384 columns and the query returns " +
                              std::to_string(columns.size()) + "; select fewer columns, or export as csv",
                          ""};
    }
    workbook_.reset();  // a retry: drop the workbook begun before, unwritten
    notes_.clear();
    lxw_workbook_options options = {LXW_TRUE, tmpdir_.data(), LXW_FALSE};
    workbook_.reset(workbook_new_opt(path_.c_str(), &options));
    if (!workbook_) return failure("create the workbook for", LXW_ERROR_MEMORY_MALLOC_FAILED);
    make_formats();
    columns_.assign(columns.begin(), columns.end());
    families_.clear();
    for (const Column& column : columns_) families_.push_back(values::family(column.type, catalog_));
    sheets_ = 0;
    return new_sheet();
  }

  std::optional<fam::Failure> row(Row values) override {
    if (!workbook_) return failure("write", LXW_ERROR_NULL_PARAMETER_IGNORED);
    if (row_ == rows_per_sheet_) {
      if (auto failure = new_sheet()) return failure;
      notes_.add(
          "the rows did not fit in one worksheet (Excel's limit is 1,048,576 rows); they continue on "
          "\"rows 2\" and on, each with the header");
    }
    for (std::size_t i = 0; i < values.size() && i < columns_.size(); ++i) {
      if (!values[i]) continue;  // NULL: an empty cell
      if (const lxw_error error = write_cell(static_cast<lxw_col_t>(i), *values[i], i)) {
        return failure("write", error);
      }
    }
    ++row_;
    return std::nullopt;
  }

  fam::Result<std::uint64_t> finish() override {
    if (!workbook_) return *failure("finish", LXW_ERROR_NULL_PARAMETER_IGNORED);
    const lxw_error error = workbook_close(workbook_.release());  // frees the workbook either way
    if (error != LXW_NO_ERROR) return *failure("write", error);
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path_, ec);
    if (ec) return *failure("read the size of", LXW_ERROR_CREATING_XLSX_FILE);
    return static_cast<std::uint64_t>(size);
  }

  std::vector<std::string> notes() const override { return notes_.all(); }

 private:
  void make_formats() {
    bold_ = workbook_add_format(workbook_.get());
    format_set_bold(bold_);
    date_ = number_format("yyyy-mm-dd");
    datetime_ = number_format("yyyy-mm-dd hh:mm:ss");
    datetime_ms_ = number_format("yyyy-mm-dd hh:mm:ss.000");
    time_ = number_format("hh:mm:ss");
  }

  lxw_format* number_format(const char* pattern) {
    lxw_format* format = workbook_add_format(workbook_.get());
    format_set_num_format(format, pattern);
    return format;
  }

  std::optional<fam::Failure> new_sheet() {
    const std::string name = ++sheets_ == 1 ? "rows" : "rows " + std::to_string(sheets_);
    sheet_ = workbook_add_worksheet(workbook_.get(), name.c_str());
    if (sheet_ == nullptr) return failure("add a worksheet to", LXW_ERROR_MEMORY_MALLOC_FAILED);
    worksheet_freeze_panes(sheet_, 1, 0);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const auto col = static_cast<lxw_col_t>(i);
      worksheet_set_column(sheet_, col, col, width(i), nullptr);
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      cell_.clear();
      values::append_valid_utf8(cell_, columns_[i].name);
      cells::cut_to_chars(cell_, kMaxCellChars);
      const lxw_error error =
          worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(i), cell_.c_str(), bold_);
      if (error != LXW_NO_ERROR) return failure("write", error);
    }
    row_ = 1;
    return std::nullopt;
  }

  double width(std::size_t i) const {
    std::size_t chars = 0;
    for (const char c : columns_[i].name) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    double w = std::clamp(static_cast<double>(chars) + 2, kMinWidth, kMaxWidth);
    if (families_[i] == Family::kTimestamp || families_[i] == Family::kTimestamptz)
      w = std::max(w, kTimestampWidth);
    return w;
  }

  lxw_error write_cell(lxw_col_t col, std::string_view text, std::size_t i) {
    const Family family = families_[i];
    switch (family) {
      case Family::kInteger:
      case Family::kBigint:
        if (auto n = cells::exact_integer(text))
          return worksheet_write_number(sheet_, row_, col, *n, nullptr);
        if (family == Family::kBigint) {
          notes_.add("integers beyond 2^53 are text cells, so that no digit is lost (Excel keeps 15)");
        }
        break;
      case Family::kFloat:
        if (auto n = cells::finite_float(text)) return worksheet_write_number(sheet_, row_, col, *n, nullptr);
        break;
      case Family::kNumeric:
        if (auto n = cells::short_numeric(text))
          return worksheet_write_number(sheet_, row_, col, *n, nullptr);
        notes_.add(
            "numeric values with more than 15 significant digits are text cells, so that no digit is "
            "lost (Excel keeps 15)");
        break;
      case Family::kBool:
        if (text == "t" || text == "f")
          return worksheet_write_boolean(sheet_, row_, col, text == "t", nullptr);
        break;
      case Family::kDate:
      case Family::kTime:
      case Family::kTimestamp:
      case Family::kTimestamptz:
        if (auto written = write_temporal(col, text, family)) return *written;
        break;
      default:
        break;
    }
    return write_text(col, text, i);
  }

  std::optional<lxw_error> write_temporal(lxw_col_t col, std::string_view text, Family family) {
    std::optional<cells::DateTime> t;
    lxw_format* format = nullptr;
    if (family == Family::kDate) {
      t = cells::date(text);
      format = date_;
    } else if (family == Family::kTime) {
      t = cells::time_of_day(text, text.find('+') != std::string_view::npos);
      format = time_;
    } else {
      t = cells::timestamp(text, family == Family::kTimestamptz);
      if (t) format = t->fraction ? datetime_ms_ : datetime_;
      if (t && family == Family::kTimestamptz) {
        notes_.add("timestamps with time zone are in UTC: Excel cells have no time zone");
      }
    }
    if (!t) return std::nullopt;  // outside Excel's calendar (before 1900, BC, infinity): text
    lxw_datetime datetime = {t->year, t->month, t->day, t->hour, t->minute, t->second};
    return worksheet_write_datetime(sheet_, row_, col, &datetime, format);
  }

  lxw_error write_text(lxw_col_t col, std::string_view text, std::size_t i) {
    cell_.clear();
    append_text(cell_, text, columns_[i].type, families_[i], catalog_);
    if (cells::cut_to_chars(cell_, kMaxCellChars)) {
      notes_.add("a value in " + quoted_column(columns_[i].name) +
                 " was longer than Excel's 32,767-character cell limit and was cut; export as csv or jsonl "
                 "for the whole value");
    }
    return worksheet_write_string(sheet_, row_, col, cell_.c_str(), nullptr);
  }

  std::optional<fam::Failure> failure(std::string_view doing, lxw_error error) const {
    return fam::Failure{fam::FailureKind::kInvalid,
                        std::string(doing) + " " + path_.string() + ": " + lxw_strerror(error) +
                            "; check the disk has space and the directory is writable, then export again",
                        ""};
  }

  std::filesystem::path path_;
  const values::Catalog& catalog_;
  std::uint32_t rows_per_sheet_;
  std::string tmpdir_;  // libxlsxwriter's temporary files go beside the export, not to a small /tmp
  WorkbookPtr workbook_;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* date_ = nullptr;
  lxw_format* datetime_ = nullptr;
  lxw_format* datetime_ms_ = nullptr;
  lxw_format* time_ = nullptr;
  std::vector<Column> columns_;
  std::vector<Family> families_;
  int sheets_ = 0;
  lxw_row_t row_ = 0;  // the next row to write on the current sheet
  std::string cell_;   // one string cell, reused
  Notes notes_;
};

}  // namespace

fam::Result<std::unique_ptr<Writer>> open_xlsx(const std::filesystem::path& path,
                                               const values::Catalog& catalog, std::uint32_t rows_per_sheet) {
  return std::unique_ptr<Writer>(std::make_unique<XlsxWriter>(path, catalog, rows_per_sheet));
}

fam::Result<std::unique_ptr<Writer>> open_xlsx(const std::filesystem::path& path,
                                               const values::Catalog& catalog) {
  return open_xlsx(path, catalog, LXW_ROW_MAX);
}

}  // namespace exports
