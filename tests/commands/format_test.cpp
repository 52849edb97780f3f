// How `query` prints a result for a terminal or a pipe.
#include "commands/format.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

json result(const json& columns, json rows) {
  json named = json::array();
  for (const auto& name : columns) named.push_back({{"name", name}, {"type", "text"}});
  return {{"columns", named}, {"rows", rows}, {"row_count", rows.size()}, {"truncated", false}};
}

}  // namespace

TEST_CASE("format_table aligns columns, numbers to the right, and counts rows", "[format]") {
  json r = result({"plate", "km"}, json::array({json::array({"KCN 581N", 921.9}), json::array({"KB 1", 4})}));
  CHECK(commands::format_table(r) ==
        " plate    | km\n"
        "----------+-------\n"
        " KCN 581N | 921.9\n"
        " KB 1     |     4\n"
        "(2 rows)\n");
}

TEST_CASE("format_table measures UTF-8 text in characters, not bytes", "[format]") {
  json r = result({"driver", "n"}, json::array({json::array({"Wanjirũ", 1}), json::array({"Ann", 2})}));
  CHECK(commands::format_table(r) ==
        " driver  | n\n"
        "---------+---\n"
        " Wanjirũ | 1\n"
        " Ann     | 2\n"
        "(2 rows)\n");
}

TEST_CASE("format_table keeps each row on one line and shows NULL as empty", "[format]") {
  json r = result({"note", "missing"}, json::array({json::array({"two\nlines\tand a tab", nullptr})}));
  CHECK(commands::format_table(r) ==
        " note                  | missing\n"
        "-----------------------+---------\n"
        " two\\nlines\\tand a tab |\n"
        "(1 row)\n");
}

TEST_CASE("format_table of no rows still shows the columns", "[format]") {
  CHECK(commands::format_table(result({"imei"}, json::array())) == " imei\n------\n(0 rows)\n");
}

TEST_CASE("format_csv quotes only what needs it and writes JSON values as JSON", "[format]") {
  json r = result({"a", "b", "c", "d", "e"},
                  json::array({json::array({"plain", "a,b", "say \"hi\"", nullptr, json{{"type", "Point"}}}),
                               json::array({" lead", 1.5, true, "", "x\ny"})}));
  CHECK(commands::format_csv(r) ==
        "a,b,c,d,e\n"
        "plain,\"a,b\",\"say \"\"hi\"\"\",,\"{\"\"type\"\":\"\"Point\"\"}\"\n"
        "\" lead\",1.5,true,,\"x\ny\"\n");
}
