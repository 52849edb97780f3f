// export/-private: one writer per format, and what they share (the buffered file, notes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "export/export.hpp"

namespace exports {

fam::Result<std::unique_ptr<Writer>> open_csv(const std::filesystem::path& path,
                                              const values::Catalog& catalog);
fam::Result<std::unique_ptr<Writer>> open_jsonl(const std::filesystem::path& path,
                                                const values::Catalog& catalog);
fam::Result<std::unique_ptr<Writer>> open_geojson(const std::filesystem::path& path,
                                                  const values::Catalog& catalog);
fam::Result<std::unique_ptr<Writer>> open_xlsx(const std::filesystem::path& path,
                                               const values::Catalog& catalog);
// The same with fewer rows per worksheet (header included) than Excel's 1,048,576, for tests.
fam::Result<std::unique_ptr<Writer>> open_xlsx(const std::filesystem::path& path,
                                               const values::Catalog& catalog, std::uint32_t rows_per_sheet);

// A file written through our own buffer, so that a row costs an append, not a system call.
// The first failure sticks: every later call returns it again.
class OutputFile {
 public:
  static fam::Result<std::unique_ptr<OutputFile>> open(const std::filesystem::path& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  std::optional<fam::Failure> write(std::string_view bytes);
  // Drops everything written so far: the file is empty again.
  std::optional<fam::Failure> restart();
  // Writes what is buffered and closes the file; returns its size.
  fam::Result<std::uint64_t> finish();

 private:
  OutputFile(int fd, std::filesystem::path path);
  std::optional<fam::Failure> flush();
  std::optional<fam::Failure> fail(std::string_view doing, int error);

  int fd_;
  std::filesystem::path path_;
  std::string buffer_;
  std::uint64_t size_ = 0;
  std::optional<fam::Failure> failure_;
};

// Notes for the reader of a file: each said once, in the order found.
class Notes {
 public:
  void add(std::string note);
  const std::vector<std::string>& all() const { return notes_; }
  void clear() { notes_.clear(); }

 private:
  std::vector<std::string> notes_;
};

// A value as plain text for a CSV field or a spreadsheet string: what a JSON answer would hold,
// unquoted. Numbers as PostgreSQL prints them, booleans true/false, timestamptz "...Z", timestamp
// "YYYY-MM-DDTHH:MM:SS", json as its text, arrays as JSON arrays, bytea as "\x...", geometry as
// WKT; invalid UTF-8 -> U+FFFD.
void append_text(std::string& out, std::string_view text, values::Oid type, values::Family family,
                 const values::Catalog& catalog);

// "column \"name\"" for messages and notes.
std::string quoted_column(std::string_view name);

// A writer of type `W` (constructed from the opened file and the catalog) on a new OutputFile.
template <class W>
fam::Result<std::unique_ptr<Writer>> open_buffered(const std::filesystem::path& path,
                                                   const values::Catalog& catalog) {
  auto out = OutputFile::open(path);
  if (!out) return out.failure();
  return std::unique_ptr<Writer>(std::make_unique<W>(std::move(*out), catalog));
}

}  // namespace exports
