// A million rows must cost what one does: writers hold no rows.
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "support.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define EXPORT_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define EXPORT_TEST_SANITIZED 1
#endif
#endif

#ifndef EXPORT_TEST_SANITIZED
namespace {

// The process's peak resident set so far (VmHWM), in KiB.
long peak_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return -1;
}

constexpr int kRows = 200000;
constexpr long kBudgetKib = 30L * 1024;

}  // namespace
#endif

TEST_CASE("writers hold no rows: 200,000 rows of 10 columns raise the peak by less than 30 MB",
          "[export][memory]") {
#ifdef EXPORT_TEST_SANITIZED
  WARN("skipped under a sanitizer, whose shadow memory and quarantine make peaks meaningless");
  return;
#else
  const exports::Format format = GENERATE(exports::Format::kCsv, exports::Format::kJsonLines,
                                          exports::Format::kGeoJson, exports::Format::kXlsx);
  INFO("format " << exports::format_name(format));
  const export_test::TempDir dir;
  const std::vector<exports::Column> columns = {
      {"id", 23},        {"big", 20},    {"amount", 1700},
      {"ratio", 701},    {"active", 16}, {"note", 25},
      {"seen_at", 1184}, {"day", 1082},  {"geom", export_test::kGeometry},
      {"codes", 1007}};
  const std::string geom = export_test::point_ewkb(36.8172, -1.2864, 4326);
  auto path = exports::create_file(dir.path(), "big", format);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(format, *path, export_test::catalog());
  REQUIRE(writer.ok());
  REQUIRE_FALSE((*writer)->begin(columns));
  const long before = peak_kib();
  REQUIRE(before > 0);
  std::string id;
  for (int i = 0; i < kRows; ++i) {
    id = std::to_string(i);
    const std::optional<std::string_view> row[] = {id,
                                                   "9007199254740993",
                                                   "1234.5678",
                                                   "0.25",
                                                   "t",
                                                   "a note, with a comma",
                                                   "2026-11-28 10:00:00.123+00",
                                                   "2026-11-28",
                                                   geom,
                                                   "{1,2,3}"};
    if (auto failure = (*writer)->row(row)) FAIL(failure->message);
  }
  auto size = (*writer)->finish();
  if (!size) FAIL(size.failure().message);
  CHECK(*size > static_cast<std::uint64_t>(kRows) * 20);
  const long grown = peak_kib() - before;
  INFO("peak grew by " << grown << " KiB");
  CHECK(grown < kBudgetKib);
#endif
}
