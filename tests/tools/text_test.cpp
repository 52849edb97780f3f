// The text block of an answer: rows read only as far as the text has room for, and the whole answer
// parsed when it is not a rows answer as expected.
#include <catch2/catch.hpp>

#include <string>

#include "tools/tool.hpp"

namespace {

using Catch::Matchers::Contains;

std::string rows_answer(int rows, std::string_view extra = "") {
  std::string out = R"({"columns":[{"name":"n","type":"integer"},{"name":"label","type":"text"}],"rows":[)";
  for (int r = 0; r < rows; ++r)
    out += (r ? "," : "") + std::string("[") + std::to_string(r) + R"(,"row )" + std::to_string(r) + "\"]";
  return out + "],\"row_count\":" + std::to_string(rows) + ",\"truncated\":false" + std::string(extra) + "}";
}

}  // namespace

TEST_CASE("text of a short rows answer shows every row", "[tools][text]") {
  const std::string text = tools::render_text(rows_answer(3));
  CHECK_THAT(text, Contains("3 rows. Columns: n (integer), label (text)."));
  CHECK_THAT(text, Contains("0 | row 0"));
  CHECK_THAT(text, Contains("2 | row 2"));
}

TEST_CASE("text of a long rows answer shows the first rows and says how many more there are",
          "[tools][text]") {
  const std::string structured = rows_answer(20'000);
  const std::string text = tools::render_text(structured);
  CHECK_THAT(text, Contains("20000 rows."));
  CHECK_THAT(text, Contains("0 | row 0"));
  CHECK_THAT(text, Contains("more rows are in the structured result"));
  CHECK(text.size() <= structured.size() / 5);
}

TEST_CASE("text of a rows answer reads strings with escaped quotes and backslashes", "[tools][text]") {
  const std::string structured =
      R"({"columns":[{"name":"a","type":"text"},{"name":"b","type":"jsonb"}],"rows":[)"
      R"(["say \"hi\"",{"k":"x\\"}],["ends in \\",{"k":"]\"}"}]],"row_count":2,"truncated":false})";
  const std::string text = tools::render_text(structured);
  CHECK_THAT(text, Contains("2 rows."));
  CHECK_THAT(text, Contains(R"(say "hi" | {"k":"x\\"})"));
  CHECK_THAT(text, Contains(R"(ends in \ | {"k":"]\"}"})"));
}

TEST_CASE("text cells: bars escaped, points as WKT, JSON compacted, numbers as written", "[tools][text]") {
  const std::string structured =
      R"({"columns":[{"name":"a|b","type":"text"},{"name":"g","type":"geometry"},{"name":"j","type":"jsonb"},)"
      R"({"name":"n","type":"numeric"}],"rows":[["x|y",{"type":"Point","coordinates":[1.5,-2e-3]},)"
      R"({"k": [1, "p|q"], "s": "a b"},1.50]],"row_count":1,"truncated":false})";
  const std::string text = tools::render_text(structured);
  CHECK_THAT(text, Contains("a\\|b | g | j | n"));
  CHECK_THAT(text, Contains(R"(x\|y | POINT(1.5 -2e-3) | {"k":[1,"p\|q"],"s":"a b"} | 1.50)"));
}

TEST_CASE("text of a rows answer told where its rows are is the same, and a wrong place is ignored",
          "[tools][text]") {
  const std::string structured = rows_answer(20'000, R"(,"notices":["after the rows"])");
  const std::size_t begin = structured.find("[[");
  const std::size_t end = structured.find("]]") + 2;
  const std::string_view rows = std::string_view(structured).substr(begin, end - begin);
  const std::string text = tools::render_text(structured, rows);
  CHECK(text == tools::render_text(structured));
  CHECK_THAT(text, Contains("Note: after the rows"));             // members after the rows are still read
  CHECK(tools::render_text(structured, rows.substr(1)) == text);  // not where the rows begin
}

TEST_CASE("text of a rows answer whose rows are not as expected falls back to the whole answer",
          "[tools][text]") {
  // row_count promises more rows than there are: the scanner runs out, and the answer is parsed whole.
  std::string structured = rows_answer(2);
  structured.replace(structured.find("\"row_count\":2"), 13, "\"row_count\":5");
  const std::string text = tools::render_text(structured);
  CHECK_THAT(text, Contains("row 1"));
  CHECK_THAT(text, Contains("row_count"));
}
