// What a statement's plan says before it runs: its cost, its widest join, the hypertable chunks it
// reads and the indexes it uses; and whether that is too much for production. Private to tools/.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/db.hpp"
#include "tools/tool.hpp"

namespace tools {

// How many of a hypertable's chunks a plan reads, and the time they cover.
struct ChunkUse {
  std::string hypertable;  // schema.name
  std::string column;      // its time dimension
  int read = 0;
  int total = 0;
  std::string from, to;  // the range all its chunks cover
};

struct PlanFacts {
  double cost = 0;        // the planner's estimate for the whole statement
  double rows = 0;        // rows it returns
  std::string costliest;  // the node that costs most on its own, e.g. "Seq Scan on positions"
  double join_rows = 0;   // rows the largest join produces
  std::string join;       // that join, e.g. "Hash Join (positions, positions)"
  std::vector<ChunkUse> chunks;
  std::vector<std::string> indexes;  // used by index scans
  std::vector<std::string> outline;  // one line per node, indented by depth
};

// The hypertables' chunk counts, kept for a minute: TimescaleDB's chunks view takes milliseconds to
// read, and a hypertable gains a chunk a day or so. Thread-safe.
class ChunkCache {
 public:
  // The table of hypertable_chunks() read less than a minute ago, if any.
  std::optional<db::Table> fresh() const;
  void keep(db::Table chunks);

 private:
  mutable std::mutex mutex_;
  std::optional<db::Table> chunks_;
  std::chrono::steady_clock::time_point read_at_;
};

// Statements that give the hypertables' chunk counts and ranges (one row each: hypertable, time
// column, chunks, from, to, one chunk's name); only where TimescaleDB is installed.
db::Statement hypertable_chunks();
// `plan` is EXPLAIN (FORMAT JSON)'s text; `chunks` the result of hypertable_chunks(), or null.
PlanFacts read_plan(std::string_view plan, const db::Table* chunks);
// The statements of a call that runs `statement` only when the plan of `sql` is light enough: its
// plan, the hypertables' chunks (with TimescaleDB), the gate that decides, then `statement`, in one
// transaction. A refusal is kRefused, with what to change. A statement that reads no data
// (GuardedSql::reads_data) runs unplanned.
std::vector<db::Statement> planned(const guard::GuardedSql& sql, db::Statement statement,
                                   const Context& context);

// Why the plan is too heavy to run under `limits`, with what to change; nullopt when it may run.
std::optional<std::string> too_heavy(const PlanFacts& facts, const Limits& limits);

}  // namespace tools
