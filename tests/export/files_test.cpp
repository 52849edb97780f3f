#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "support.hpp"

using export_test::TempDir;
using exports::Format;
namespace fs = std::filesystem;

namespace {

// Sets (or, with nullptr, unsets) an environment variable for the rest of the test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): tests run on one thread
    if (old != nullptr) old_ = old;
    set(value);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() { set(old_ ? old_->c_str() : nullptr); }

 private:
  void set(const char* value) {
    if (value != nullptr) {
      ::setenv(name_, value, 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("formats are known by exactly four names", "[export][files]") {
  CHECK(exports::parse_format("csv") == Format::kCsv);
  CHECK(exports::parse_format("xlsx") == Format::kXlsx);
  CHECK(exports::parse_format("geojson") == Format::kGeoJson);
  CHECK(exports::parse_format("jsonl") == Format::kJsonLines);
  CHECK_FALSE(exports::parse_format("json-lines"));
  CHECK_FALSE(exports::parse_format("CSV"));
  CHECK(exports::format_name(Format::kJsonLines) == "jsonl");
  CHECK(exports::extension(Format::kGeoJson) == ".geojson");
  CHECK(exports::media_type(Format::kXlsx) ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(exports::media_type(Format::kJsonLines) == "application/jsonl");
}

TEST_CASE("create_file keeps a name that tries to climb out inside the directory", "[export][files]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "../../etc/passwd", Format::kCsv);
  REQUIRE(path.ok());
  CHECK(path->parent_path() == dir.path());
  CHECK(path->filename() == "_.._etc_passwd.csv");
  CHECK(fs::is_regular_file(*path));
  CHECK(fs::file_size(*path) == 0);
}

TEST_CASE("create_file sanitises names and adds the extension only when missing", "[export][files]") {
  const TempDir dir;
  CHECK(exports::create_file(dir.path(), "trips by región.csv", Format::kCsv)->filename() ==
        "trips_by_región.csv");
  // A name is cut to 100 bytes without splitting a character: 'é' is two bytes.
  CHECK(exports::create_file(
            dir.path(),
            "a" +
                [] {
                  std::string e;
                  for (int i = 0; i < 60; ++i) e += "é";
                  return e;
                }(),
            Format::kCsv)
            ->filename()
            .string()
            .size() == 99 + 4);
  CHECK(exports::create_file(dir.path(), ".hidden", Format::kJsonLines)->filename() == "hidden.jsonl");
  CHECK(exports::create_file(dir.path(), std::string(300, 'a'), Format::kXlsx)->filename() ==
        std::string(100, 'a') + ".xlsx");
  const fs::path unnamed = *exports::create_file(dir.path(), "...", Format::kGeoJson);
  CHECK_THAT(unnamed.filename().string(), Catch::Matches("export-\\d{8}-\\d{6}\\.geojson"));
}

TEST_CASE("create_file never overwrites an existing file", "[export][files]") {
  const TempDir dir;
  { std::ofstream(dir.path() / "trips.csv") << "keep me"; }
  CHECK(exports::create_file(dir.path(), "trips", Format::kCsv)->filename() == "trips-2.csv");
  CHECK(exports::create_file(dir.path(), "trips.csv", Format::kCsv)->filename() == "trips-3.csv");
  CHECK(export_test::read_file(dir.path() / "trips.csv") == "keep me");
  struct stat st {};
  REQUIRE(::stat((dir.path() / "trips-2.csv").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("create_file creates a missing directory with its parents, the leaf private", "[export][files]") {
  const TempDir dir;
  const fs::path leaf = dir.path() / "a" / "b" / "fleet-analytics";
  auto path = exports::create_file(leaf, "x", Format::kCsv);
  REQUIRE(path.ok());
  struct stat st {};
  REQUIRE(::stat(leaf.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(path->parent_path() == leaf);
}

TEST_CASE("create_file refuses a directory that is a file and says which", "[export][files]") {
  const TempDir dir;
  { std::ofstream(dir.path() / "plain") << "x"; }
  auto path = exports::create_file(dir.path() / "plain", "x", Format::kCsv);
  REQUIRE_FALSE(path.ok());
  CHECK(path.failure().kind == fam::FailureKind::kInvalid);
  CHECK_THAT(path.failure().message, Catch::Contains((dir.path() / "plain").string()) &&
                                         Catch::Contains("not a directory") && Catch::Contains("choose"));
  auto below = exports::create_file(dir.path() / "plain" / "sub", "x", Format::kCsv);
  REQUIRE_FALSE(below.ok());
  CHECK_THAT(below.failure().message,
             Catch::Contains("Not a directory") || Catch::Contains("not a directory"));
}

TEST_CASE("default_directory is fleet-analytics under XDG_DOWNLOAD_DIR when it is set", "[export][files]") {
  const ScopedEnv download("XDG_DOWNLOAD_DIR", "/data/dl");
  CHECK(exports::default_directory() == fs::path("/data/dl/fleet-analytics"));
}

TEST_CASE("default_directory reads user-dirs.dirs, else uses HOME/Downloads", "[export][files]") {
  const TempDir home;
  const ScopedEnv download("XDG_DOWNLOAD_DIR", nullptr);
  const ScopedEnv home_env("HOME", home.path().c_str());
  const ScopedEnv config("XDG_CONFIG_HOME", nullptr);
  CHECK(exports::default_directory() == home.path() / "Downloads" / "fleet-analytics");
  fs::create_directories(home.path() / ".config");
  {
    std::ofstream(home.path() / ".config" / "user-dirs.dirs")
        << "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
           "XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n";
  }
  CHECK(exports::default_directory() == home.path() / "Téléchargements" / "fleet-analytics");
}
