// Shared by the export/ tests: a temporary directory, a catalog with PostGIS, EWKB built byte by
// byte, the sample query every format writes, and reading files back.
#pragma once

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "export/export.hpp"
#include "values/values.hpp"

namespace export_test {

constexpr values::Oid kGeometry = 16390;  // as PostGIS 3.3 got it in the fixtures' database
constexpr values::Oid kGeography = 17077;

inline const values::Catalog& catalog() {
  static const values::Catalog shared = [] {
    values::Catalog c;
    c.add({kGeometry, "geometry", "geometry", 'U', 0, ':', 0});
    c.add({kGeography, "geography", "geography", 'U', 0, ':', 0});
    return c;
  }();
  return shared;
}

// A directory of its own under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "export-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Little-endian hex EWKB with an SRID.
inline std::string point_ewkb(double x, double y, std::uint32_t srid) {
  std::string hex;
  auto byte = [&hex](std::uint8_t b) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xF]);
  };
  auto bytes = [&byte](std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  byte(1);
  bytes(0x20000001, 4);
  bytes(srid, 4);
  bytes(std::bit_cast<std::uint64_t>(x), 8);
  bytes(std::bit_cast<std::uint64_t>(y), 8);
  return hex;
}

// Rows as the database layer hands them over: text output, nullopt for NULL.
using TextRow = std::vector<std::optional<std::string>>;

struct Query {
  std::vector<exports::Column> columns;
  std::vector<TextRow> rows;
};

// Every type the formats treat differently, with the text PostgreSQL prints for it.
inline Query sample_query() {
  Query q;
  q.columns = {{"id", 23},        {"big", 20},       {"amount", 1700},    {"ratio", 701}, {"active", 16},
               {"note", 25},      {"seen_at", 1184}, {"day", 1082},       {"at", 1083},   {"span", 1186},
               {"payload", 3802}, {"codes", 1007},   {"geom", kGeometry}, {"id", 23}};
  q.rows.push_back({"1", "9007199254740993", "123456789012345678901234567890.1234", "NaN", "t",
                    "Nairobi, \"CBD\"\nline 2 \xC3\xA9 \xFF", "2026-11-28 10:00:00.123+00", "2026-11-28",
                    "10:30:15", "P1DT2H", R"({"a": [1, 2]})", "{1,2,3}", point_ewkb(36.8172, -1.2864, 4326),
                    "7"});
  q.rows.push_back({"2", "42", "12.5", "1.5", "f", "", "2026-11-28 10:00:00+00", "1899-12-31", "23:59:59",
                    "PT0S", "[]", "{}", std::nullopt, std::nullopt});
  q.rows.push_back({std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                    std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                    point_ewkb(1, 2, 4326), std::nullopt});
  return q;
}

inline std::vector<std::optional<std::string_view>> view(const TextRow& row) {
  std::vector<std::optional<std::string_view>> out;
  for (const auto& v : row) out.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
  return out;
}

struct Written {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::vector<std::string> notes;
};

// Writes the query into a new file in `dir` and finishes it; fails the test on any failure.
inline Written write(exports::Format format, const Query& q, const std::filesystem::path& dir,
                     std::string_view name = "") {
  auto path = exports::create_file(dir, name, format);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(format, *path, catalog());
  if (!writer) FAIL(writer.failure().message);
  auto failure = (*writer)->begin(q.columns);
  if (failure) FAIL(failure->message);
  for (const TextRow& row : q.rows) {
    const auto values = view(row);
    failure = (*writer)->row(values);
    if (failure) FAIL(failure->message);
  }
  auto size = (*writer)->finish();
  if (!size) FAIL(size.failure().message);
  return {*path, *size, (*writer)->notes()};
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace export_test
