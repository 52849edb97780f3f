// Reading EXPLAIN (FORMAT JSON): the facts a cost guard and the explain tool need.
#include "tools/plan.hpp"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace tools {
namespace {

using nlohmann::json;

constexpr db::TrustedSql kHypertableChunks = R"SQL(
SELECT c.hypertable_schema || '.' || c.hypertable_name, d.column_name, count(*),
       to_char(min(c.range_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(max(c.range_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), min(c.chunk_name)
FROM timescaledb_information.chunks c
JOIN timescaledb_information.dimensions d
  ON d.hypertable_schema = c.hypertable_schema AND d.hypertable_name = c.hypertable_name AND d.dimension_number = 1
GROUP BY 1, 2
)SQL";

constexpr std::size_t kMaxOutline = 60;  // nodes shown; a plan of hundreds of chunks says the same in fewer

std::string number(double value) {
  if (value < 1e6) return std::to_string(static_cast<long long>(std::llround(value)));
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// "Seq Scan on positions", "Index Scan using positions_pkey on _hyper_1_2_chunk", "Hash Join".
std::string describe(const json& node) {
  std::string text = node.value("Node Type", "?");
  if (text == "Custom Scan") text += " (" + node.value("Custom Plan Provider", "?") + ")";
  if (node.contains("Index Name")) text += " using " + node["Index Name"].get<std::string>();
  if (node.contains("Relation Name")) text += " on " + node["Relation Name"].get<std::string>();
  return text;
}

bool is_join(const std::string& type) {
  return type == "Nested Loop" || type == "Hash Join" || type == "Merge Join";
}

// The `_hyper_<id>_` prefix every chunk of a hypertable is named with.
std::string chunk_prefix(std::string_view chunk_name) {
  std::size_t id_end = chunk_name.find('_', std::string_view("_hyper_").size());
  return id_end == std::string_view::npos ? std::string(chunk_name)
                                          : std::string(chunk_name.substr(0, id_end + 1));
}

class Walker {
 public:
  Walker(PlanFacts& facts, std::map<std::string, std::size_t> prefixes)
      : facts_(facts), prefixes_(std::move(prefixes)) {}

  void walk(const json& node, int depth) {
    const double total = node.value("Total Cost", 0.0);
    double children = 0;
    for (const json& child : node.value("Plans", json::array())) children += child.value("Total Cost", 0.0);
    const std::string what = describe(node);
    if (total - children > costliest_) {
      costliest_ = total - children;
      facts_.costliest = what;
    }
    const double rows = node.value("Plan Rows", 0.0);
    if (is_join(node.value("Node Type", "")) && rows > facts_.join_rows) {
      facts_.join_rows = rows;
      facts_.join = what;
    }
    if (node.contains("Index Name")) add_unique(facts_.indexes, node["Index Name"].get<std::string>());
    if (node.contains("Relation Name")) count_chunk(node["Relation Name"].get<std::string>());
    if (facts_.outline.size() < kMaxOutline)
      facts_.outline.push_back(std::string(static_cast<std::size_t>(depth) * 2, ' ') + what + " (cost " +
                               number(total) + ", rows " + number(rows) + ")" + condition(node));
    for (const json& child : node.value("Plans", json::array())) walk(child, depth + 1);
  }

 private:
  static std::string condition(const json& node) {
    for (const char* key : {"Index Cond", "Hash Cond", "Filter", "Join Filter"})
      if (node.contains(key)) return std::string(" ") + key + ": " + node[key].get<std::string>();
    return "";
  }

  static void add_unique(std::vector<std::string>& items, const std::string& item) {
    if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
  }

  void count_chunk(const std::string& relation) {
    for (const auto& [prefix, index] : prefixes_) {
      if (!relation.starts_with(prefix) || !seen_.insert(relation).second) continue;
      ++facts_.chunks[index].read;
    }
  }

  PlanFacts& facts_;
  std::map<std::string, std::size_t> prefixes_;  // chunk name prefix -> index in facts_.chunks
  std::set<std::string> seen_;
  double costliest_ = -1;
};

}  // namespace

db::Statement hypertable_chunks() {
  return db::Statement::trusted(kHypertableChunks);
}

PlanFacts read_plan(std::string_view plan, const db::Table* chunks) {
  PlanFacts facts;
  std::map<std::string, std::size_t> prefixes;
  for (int row = 0; chunks && row < chunks->row_count(); ++row) {
    auto cell = [&](int column) { return std::string(chunks->value(row, column).value_or("")); };
    facts.chunks.push_back({cell(0), cell(1), 0, std::stoi(cell(2)), cell(3), cell(4)});
    prefixes[chunk_prefix(cell(5))] = facts.chunks.size() - 1;
  }
  json parsed = json::parse(plan, nullptr, false);
  if (!parsed.is_array() || parsed.empty() || !parsed[0].contains("Plan")) return facts;
  const json& root = parsed[0]["Plan"];
  facts.cost = root.value("Total Cost", 0.0);
  facts.rows = root.value("Plan Rows", 0.0);
  Walker(facts, std::move(prefixes)).walk(root, 0);
  std::erase_if(facts.chunks, [](const ChunkUse& use) { return use.read == 0; });
  return facts;
}

constexpr std::chrono::seconds kChunksKept{60};

std::optional<db::Table> ChunkCache::fresh() const {
  std::lock_guard lock(mutex_);
  if (!chunks_ || std::chrono::steady_clock::now() - read_at_ > kChunksKept) return std::nullopt;
  return chunks_;
}

void ChunkCache::keep(db::Table chunks) {
  std::lock_guard lock(mutex_);
  chunks_ = std::move(chunks);
  read_at_ = std::chrono::steady_clock::now();
}

std::vector<db::Statement> planned(const guard::GuardedSql& sql, db::Statement statement,
                                   const Context& context) {
  std::vector<db::Statement> statements;
  if (!sql.reads_data()) {  // nothing for a plan to weigh: spare the round trip
    statements.push_back(std::move(statement));
    return statements;
  }
  const bool timescale = context.database.facts().has_timescaledb;
  std::optional<db::Table> known = timescale ? context.chunks.fresh() : std::nullopt;
  const bool read_chunks = timescale && !known;
  statements.push_back(db::Statement::plan_of(sql));
  if (read_chunks) statements.push_back(hypertable_chunks());
  const Limits& limits = context.limits;
  ChunkCache& cache = context.chunks;
  statements.push_back(
      db::Statement::gate([&limits, &cache, known, read_chunks](std::span<const db::Table> tables) {
        std::optional<db::Failure> refusal;
        auto plan = tables.empty() || tables[0].row_count() == 0 ? std::nullopt : tables[0].value(0, 0);
        if (!plan) return refusal;
        const db::Table* chunks = known ? &*known : nullptr;
        if (read_chunks && tables.size() > 1) {
          cache.keep(tables[1]);
          chunks = &tables[1];
        }
        if (auto why = too_heavy(read_plan(*plan, chunks), limits))
          refusal = db::Failure{db::FailureKind::kRefused, *why, ""};
        return refusal;
      }));
  statements.push_back(std::move(statement));
  return statements;
}

std::optional<std::string> too_heavy(const PlanFacts& facts, const Limits& limits) {
  std::vector<std::string> reasons;
  for (const ChunkUse& use : facts.chunks) {
    if (use.read <= limits.max_chunks) continue;
    reasons.push_back("it reads " + std::to_string(use.read) + " of the " + std::to_string(use.total) +
                      " chunks of hypertable " + use.hypertable + ", which cover " + use.from + " to " +
                      use.to + " (at most " + std::to_string(limits.max_chunks) + " per query): add a " +
                      use.column + " range, e.g. WHERE " + use.column + " >= now() - interval '7 days'");
  }
  if (facts.join_rows > limits.max_join_rows)
    reasons.push_back(
        "its largest join, " + facts.join + ", is estimated at " + number(facts.join_rows) +
        " rows (at most " + number(limits.max_join_rows) +
        "): join on more keys, filter each side first (a time range), or aggregate before joining");
  if (facts.cost > limits.max_cost)
    reasons.push_back(
        "its estimated cost is " + number(facts.cost) + " (at most " + number(limits.max_cost) +
        "), most of it in " + facts.costliest +
        ": add filters (a time range, a device), use an indexed column, or aggregate in a reporting "
        "view");
  if (reasons.empty()) return std::nullopt;
  std::string message = "refused before it ran, to spare the production database: ";
  for (std::size_t i = 0; i < reasons.size(); ++i) message += (i ? "; and " : "") + reasons[i];
  return message + ". Call explain to see the whole plan";
}

}  // namespace tools
