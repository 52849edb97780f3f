// What the MCP Apps views draw (io.modelcontextprotocol/ui): the data behind show_map and
// show_chart answers, kept for a while under a short handle that the view fetches with the
// app-only tool view_data, since some hosts never pass a tool's structuredContent to its view.
// Private to tools/.
#pragma once

#include <chrono>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "tools/tool.hpp"

namespace tools {

constexpr std::string_view kMapUri = "ui://fleet-analytics/map";
constexpr std::string_view kChartUri = "ui://fleet-analytics/chart";

class ViewStore {
 public:
  // Keeps `data` (the view's JSON) and returns its handle, "v-" and 16 hex digits.
  std::string keep(std::string data);
  // The data kept under `handle`; nullopt once it has expired or been pushed out.
  std::optional<std::string> find(std::string_view handle) const;

 private:
  // A view asks for its data as soon as it is shown, or when the chat is reopened the same day.
  static constexpr std::chrono::hours kKept{8};
  // The newest views only: each holds up to a few MB.
  static constexpr std::size_t kMaxViews = 16;

  struct Entry {
    std::string handle;
    std::chrono::steady_clock::time_point kept_at;
    std::string data;
  };
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // oldest first
};

// What every view answer shares.
// The index of the column named `name`, or nullopt.
std::optional<int> column_index(const db::Table& table, std::string_view name);
// The first column of one of `families`, in column order.
std::optional<int> first_column(const db::Table& table, const values::Catalog& catalog,
                                std::initializer_list<values::Family> families);
bool is_numeric(values::Family family);
// A number's text as a double; nullopt for anything else (NaN and infinities included).
std::optional<double> number(std::string_view text);
// "imei text, gps_time timestamp with time zone, …" for messages.
std::string column_list(const db::Table& table, const values::Catalog& catalog);
// The answer of show_map or show_chart: `summary` (what the model reads) gets the view's handle;
// so do the answer's _meta and its text block, for hosts that strip structuredContent before it
// reaches the view.
Answer view_answer(nlohmann::json summary, std::string_view kind, std::string data, ViewStore& store);

}  // namespace tools
