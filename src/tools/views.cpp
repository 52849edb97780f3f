#include "tools/views.hpp"

#include <charconv>
#include <cmath>
#include <random>

namespace tools {

std::string ViewStore::keep(std::string data) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  char handle[24];
  std::snprintf(handle, sizeof handle, "v-%016llx", static_cast<unsigned long long>(random()));
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  while (!entries_.empty() && (entries_.size() >= kMaxViews || now - entries_.front().kept_at > kKept))
    entries_.pop_front();
  entries_.push_back({handle, now, std::move(data)});
  return handle;
}

std::optional<std::string> ViewStore::find(std::string_view handle) const {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  for (const Entry& entry : entries_)
    if (entry.handle == handle && now - entry.kept_at <= kKept) return entry.data;
  return std::nullopt;
}

std::optional<int> column_index(const db::Table& table, std::string_view name) {
  for (int c = 0; c < table.column_count(); ++c)
    if (table.column_name(c) == name) return c;
  return std::nullopt;
}

std::optional<int> first_column(const db::Table& table, const values::Catalog& catalog,
                                std::initializer_list<values::Family> families) {
  for (int c = 0; c < table.column_count(); ++c)
    for (values::Family family : families)
      if (values::family(table.column_type(c), catalog) == family) return c;
  return std::nullopt;
}

bool is_numeric(values::Family family) {
  return family == values::Family::kInteger || family == values::Family::kBigint ||
         family == values::Family::kFloat || family == values::Family::kNumeric;
}

std::optional<double> number(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string column_list(const db::Table& table, const values::Catalog& catalog) {
  std::string list;
  for (int c = 0; c < table.column_count(); ++c) {
    if (c) list += ", ";
    list.append(table.column_name(c)).append(" ").append(catalog.display_name(table.column_type(c)));
  }
  return list;
}

Answer view_answer(nlohmann::json summary, std::string_view kind, std::string data, ViewStore& store) {
  std::string handle = store.keep(std::move(data));
  nlohmann::json view = {{"handle", handle}, {"kind", kind}};
  summary["view"] = view;
  std::string structured = summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string text = render_text(structured) + "\nview handle: " + handle;
  return Answer{
      std::move(structured), std::move(text), {}, nlohmann::json{{"fleet-analytics/view", view}}.dump()};
}

}  // namespace tools
