// XLSX files are read back with openpyxl, as an analyst's Python would read them.
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "export/writers.hpp"
#include "support.hpp"

using export_test::TempDir;
using exports::Format;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

struct Run {
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs python3 -c `script` with `args`, without a shell in between.
Run python(const std::string& script, const std::vector<std::string>& args) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    std::vector<char*> argv = {const_cast<char*>(kPython), const_cast<char*>("-c"),
                               const_cast<char*>(script.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kPython, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  Run run;
  char chunk[4096];
  for (ssize_t n; (n = ::read(fds[0], chunk, sizeof chunk)) > 0;)
    run.output.append(chunk, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool have_openpyxl() {
  if (::access(kPython, X_OK) != 0) return false;
  return python("import openpyxl", {}).status == 0;
}

// Checks the sample query's workbook; prints what differs and exits 1, or prints "ok".
constexpr const char* kCheckSample = R"PY(
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["rows"]
problems = []
def expect(cell, value, kind):
    got = ws[cell].value
    if type(got) is not kind or got != value:
        problems.append(f"{cell}: {got!r} ({type(got).__name__}), want {value!r} ({kind.__name__})")
expect("A1", "id", str)
expect("N1", "id", str)
if not ws["A1"].font.b: problems.append("header is not bold")
if ws.freeze_panes != "A2": problems.append(f"freeze_panes {ws.freeze_panes!r}")
expect("A2", 1, int)
expect("B2", "9007199254740993", str)
expect("C2", "123456789012345678901234567890.1234", str)
expect("D2", "NaN", str)
expect("E2", True, bool)
expect("F2", "Nairobi, \"CBD\"\nline 2 \u00e9 \ufffd", str)
expect("G2", datetime.datetime(2026, 11, 28, 10, 0, 0, 123000), datetime.datetime)
if ws["G2"].number_format != "yyyy-mm-dd hh:mm:ss.000": problems.append("G2 format " + ws["G2"].number_format)
expect("H2", datetime.datetime(2026, 11, 28), datetime.datetime)
if ws["H2"].number_format != "yyyy-mm-dd": problems.append("H2 format " + ws["H2"].number_format)
expect("I2", datetime.time(10, 30, 15), datetime.time)
expect("J2", "P1DT2H", str)
expect("K2", "{\"a\": [1, 2]}", str)
expect("L2", "[1,2,3]", str)
expect("M2", "POINT(36.8172 -1.2864)", str)
expect("N2", 7, int)
expect("A3", 2, int)
expect("B3", 42, int)
expect("C3", 12.5, float)
expect("D3", 1.5, float)
expect("E3", False, bool)
expect("G3", datetime.datetime(2026, 11, 28, 10, 0, 0), datetime.datetime)
if ws["G3"].number_format != "yyyy-mm-dd hh:mm:ss": problems.append("G3 format " + ws["G3"].number_format)
expect("H3", "1899-12-31", str)
expect("I3", datetime.time(23, 59, 59), datetime.time)
for cell in ("A4", "B4", "C4", "F4", "G4", "N4"):
    if ws[cell].value is not None: problems.append(f"{cell} is {ws[cell].value!r}, want empty")
expect("M4", "POINT(1 2)", str)
if ws.max_row != 4: problems.append(f"{ws.max_row} rows")
print("\n".join(problems) if problems else "ok")
sys.exit(1 if problems else 0)
)PY";

}  // namespace

TEST_CASE("xlsx writes typed cells that openpyxl reads back as numbers, dates, booleans and text",
          "[export][xlsx]") {
  const TempDir dir;
  const auto written = export_test::write(Format::kXlsx, export_test::sample_query(), dir.path());
  CHECK(written.size > 0);
  CHECK_THAT(written.notes,
             Catch::VectorContains(
                 std::string("numeric values with more than 15 significant digits are text cells, so that no "
                             "digit is lost (Excel keeps 15)")));
  CHECK_THAT(written.notes, Catch::VectorContains(std::string(
                                "timestamps with time zone are in UTC: Excel cells have no time zone")));
  if (!have_openpyxl()) {
    WARN(kPython << " has no openpyxl: the workbook was not read back (apt-get install python3-openpyxl)");
    return;
  }
  const Run run = python(kCheckSample, {written.path.string()});
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK(run.output == "ok\n");
}

TEST_CASE("xlsx continues on a new worksheet with the header when a sheet is full", "[export][xlsx]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "sheets", Format::kXlsx);
  REQUIRE(path.ok());
  auto writer = exports::open_xlsx(*path, export_test::catalog(), 3);  // a header and two rows a sheet
  REQUIRE(writer.ok());
  const std::vector<exports::Column> columns = {{"n", 23}};
  REQUIRE_FALSE((*writer)->begin(columns));
  for (int i = 1; i <= 5; ++i) {
    const std::string n = std::to_string(i);
    const std::optional<std::string_view> row[] = {n};
    REQUIRE_FALSE((*writer)->row(row));
  }
  REQUIRE((*writer)->finish().ok());
  REQUIRE((*writer)->notes().size() == 1);
  CHECK_THAT((*writer)->notes()[0], Catch::Contains("\"rows 2\""));
  if (!have_openpyxl()) {
    WARN(kPython << " has no openpyxl: the workbook was not read back");
    return;
  }
  const Run run = python(R"PY(
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print([[c.value for c in r] for ws in wb.worksheets for r in ws.iter_rows()], wb.sheetnames)
)PY",
                         {path->string()});
  INFO(run.output);
  CHECK(run.output == "[['n'], [1], [2], ['n'], [3], [4], ['n'], [5]] ['rows', 'rows 2', 'rows 3']\n");
}

TEST_CASE("xlsx cuts a value longer than Excel's cell limit and says so", "[export][xlsx]") {
  const TempDir dir;
  export_test::Query q;
  q.columns = {{"long", 25}, {"formula", 25}};
  q.rows.push_back({std::string(40000, 'x'), "=1+1"});
  const auto written = export_test::write(Format::kXlsx, q, dir.path());
  REQUIRE(written.notes.size() == 1);
  CHECK_THAT(written.notes[0], Catch::Contains("column \"long\"") && Catch::Contains("32,767"));
  if (!have_openpyxl()) {
    WARN(kPython << " has no openpyxl: the workbook was not read back");
    return;
  }
  const Run run = python(R"PY(
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["rows"]
print(len(ws["A2"].value), ws["B2"].value, ws["B2"].data_type)
)PY",
                         {written.path.string()});
  INFO(run.output);
  CHECK(run.output == "32767 =1+1 s\n");
}

TEST_CASE("xlsx starts over when begin is called again after a retry", "[export][xlsx]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "retry", Format::kXlsx);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(Format::kXlsx, *path, export_test::catalog());
  REQUIRE(writer.ok());
  const std::vector<exports::Column> first = {{"old", 25}};
  const std::vector<exports::Column> second = {{"new", 23}};
  REQUIRE_FALSE((*writer)->begin(first));
  const std::optional<std::string_view> old_row[] = {"x"};
  REQUIRE_FALSE((*writer)->row(old_row));
  REQUIRE_FALSE((*writer)->begin(second));
  const std::optional<std::string_view> new_row[] = {"5"};
  REQUIRE_FALSE((*writer)->row(new_row));
  REQUIRE((*writer)->finish().ok());
  if (!have_openpyxl()) {
    WARN(kPython << " has no openpyxl: the workbook was not read back");
    return;
  }
  const Run run = python(R"PY(
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print([[c.value for c in r] for r in wb["rows"].iter_rows()], wb.sheetnames)
)PY",
                         {path->string()});
  INFO(run.output);
  CHECK(run.output == "[['new'], [5]] ['rows']\n");
}
