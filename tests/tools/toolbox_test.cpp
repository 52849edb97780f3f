// The tools in milliseconds: tools::Toolbox against a fake database that records what it is sent.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fake_database.hpp"

using nlohmann::json;
using namespace tools_testing;

namespace {

db::Table numbers(int count) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (int i = 1; i <= count; ++i) rows.push_back({std::to_string(i)});
  return db::Table::make({{"n", kInt4}}, rows);
}

db::Table words(int count, std::size_t width) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (int i = 1; i <= count; ++i) rows.push_back({std::to_string(i), std::string(width, 'w')});
  return db::Table::make({{"n", kInt4}, {"word"}}, rows);
}

struct Fixture {
  FakeDatabase database;
  db::CancelToken cancel;
  tools::SilentReporter reporter;
  tools::Toolbox toolbox{database, tools::Limits{},
                         tools::Phrasing{true, [](const fam::Failure& failure) {
                                           return failure.kind == fam::FailureKind::kSql ? ""
                                                                                         : "run the remedy";
                                         }}};

  tools::CallResult call(const std::string& name, const json& arguments) {
    return toolbox.call(name, arguments, cancel, reporter);
  }
};

}  // namespace

TEST_CASE("tools: refused SQL never reaches the database", "[tools]") {
  Fixture f;
  auto result = f.call("query", {{"sql", "DELETE FROM tracksolid.devices"}});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == fam::FailureKind::kRefused);
  CHECK(f.database.sent.empty());
}

TEST_CASE("tools: query fetches one row past max_rows and says when more exist", "[tools]") {
  Fixture f;
  f.database.tables = {numbers(4)};
  auto result = f.call("query", {{"sql", "SELECT n FROM t"}, {"max_rows", 3}});
  REQUIRE(result.ok());
  REQUIRE(f.database.fetch_limits == std::vector<std::optional<long>>{4});  // the plan and gate are not sent
  CHECK(f.database.sent == std::vector<std::string>{"SELECT n FROM t"});    // never rewritten
  json answer = json::parse(result->structured);
  CHECK(answer["rows"] == json::array({{1}, {2}, {3}}));
  CHECK(answer["truncated"] == true);
  CHECK(answer["notices"][0].get<std::string>().find("max_rows=3") != std::string::npos);
}

TEST_CASE("tools: the database's notices come first among the answer's notices", "[tools]") {
  Fixture f;
  f.database.tables = {numbers(3)};
  f.database.notices = {"WARNING: something to know"};
  auto result = f.call("query", {{"sql", "SELECT n FROM t"}, {"max_rows", 2}});
  REQUIRE(result.ok());
  json notices = json::parse(result->structured)["notices"];
  REQUIRE(notices.size() == 2);
  CHECK(notices[0] == "WARNING: something to know");
  CHECK(notices[1].get<std::string>().find("max_rows=2") != std::string::npos);
}

TEST_CASE("tools: arguments outside the schema are the caller's to fix", "[tools]") {
  Fixture f;
  for (const json& arguments : {json{{"sql", "SELECT 1"}, {"max_rows", 0}}, json{{"sql", 1}},
                                json{{"sql", "SELECT 1"}, {"rows", 5}}, json::object()}) {
    INFO(arguments.dump());
    auto result = f.call("query", arguments);
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == fam::FailureKind::kInvalid);
  }
  CHECK(f.database.sent.empty());
}

TEST_CASE("tools: an unreachable database is explained with the command layer's remedy", "[tools]") {
  Fixture f;
  f.database.connect_failure =
      fam::Failure{fam::FailureKind::kUnreachable, "cannot connect to the database: refused", ""};
  auto result = f.call("list_schemas", json::object());
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().message == "cannot connect to the database: refused; run the remedy");
  CHECK(f.database.sent.empty());
}

TEST_CASE("tools: a role that could write is refused on every call", "[tools]") {
  Fixture f;
  f.database.connect_failure = fam::Failure{fam::FailureKind::kRoleCanWrite, "role x could change data", ""};
  auto result = f.call("query", {{"sql", "SELECT 1"}});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().message == "refusing to serve: role x could change data; run the remedy");
}

TEST_CASE("tools: SQL errors name the tool to call next only for a model", "[tools]") {
  FakeDatabase database;
  database.run_failure =
      fam::Failure{fam::FailureKind::kSql, "column \"x\" does not exist (SQLSTATE 42703)", "42703"};
  db::CancelToken cancel;
  tools::SilentReporter reporter;
  tools::Toolbox for_model(database, {}, tools::Phrasing{true, {}});
  tools::Toolbox for_terminal(database, {}, tools::Phrasing{false, {}});
  auto model = for_model.call("query", {{"sql", "SELECT x FROM t"}}, cancel, reporter);
  auto person = for_terminal.call("query", {{"sql", "SELECT x FROM t"}}, cancel, reporter);
  CHECK(model.failure().message ==
        "the query failed: column \"x\" does not exist (SQLSTATE 42703). Next: call describe_table to see "
        "the columns");
  CHECK(person.failure().message == "the query failed: column \"x\" does not exist (SQLSTATE 42703)");
}

TEST_CASE("tools: a table that does not exist is a clear not-found, from an empty result", "[tools]") {
  Fixture f;
  f.database.tables = {db::Table::make({{"json_build_object"}}, {})};
  auto result = f.call("describe_table", {{"schema", "tracksolid"}, {"table", "nope"}});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == fam::FailureKind::kInvalid);
  CHECK(result.failure().message.find("list_tables") != std::string::npos);
}

TEST_CASE("tools: a value over the per-value limit is replaced by a note", "[tools]") {
  Fixture f;
  f.database.tables = {db::Table::make({{"big"}}, {{std::string(100'000, 'a')}})};
  auto result = f.call("query", {{"sql", "SELECT big FROM t"}});
  REQUIRE(result.ok());
  std::string cell = json::parse(result->structured)["rows"][0][0];
  CHECK(cell.starts_with("[value omitted: "));
}

TEST_CASE("tools: the query schema allows the SQL the guard reads, and no more", "[tools]") {
  FakeDatabase database;
  tools::Toolbox toolbox(database, {});
  json query = json::parse(toolbox.list_json())[0];
  REQUIRE(query["name"] == "query");
  CHECK(query["inputSchema"]["properties"]["sql"]["maxLength"] == guard::kMaxSqlBytes);
  CHECK(query["inputSchema"]["properties"]["max_rows"]["minimum"] == 1);
}

TEST_CASE("tools: without max_rows, query fetches what the budget can hold", "[tools][budget]") {
  Fixture f;
  f.database.tables = {numbers(3)};
  REQUIRE(f.call("query", {{"sql", "SELECT n FROM t"}}).ok());
  // 40,000 characters / 40 for the narrowest useful row, plus one to see that more exist.
  CHECK(f.database.fetch_limits == std::vector<std::optional<long>>{1001});  // the plan and gate are not sent
}

TEST_CASE("tools: rows past the budget are cut, and the answer says how to get them", "[tools][budget]") {
  Fixture f;
  f.database.tables = {words(1000, 100)};
  auto result = f.call("query", {{"sql", "SELECT n, word FROM t"}});
  REQUIRE(result.ok());
  CHECK(result->structured.size() <= 40'000);
  json answer = json::parse(result->structured);
  CHECK(answer["truncated"] == true);
  CHECK(answer["truncated_by"] == "size");
  CHECK(answer["row_count"].get<int>() > 300);
  CHECK(answer["row_count"] == answer["rows"].size());
  std::string notice = answer["notices"].back();
  CHECK(notice.find("Showing the first " + answer["row_count"].dump() + " rows") == 0);
  CHECK(notice.find("call export_query") != std::string::npos);
}

TEST_CASE("tools: the text block is a summary and the leading rows, a fifth of the answer",
          "[tools][budget]") {
  Fixture f;
  f.database.tables = {words(1000, 100)};
  auto result = f.call("query", {{"sql", "SELECT n, word FROM t"}});
  REQUIRE(result.ok());
  CHECK(result->text.size() <= result->structured.size() / 5);
  CHECK(result->text.find("rows shown, more exist. Columns: n (integer), word (text).") != std::string::npos);
  CHECK(result->text.find("\nn | word\n1 | www") != std::string::npos);
  CHECK(result->text.find("more rows are in the structured result") != std::string::npos);
}

TEST_CASE("tools: a short answer's text is the whole table", "[tools][budget]") {
  Fixture f;
  f.database.tables = {words(3, 5)};
  auto result = f.call("query", {{"sql", "SELECT n, word FROM t"}});
  REQUIRE(result.ok());
  CHECK(result->text ==
        "3 rows. Columns: n (integer), word (text).\nn | word\n1 | wwwww\n2 | wwwww\n3 | wwwww");
}

TEST_CASE("tools: a value over the limit is listed in omitted_values", "[tools][budget]") {
  Fixture f;
  f.database.tables = {words(2, 20'000)};
  auto result = f.call("query", {{"sql", "SELECT n, word FROM t"}});
  REQUIRE(result.ok());
  json answer = json::parse(result->structured);
  CHECK(answer["omitted_values"] == json::parse(R"([{"row":0,"column":"word","chars":20002},
                                                    {"row":1,"column":"word","chars":20002}])"));
}

TEST_CASE("tools: a catalog answer over the budget loses the tail of its longest list", "[tools][budget]") {
  Fixture f;
  json tables = json::array();
  for (int i = 0; i < 2000; ++i)
    tables.push_back({{"name", "table_" + std::to_string(i)}, {"comment", "a table"}});
  f.database.tables = {db::Table::make({{"json"}}, {{json{{"schema", "big"}, {"tables", tables}}.dump()}})};
  auto result = f.call("list_tables", {{"schema", "big"}});
  REQUIRE(result.ok());
  CHECK(result->structured.size() <= 40'000);
  json answer = json::parse(result->structured);
  CHECK(answer["truncated"] == true);
  CHECK(answer["tables"].size() > 500);
  CHECK(answer["tables"][0]["name"] == "table_0");
  CHECK(answer["notices"][0].get<std::string>().find("of 2000 tables") != std::string::npos);
}

TEST_CASE("tools: export_query writes every row to a new file and answers with its path", "[tools][export]") {
  Fixture f;
  f.database.tables = {words(25'000, 3)};
  const auto directory =
      std::filesystem::temp_directory_path() / ("fam-toolbox-" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  tools::Limits limits;
  limits.export_dir = directory.string();
  tools::Toolbox toolbox(f.database, limits);
  auto result =
      toolbox.call("export_query", {{"sql", "SELECT n, word FROM t"}, {"format", "csv"}, {"name", "w"}},
                   f.cancel, f.reporter);
  REQUIRE(result.ok());
  json answer = json::parse(result->structured);
  CHECK(answer["path"] == (directory / "w.csv").string());
  CHECK(answer["rows"] == 25'000);
  CHECK(answer["truncated"] == false);
  CHECK(answer["bytes"] == std::filesystem::file_size(directory / "w.csv"));
  CHECK(answer["preview"].size() == 5);
  REQUIRE(result->links.size() == 1);
  CHECK(json::parse(result->links[0])["uri"] == "file://" + (directory / "w.csv").string());
  std::filesystem::remove_all(directory);
}

TEST_CASE("tools: export_query stops at its row bound and says so", "[tools][export]") {
  Fixture f;
  f.database.tables = {words(300, 3)};
  const auto directory =
      std::filesystem::temp_directory_path() / ("fam-toolbox-b-" + std::to_string(::getpid()));
  tools::Limits limits;
  limits.export_dir = directory.string();
  limits.export_max_rows = 100;
  tools::Toolbox toolbox(f.database, limits);
  auto result = toolbox.call("export_query", {{"sql", "SELECT n, word FROM t"}, {"format", "jsonl"}},
                             f.cancel, f.reporter);
  REQUIRE(result.ok());
  CHECK(f.database.fetch_limits.back() == 101);  // one more tells that more exist
  json answer = json::parse(result->structured);
  CHECK(answer["rows"] == 100);
  CHECK(answer["truncated_by"] == "max_rows");
  CHECK(answer["notices"].back().get<std::string>().find("stopped at 100 rows") != std::string::npos);
  std::filesystem::remove_all(directory);
}

TEST_CASE("tools: a failed export leaves no file behind", "[tools][export]") {
  Fixture f;
  f.database.tables = {words(50, 3)};
  f.database.run_failure = fam::Failure{fam::FailureKind::kCancelled, "the call was cancelled", "57014"};
  const auto directory =
      std::filesystem::temp_directory_path() / ("fam-toolbox-c-" + std::to_string(::getpid()));
  tools::Limits limits;
  limits.export_dir = directory.string();
  tools::Toolbox toolbox(f.database, limits);
  auto result = toolbox.call("export_query", {{"sql", "SELECT n, word FROM t"}, {"format", "xlsx"}}, f.cancel,
                             f.reporter);
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == fam::FailureKind::kCancelled);
  CHECK(result.failure().message.find("partial file was removed") != std::string::npos);
  CHECK(std::filesystem::is_empty(directory));
  std::filesystem::remove_all(directory);
}

TEST_CASE("tools: a query whose plan is too costly is refused before it runs, with why", "[tools][cost]") {
  Fixture f;
  f.database.tables = {numbers(3)};
  f.database.plan = R"([{"Plan":{"Node Type":"Hash Join","Total Cost":4.2e9,"Plan Rows":9e10,"Plans":[
      {"Node Type":"Seq Scan","Relation Name":"positions","Total Cost":3e5,"Plan Rows":2e6},
      {"Node Type":"Seq Scan","Relation Name":"positions","Total Cost":3e5,"Plan Rows":2e6}]}}])";
  auto result = f.call("query", {{"sql", "SELECT * FROM t a JOIN t b USING (n)"}});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == fam::FailureKind::kRefused);
  const std::string& why = result.failure().message;
  CHECK(why.find("refused before it ran") == 0);
  CHECK(why.find("largest join, Hash Join, is estimated at 9e+10 rows") != std::string::npos);
  CHECK(why.find("estimated cost is 4.2e+09") != std::string::npos);
  CHECK(why.find("Call explain") != std::string::npos);
  CHECK(f.database.sent.empty());  // the statement itself never ran
}

TEST_CASE("tools: a cheap plan runs as before", "[tools][cost]") {
  Fixture f;
  f.database.tables = {numbers(3)};
  f.database.plan =
      R"([{"Plan":{"Node Type":"Seq Scan","Relation Name":"t","Total Cost":35.5,"Plan Rows":2550}}])";
  REQUIRE(f.call("query", {{"sql", "SELECT n FROM t"}}).ok());
  CHECK(f.database.sent == std::vector<std::string>{"SELECT n FROM t"});
}
