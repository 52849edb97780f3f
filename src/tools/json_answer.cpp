// Answers made by the database as one JSON object (the catalog tools), kept within the budget.
#include "tools/tool.hpp"

namespace tools {
namespace {

using Ordered = nlohmann::ordered_json;

// The longest list of the answer, at the top or one level down (a schema's tables, a table's
// columns); nullptr when it has none.
std::pair<std::string, Ordered*> longest_list(Ordered& answer) {
  std::pair<std::string, Ordered*> longest{"", nullptr};
  auto consider = [&](const std::string& key, Ordered& value) {
    if (value.is_array() && (!longest.second || value.size() > longest.second->size()))
      longest = {key, &value};
  };
  for (auto& [key, value] : answer.items()) {
    consider(key, value);
    if (value.is_object())
      for (auto& [inner, item] : value.items()) consider(inner, item);
  }
  return longest;
}

// Drops the tail of the longest list until the answer fits, and says what was dropped.
std::string fit(Ordered answer, std::size_t budget) {
  std::string text = answer.dump(-1, ' ', false, Ordered::error_handler_t::replace);
  auto [key, list] = longest_list(answer);
  if (text.size() <= budget || !list || list->empty()) return text;
  const std::size_t total = list->size();
  constexpr std::size_t kNoticeRoom = 400;
  while (text.size() + kNoticeRoom > budget && !list->empty()) {
    // Shrink in proportion, a little more each round, so that few rounds are needed.
    auto keep =
        static_cast<std::size_t>(static_cast<double>(list->size()) * 0.9 * static_cast<double>(budget) /
                                 static_cast<double>(text.size() + kNoticeRoom));
    list->erase(list->begin() + static_cast<std::ptrdiff_t>(std::min(keep, list->size() - 1)), list->end());
    text = answer.dump(-1, ' ', false, Ordered::error_handler_t::replace);
  }
  // Adding keys may move the list (an ordered object is a vector): take its size first.
  const std::size_t shown = list->size();
  answer["truncated"] = true;
  answer["notices"].push_back(
      "Showing " + std::to_string(shown) + " of " + std::to_string(total) + " " + key +
      ": this answer is limited to " + std::to_string(budget) +
      " characters. For the rest, query pg_catalog or information_schema with a filter "
      "(e.g. a name pattern) through the query tool.");
  return answer.dump(-1, ' ', false, Ordered::error_handler_t::replace);
}

}  // namespace

CallResult run_json_statement(Context& context, const db::Statement& statement, std::string not_found) {
  db::Outcome outcome = context.database.run({&statement, 1}, context.cancel);
  if (!outcome) return outcome.failure();
  const db::Table& table = outcome->tables.front();
  auto cell = table.row_count() > 0 && table.column_count() > 0 ? table.value(0, 0) : std::nullopt;
  if (!cell) return invalid(std::move(not_found));
  // PostgreSQL's json output is loosely spaced; the model's context deserves the compact form.
  return Answer{fit(Ordered::parse(*cell), context.limits.max_result_chars), "", {}};
}

}  // namespace tools
