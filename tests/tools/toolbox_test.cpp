// The tools in milliseconds: tools::Toolbox against a fake database that records what it is sent.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/tools.hpp"

using nlohmann::json;

namespace {

constexpr values::Oid kInt4 = 23;

class FakeDatabase final : public db::Executor {
 public:
  std::optional<fam::Failure> connect_failure;
  std::optional<fam::Failure> run_failure;
  std::vector<db::Table> tables;   // what each run returns
  std::vector<std::string> notices;
  std::vector<std::string> sent;   // the SQL of every statement run
  std::vector<std::optional<long>> fetch_limits;

  std::optional<fam::Failure> connect(const db::CancelToken&) override { return connect_failure; }
  const db::ServerFacts& facts() const override { return facts_; }
  const values::Catalog& catalog() const override { return catalog_; }
  db::Outcome run(std::span<const db::Statement> statements, const db::CancelToken&) override {
    for (const auto& statement : statements) {
      sent.push_back(statement.sql());
      fetch_limits.push_back(statement.fetch_limit());
    }
    if (run_failure) return *run_failure;
    return db::Reply{tables, notices};
  }

 private:
  db::ServerFacts facts_;
  values::Catalog catalog_;
};

db::Table numbers(int count) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (int i = 1; i <= count; ++i) rows.push_back({std::to_string(i)});
  return db::Table::make({{"n", kInt4}}, rows);
}

struct Fixture {
  FakeDatabase database;
  db::CancelToken cancel;
  tools::SilentReporter reporter;
  tools::Toolbox toolbox{database, tools::Limits{}, tools::Phrasing{true, [](const fam::Failure& failure) {
                                                                        return failure.kind == fam::FailureKind::kSql
                                                                                   ? ""
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
  REQUIRE(f.database.fetch_limits == std::vector<std::optional<long>>{4});
  CHECK(f.database.sent == std::vector<std::string>{"SELECT n FROM t"});  // never rewritten
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
  f.database.connect_failure = fam::Failure{fam::FailureKind::kUnreachable, "cannot connect to the database: refused", ""};
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
  database.run_failure = fam::Failure{fam::FailureKind::kSql, "column \"x\" does not exist (SQLSTATE 42703)", "42703"};
  db::CancelToken cancel;
  tools::SilentReporter reporter;
  tools::Toolbox for_model(database, {}, tools::Phrasing{true, {}});
  tools::Toolbox for_terminal(database, {}, tools::Phrasing{false, {}});
  auto model = for_model.call("query", {{"sql", "SELECT x FROM t"}}, cancel, reporter);
  auto person = for_terminal.call("query", {{"sql", "SELECT x FROM t"}}, cancel, reporter);
  CHECK(model.failure().message ==
        "the query failed: column \"x\" does not exist (SQLSTATE 42703). Next: call describe_table to see the columns");
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
