// Hidden ("[.]"): run with `values_tests "[speed]"` on an otherwise idle machine. Prints the cost of
// serialising a 10,000-row x 8-column result, against copying the same bytes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

struct Column {
  values::Oid type;
  std::vector<std::string> texts;
};

std::vector<Column> fleet_result(int rows) {
  std::vector<Column> columns = {{23, {}},   {20, {}},  {25, {}}, {1184, {}},
                                 {1700, {}}, {701, {}}, {16, {}}, {1043, {}}};
  for (int i = 0; i < rows; ++i) {
    columns[0].texts.push_back(std::to_string(i));
    columns[1].texts.push_back(std::to_string(1700000000000LL + i * 7919LL));
    columns[2].texts.push_back("truck-" + std::to_string(i % 500) + " depot \"north\"");
    columns[3].texts.push_back("2024-03-01 12:" + std::to_string(10 + i % 50) + ":56.789+00");
    columns[4].texts.push_back(std::to_string(i % 1000) + ".50");
    columns[5].texts.push_back("37.7749" + std::to_string(i % 97));
    columns[6].texts.push_back(i % 3 == 0 ? "t" : "f");
    columns[7].texts.push_back("Zürich Hauptbahnhof");
  }
  return columns;
}

template <typename F>
double best_seconds(F&& run) {
  double best = 1e9;
  for (int round = 0; round < 20; ++round) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

TEST_CASE("values serialises a 10,000 x 8 result close to copying it", "[.][speed]") {
  constexpr int kRows = 10000;
  const std::vector<Column> columns = fleet_result(kRows);
  const values::Catalog& catalog = values_test::catalog();
  std::string out;
  out.reserve(8 << 20);
  for (const Column& column : columns) {
    const double seconds = best_seconds([&] {
      out.clear();
      for (const std::string& text : column.texts) values::append_json(out, text, column.type, catalog);
    });
    std::printf("  oid %5u (%-24.*s) %6.1f ns/value\n", column.type,
                static_cast<int>(catalog.display_name(column.type).size()),
                catalog.display_name(column.type).data(), seconds * 1e9 / kRows);
  }
  const double copy_seconds = best_seconds([&] {
    out.clear();
    for (int row = 0; row < kRows; ++row) {
      for (const Column& column : columns) out.append(column.texts[row]);
    }
  });
  const double json_seconds = best_seconds([&] {
    out.assign(1, '[');
    for (int row = 0; row < kRows; ++row) {
      out.push_back('[');
      for (const Column& column : columns) {
        values::append_json(out, column.texts[row], column.type, catalog);
        out.push_back(',');
      }
      out.back() = ']';
      out.push_back(',');
    }
    out.back() = ']';
  });
  std::printf("  whole result: %.3f ms to JSON (%zu bytes), %.3f ms to copy the text\n", json_seconds * 1e3,
              out.size(), copy_seconds * 1e3);
  CHECK(nlohmann::json::accept(out));
}
