// Query rows -> a file an analyst opens (CSV, XLSX, GeoJSON, JSON lines), streamed: each row is
// written as it arrives and never held, so a million rows cost what one does.
//
// Thread-safety: the free functions are safe to call from any thread; a Writer belongs to one
// thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "failure.hpp"
#include "values/values.hpp"

namespace exports {

enum class Format { kCsv, kXlsx, kGeoJson, kJsonLines };

// "csv", "xlsx", "geojson", "jsonl"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);  // "csv" ...
std::string_view extension(Format format);    // ".csv", ".xlsx", ".geojson", ".jsonl"
std::string_view media_type(Format format);   // "text/csv" ...

struct Column {
  std::string name;
  values::Oid type = 25;
};
// PostgreSQL text output of each value; nullopt = SQL NULL.
using Row = std::span<const std::optional<std::string_view>>;

// The folder exports go to by default: "fleet-analytics" under the user's Downloads folder
// ($XDG_DOWNLOAD_DIR, else the DOWNLOAD entry of $XDG_CONFIG_HOME/user-dirs.dirs or
// ~/.config/user-dirs.dirs, else $HOME/Downloads).
std::filesystem::path default_directory();

// Creates a new, empty file for an export in `directory` (created with its parents if missing,
// the leaf with mode 0700), named after `name` sanitised to a plain file name (letters, digits,
// '-', '_', '.', other characters -> '_', no leading dots, at most 100 chars; a name is never a
// path) or, when `name` is empty (or sanitises to nothing), "export-YYYYMMDD-HHMMSS" (UTC), with
// the format's extension added unless it already ends with it. An existing file is never
// overwritten: "-2", "-3" ... is inserted before the extension (O_CREAT|O_EXCL, mode 0600).
// Fails (kInvalid) when the directory is a file or cannot be created, naming the path and why.
fam::Result<std::filesystem::path> create_file(const std::filesystem::path& directory, std::string_view name,
                                               Format format);

class Writer {
 public:
  virtual ~Writer() = default;
  // Starts the file with these columns. May be called again (the query was retried on a fresh
  // connection): the writer then starts over, dropping everything written so far.
  // A failure here is the caller's to report as is (e.g. GeoJSON without a geometry column).
  virtual std::optional<fam::Failure> begin(std::span<const Column> columns) = 0;
  // A write error (disk full) is a failure naming the path.
  virtual std::optional<fam::Failure> row(Row values) = 0;
  // Completes the file; returns its size in bytes. After a failure or without finish(),
  // destroying the writer leaves an incomplete file that the caller removes.
  virtual fam::Result<std::uint64_t> finish() = 0;
  // What the reader of the file should know, found while writing (the SRID of geometries, a
  // value cut at Excel's cell limit...). Few, short, deduplicated.
  virtual std::vector<std::string> notes() const = 0;
};

// Writes `format` to the file at `path` (which create_file made). `catalog` says what each
// column type is; it must outlive the writer.
fam::Result<std::unique_ptr<Writer>> open_writer(Format format, const std::filesystem::path& path,
                                                 const values::Catalog& catalog);

}  // namespace exports
