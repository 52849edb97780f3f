#include <string>

#include <catch2/catch.hpp>

#include "support.hpp"

using export_test::read_file;
using export_test::TempDir;
using exports::Format;

TEST_CASE("csv writes a header and each type as a JSON answer would hold it, unquoted", "[export][csv]") {
  const TempDir dir;
  const auto written = export_test::write(Format::kCsv, export_test::sample_query(), dir.path());
  const std::string expected =
      "id,big,amount,ratio,active,note,seen_at,day,at,span,payload,codes,geom,id\r\n"
      "1,9007199254740993,123456789012345678901234567890.1234,NaN,true,"
      "\"Nairobi, \"\"CBD\"\"\nline 2 \xC3\xA9 \xEF\xBF\xBD\",2026-11-28T10:00:00.123Z,2026-11-28,10:30:15,"
      "P1DT2H,\"{\"\"a\"\": [1, 2]}\",\"[1,2,3]\",POINT(36.8172 -1.2864),7\r\n"
      "2,42,12.5,1.5,false,\"\",2026-11-28T10:00:00Z,1899-12-31,23:59:59,PT0S,[],[],,\r\n"
      ",,,,,,,,,,,,POINT(1 2),\r\n";
  CHECK(read_file(written.path) == expected);
  CHECK(written.size == expected.size());
  CHECK(written.notes.empty());
}

TEST_CASE("csv starts over when begin is called again after a retry", "[export][csv]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "retry", Format::kCsv);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(Format::kCsv, *path, export_test::catalog());
  REQUIRE(writer.ok());
  const std::vector<exports::Column> first = {{"a", 25}, {"b", 25}};
  const std::vector<exports::Column> second = {{"c", 23}};
  REQUIRE_FALSE((*writer)->begin(first));
  const std::optional<std::string_view> old_row[] = {"x", "y"};
  REQUIRE_FALSE((*writer)->row(old_row));
  REQUIRE_FALSE((*writer)->begin(second));
  const std::optional<std::string_view> new_row[] = {"5"};
  REQUIRE_FALSE((*writer)->row(new_row));
  REQUIRE((*writer)->finish().ok());
  CHECK(read_file(*path) == "c\r\n5\r\n");
}

TEST_CASE("csv quotes a column name that holds a comma", "[export][csv]") {
  const TempDir dir;
  export_test::Query q;
  q.columns = {{"a,b", 25}, {"plain", 25}};
  q.rows.push_back({"x", "y"});
  CHECK(read_file(export_test::write(Format::kCsv, q, dir.path()).path) == "\"a,b\",plain\r\nx,y\r\n");
}

TEST_CASE("a full disk is a failure that names the file and says what to do", "[export][csv]") {
  auto writer = exports::open_writer(Format::kCsv, "/dev/full", export_test::catalog());
  if (!writer) {
    WARN("cannot open /dev/full here: " << writer.failure().message);
    return;
  }
  const std::vector<exports::Column> columns = {{"note", 25}};
  REQUIRE_FALSE((*writer)->begin(columns));
  const std::string text(1000, 'x');
  const std::optional<std::string_view> row[] = {text};
  std::optional<fam::Failure> failure;
  for (int i = 0; i < 200 && !failure; ++i) failure = (*writer)->row(row);
  if (!failure) {
    auto size = (*writer)->finish();
    REQUIRE_FALSE(size.ok());
    failure = size.failure();
  }
  CHECK(failure->kind == fam::FailureKind::kInvalid);
  CHECK_THAT(failure->message, Catch::Contains("/dev/full") && Catch::Contains("No space left on device") &&
                                   Catch::Contains("free some disk space"));
}
