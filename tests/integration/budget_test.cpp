// Answers sized for the model: an analyst's session, answer by answer, against the budget.
#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

struct Call {
  std::string tool;
  json arguments;
};

// What a host's model is shown of one answer, and what the whole line costs.
struct Sizes {
  std::size_t structured;
  std::size_t text;
  std::size_t line;
};

Sizes sizes_of(const json& response) {
  const json& result = response["result"];
  return {result["structuredContent"].dump().size(), result["content"][0]["text"].get<std::string>().size(),
          response.dump().size()};
}

}  // namespace

TEST_CASE("every answer of an analyst's session fits the budget and says what it cut", "[budget]") {
  McpClient client;
  const std::vector<Call> session = {
      {"list_schemas", json::object()},
      {"list_tables", {{"schema", "tracksolid"}}},
      {"describe_table", {{"schema", "tracksolid"}, {"table", "positions"}}},
      {"sample_table", {{"schema", "tracksolid"}, {"table", "positions"}}},
      {"query", {{"sql", "SELECT * FROM tracksolid.positions ORDER BY gps_time"}}},
      {"query", {{"sql", "SELECT * FROM tracksolid.positions"}, {"max_rows", 1000}}},
      {"query", {{"sql", "SELECT * FROM tracksolid.alarms ORDER BY 1 DESC"}}},
      {"query", {{"sql", "SELECT * FROM reporting.v_daily_distance"}}},
      {"query", {{"sql", "SELECT imei, count(*) FROM tracksolid.positions GROUP BY imei"}}},
  };
  int id = 1;
  for (const Call& call : session) {
    json response = client.request(id++, "tools/call", {{"name", call.tool}, {"arguments", call.arguments}});
    INFO(call.tool << " " << call.arguments.dump());
    REQUIRE(response["result"]["isError"] == false);
    const json& answer = response["result"]["structuredContent"];
    Sizes size = sizes_of(response);
    CHECK(size.structured <= 40'000);
    // The text is no second copy: a short answer whole, a long one as a fifth of it.
    CHECK(size.text <= std::max<std::size_t>(size.structured / 5, 2000));
    if (size.structured > 10'000) CHECK(size.line <= size.structured * 13 / 10);
    if (answer.value("truncated", false)) {
      CHECK(answer.contains("truncated_by"));
      CHECK(answer["notices"].dump().find("export_query") != std::string::npos);
    }
  }
}

TEST_CASE("--max-result-chars sets the budget, and the rows that fit come first", "[budget]") {
  McpClient client({"--max-result-chars", "5000"});
  json answer =
      client.call_tool("query", {{"sql", "SELECT gps_time, imei FROM tracksolid.positions ORDER BY 1, 2"}});
  const json& structured = answer["structuredContent"];
  CHECK(structured.dump().size() <= 5000);
  CHECK(structured["truncated_by"] == "size");
  CHECK(structured["row_count"].get<int>() > 20);
  const std::string first = testing::admin_value(
      "SELECT to_char(gps_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM "
      "tracksolid.positions "
      "ORDER BY gps_time, imei LIMIT 1");
  CHECK(structured["rows"][0][0] == first);
}

TEST_CASE("a budget outside its range is refused at start with what to use", "[budget]") {
  testing::CommandRun run = testing::run_command({"query", "SELECT 1", "--max-result-chars", "10"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("--max-result-chars") != std::string::npos);
  CHECK(run.err.find("between 2000 and 10000000") != std::string::npos);
}
