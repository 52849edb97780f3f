// A fake database for the tools' tests: it records what it is sent, honours the cost guard's
// gate with a plan it is given, and returns the tables it is given.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/tools.hpp"

namespace tools_testing {

inline constexpr values::Oid kInt4 = 23;

class FakeDatabase final : public db::Executor {
 public:
  std::optional<fam::Failure> connect_failure;
  std::optional<fam::Failure> run_failure;
  std::vector<db::Table> tables;  // what each run returns
  std::vector<std::string> notices;
  std::vector<std::string> sent;  // the SQL of every statement run
  std::vector<std::optional<long>> fetch_limits;

  std::optional<fam::Failure> connect(const db::CancelToken&) override { return connect_failure; }
  const db::ServerFacts& facts() const override { return facts_; }
  const values::Catalog& catalog() const override { return catalog_; }
  // The plan EXPLAIN gives before a query runs (a gate decides on it).
  std::string plan = R"([{"Plan":{"Node Type":"Result","Total Cost":0.01,"Plan Rows":1}}])";

  db::Outcome run(std::span<const db::Statement> statements, const db::CancelToken&) override {
    std::vector<db::Table> before_gate;
    for (const auto& statement : statements) {
      if (statement.gate_check()) {
        if (auto refusal = statement.gate_check()(before_gate)) return *refusal;
        continue;
      }
      if (statement.sql().starts_with("EXPLAIN (FORMAT JSON) ")) {
        before_gate.push_back(db::Table::make({{"QUERY PLAN"}}, {{plan}}));
        continue;
      }
      sent.push_back(statement.sql());
      fetch_limits.push_back(statement.fetch_limit());
      if (statement.sink()) stream(tables.front(), *statement.sink());
    }
    if (run_failure) return *run_failure;
    return db::Reply{tables, notices};
  }

  // As the real database does: the columns, then the rows up to the statement's fetch limit.
  void stream(const db::Table& table, db::RowSink& sink) {
    std::vector<db::Column> columns;
    for (int c = 0; c < table.column_count(); ++c)
      columns.push_back({std::string(table.column_name(c)), table.column_type(c)});
    if (!sink.begin(columns)) return;
    for (int r = 0; r < table.row_count() && r < fetch_limits.back().value_or(table.row_count()); ++r) {
      std::vector<std::optional<std::string_view>> values;
      for (int c = 0; c < table.column_count(); ++c) values.push_back(table.value(r, c));
      if (!sink.row(values)) return;
    }
  }

  values::Catalog& types() { return catalog_; }  // add extension types (PostGIS) here

 private:
  db::ServerFacts facts_;
  values::Catalog catalog_;
};

}  // namespace tools_testing
