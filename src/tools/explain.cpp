// explain: a query's plan, never its execution, and whether this server would run it.
#include "guard/guard.hpp"
#include "tools/plan.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

nlohmann::json chunk_uses(const PlanFacts& facts) {
  auto uses = nlohmann::json::array();
  for (const ChunkUse& use : facts.chunks)
    uses.push_back({{"hypertable", use.hypertable},
                    {"time_column", use.column},
                    {"chunks_read", use.read},
                    {"chunks_total", use.total},
                    {"covering", use.from + " to " + use.to}});
  return uses;
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  guard::Verdict verdict = guard::check(arguments["sql"].get_ref<const std::string&>());
  if (!verdict) return verdict.failure();
  if (verdict->kind() != guard::StatementKind::kQuery)
    return invalid("explain takes the query itself (SELECT, WITH, VALUES or TABLE), without EXPLAIN");
  std::vector<db::Statement> statements{db::Statement::plan_of(*verdict)};
  if (context.database.facts().has_timescaledb) statements.push_back(hypertable_chunks());
  db::Outcome outcome = context.database.run(statements, context.cancel);
  if (!outcome) return outcome.failure();
  const db::Table& plan = outcome->tables.front();
  if (plan.row_count() == 0 || !plan.value(0, 0)) return invalid("the database gave no plan for this query");
  if (outcome->tables.size() > 1) context.chunks.keep(outcome->tables[1]);
  PlanFacts facts = read_plan(*plan.value(0, 0), outcome->tables.size() > 1 ? &outcome->tables[1] : nullptr);
  auto refusal = too_heavy(facts, context.limits);
  nlohmann::json answer = {{"would_run", !refusal},
                           {"estimated_cost", facts.cost},
                           {"estimated_rows", facts.rows},
                           {"costliest_step", facts.costliest}};
  if (refusal) answer["why_not"] = *refusal;
  if (!facts.join.empty())
    answer["largest_join"] = {{"step", facts.join}, {"estimated_rows", facts.join_rows}};
  if (!facts.chunks.empty()) answer["hypertable_chunks"] = chunk_uses(facts);
  answer["indexes_used"] = facts.indexes;
  answer["plan"] = facts.outline;
  return Answer{answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "", {}};
}

}  // namespace

Tool explain_tool() {
  return Tool{
      "explain",
      "Check a query's plan",
      "The plan of one read-only query, without running it: estimated cost and rows, the costliest "
      "step, hypertable chunks read, indexes used, and whether query would run it or refuse it as too "
      "heavy (and why). Use it before a query over much data.",
      nlohmann::json::parse(R"({
                "type": "object",
                "properties": {"sql": {"type": "string", "description": "One read-only SQL query."}},
                "required": ["sql"],
                "additionalProperties": false
              })"),
      nlohmann::json::parse(R"({
                "type": "object",
                "properties": {"would_run": {"type": "boolean"}, "estimated_cost": {"type": "number"},
                  "plan": {"type": "array", "items": {"type": "string"}}},
                "required": ["would_run", "estimated_cost", "plan"]
              })"),
      run};
}

}  // namespace tools
