// The guard reads PostgreSQL's raw parse tree as JSON, where every node is {"NodeType": {fields}} and
// a few typed fields hold a node's fields bare (e.g. "intoClause": {...}, "relation": {"relname": ...}).
// So the walk looks at node names *and* at the field names that matter ("funcname", "indirection",
// "relname", "intoClause"), which makes it independent of where in the grammar a node sits.
#include "guard/guard.hpp"

#include <optional>
#include <string>
#include <vector>

#include "guard/cost_rules.hpp"
#include "guard/deny_list.hpp"
#include "guard/newer_syntax.hpp"
#include "guard/parse_tree.hpp"
#include "guard/statement_names.hpp"

namespace guard {
namespace {

using Node = Tree::Node;
using Refusal = std::optional<std::string>;

constexpr std::string_view kReadOnlyKinds = "SELECT, WITH … SELECT, VALUES, TABLE, EXPLAIN";

fam::Failure refuse(std::string_view why_and_what_to_do) {
  return {fam::FailureKind::kRefused, "refused: " + std::string(why_and_what_to_do), ""};
}

// What the walk decides before check() wraps the SQL: the statement's shape, or the refusal.
struct Shape {
  StatementKind kind = StatementKind::kQuery;
  bool reads_data = true;
};
using Decision = fam::Result<Shape>;

std::string with_article(const std::string& name) {
  const bool vowel = !name.empty() && std::string_view("AEIOU").find(name.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + name;
}

// {"DeleteStmt": {...}} -> ("DeleteStmt", {...}).
std::pair<std::string_view, Node> unwrap(Node node) {
  if (!node.is_object() || node.size() != 1) return {"", node};
  const Node only = *node.begin();
  return {only.key(), only};
}

// Node names are CamelCase ("SelectStmt", "A_Const"); field names start in lower case.
bool is_node_name(std::string_view key) {
  return !key.empty() && key.front() >= 'A' && key.front() <= 'Z';
}

// "pg_catalog"."set_config" arrives as [{"String": {"sval": "pg_catalog"}}, {"String": {"sval": ...}}].
std::string part_name(Node part) {
  const Node sval = part["String"]["sval"];
  return sval.is_string() ? std::string(sval.string()) : std::string("?");
}

std::string dotted_name(Node name_parts) {
  std::string dotted;
  for (Node part : name_parts) {
    if (!dotted.empty()) dotted += '.';
    dotted += part_name(part);
  }
  return dotted;
}

Refusal check_function(const std::string& shown_name, const std::string& called_name) {
  const auto why = why_function_is_denied(called_name);
  if (!why) return std::nullopt;
  return "function " + shown_name + " acts outside the query (" + std::string(*why) + "); remove it";
}

Refusal check_function_name(Node name_parts) {
  if (!name_parts.is_array() || name_parts.size() == 0) return std::nullopt;
  if (name_parts.size() >= 2) {
    const std::string schema = part_name(name_parts.at(name_parts.size() - 2));
    if (const auto why = why_schema_is_denied(schema))
      return "function " + dotted_name(name_parts) + " may not be called (" + std::string(*why) +
             "); remove it";
  }
  return check_function(dotted_name(name_parts), part_name(name_parts.back()));
}

// PostgreSQL reads the field selection `(4711).pg_terminate_backend` as the call
// pg_terminate_backend(4711), for an argument of any type, so every selected field name is checked.
// A column reference `t.pg_sleep` is left alone: PostgreSQL reads it as pg_sleep(t) only with the
// whole row of table t as argument, and no denied function takes a row as its only argument.
Refusal check_field_selections(Node indirection) {
  if (!indirection.is_array()) return std::nullopt;
  for (Node step : indirection) {
    const Node field_name = step["String"]["sval"];
    if (!field_name.is_string()) continue;
    const std::string name(field_name.string());
    if (Refusal refusal = check_function(name, name)) return refusal;
  }
  return std::nullopt;
}

Refusal check_relation_name(Node relname) {
  if (!relname.is_string()) return std::nullopt;
  const std::string name(relname.string());
  const auto why = why_relation_is_denied(name);
  if (!why) return std::nullopt;
  return "relation " + name + " may not be read (" + std::string(*why) + "); remove it";
}

// "LCS_FORNOKEYUPDATE" -> "FOR NO KEY UPDATE".
std::string locking_clause_text(Node fields) {
  const std::string_view strength = fields["strength"].string();
  if (strength == "LCS_FORKEYSHARE") return "FOR KEY SHARE";
  if (strength == "LCS_FORSHARE") return "FOR SHARE";
  if (strength == "LCS_FORNOKEYUPDATE") return "FOR NO KEY UPDATE";
  return "FOR UPDATE";
}

Refusal check_node(std::string_view type, Node fields) {
  if (type == "FuncCall") return why_call_costs_too_much(fields);
  // XMLTABLE parses to a table-function node with no function name, and evaluates XPath.
  if (type == "RangeTableFunc") {
    return "XMLTABLE evaluates XPath in libxml2, which never checks for cancel, so one query can run for "
           "hours and ignore the statement timeout; remove it";
  }
  if (type == "LockingClause") {
    return locking_clause_text(fields) + " locks rows; remove the locking clause";
  }
  // Only SELECT may nest: a CTE (at any depth) that is INSERT/UPDATE/DELETE/MERGE writes data.
  if (type.ends_with("Stmt") && type != "SelectStmt") {
    return "only read-only queries are allowed; this query contains " +
           with_article(statement_name(type, fields)) + " statement (a data-modifying WITH), so remove it";
  }
  return std::nullopt;
}

Refusal check_field(std::string_view key, Node value) {
  if (is_node_name(key) && value.is_object()) return check_node(key, value);
  if (key == "funcname") return check_function_name(value);
  if (key == "indirection") return check_field_selections(value);
  if (key == "relname") return check_relation_name(value);
  if (key == "intoClause") return std::string("SELECT … INTO creates a table; remove the INTO clause");
  return std::nullopt;
}

// A FROM item (table, function, subquery, TABLESAMPLE) or a function call: the nodes through which a
// query reads data or does work that its plan can price. (XMLTABLE is refused above.)
bool reads_data(std::string_view key) {
  return key == "RangeVar" || key == "RangeFunction" || key == "RangeSubselect" ||
         key == "RangeTableSample" || key == "FuncCall";
}

// What the walk below the top node finds.
struct Findings {
  Refusal refusal;
  bool reads_data = false;
};

// Visits every node with an explicit stack, not recursion: `SELECT 1+1+…+1` parses into a tree as deep
// as it is long, and a recursive walk overflowed the stack at 10,000 terms.
Findings walk(Node root) {
  Findings findings;
  std::vector<Node> pending = {root};
  while (!pending.empty()) {
    const Node value = pending.back();
    pending.pop_back();
    if (value.is_array()) {
      for (Node item : value) pending.push_back(item);
    } else if (value.is_object()) {
      for (Node child : value) {
        findings.refusal = check_field(child.key(), child);
        if (findings.refusal) return findings;
        findings.reads_data = findings.reads_data || reads_data(child.key());
        if (child.is_structured()) pending.push_back(child);
      }
    }
  }
  return findings;
}

bool has_analyze_option(Node explain) {
  for (Node option : explain["options"]) {
    // Any ANALYZE, even "(ANALYZE false)": one rule is easier to trust than parsing booleans.
    if (option["DefElem"]["defname"].string() == "analyze") return true;
  }
  return false;
}

Decision check_explain(Node explain) {
  if (has_analyze_option(explain)) {
    return refuse("EXPLAIN ANALYZE runs the statement; use EXPLAIN without ANALYZE");
  }
  const auto [type, fields] = unwrap(explain["query"]);
  if (type != "SelectStmt") {
    return refuse("EXPLAIN is allowed only of a read-only query; this is EXPLAIN of " +
                  with_article(statement_name(type, fields)) + " statement");
  }
  return Shape{StatementKind::kExplain, true};
}

Decision check_top_level(Node statement) {
  const auto [type, fields] = unwrap(statement);
  if (type == "SelectStmt") return Shape{StatementKind::kQuery, true};
  if (type == "ExplainStmt") return check_explain(fields);
  return refuse("only read-only queries are allowed (" + std::string(kReadOnlyKinds) + "); this is " +
                with_article(statement_name(type, fields)) + " statement");
}

Decision check_statements(Node statements) {
  if (!statements.is_array() || statements.size() == 0) {
    return refuse("the SQL is empty or only comments; send one query");
  }
  if (statements.size() > 1) {
    return refuse("the SQL holds " + std::to_string(statements.size()) +
                  " statements; send one statement per call");
  }
  // The parser drops empty statements, but the server's cursor would see "DECLARE … FOR ; SELECT 1".
  if (statements.at(0)["stmt_location"].integer().value_or(0) > 0) {
    return refuse("the SQL starts with an empty statement (a stray ';'); send the query alone");
  }
  const Node statement = statements.at(0)["stmt"];
  Decision decision = check_top_level(statement);
  if (!decision) return decision;
  // Walk below the top node: it is already known to be a SELECT or an EXPLAIN.
  const Findings findings = walk(unwrap(statement).second);
  if (findings.refusal) return refuse(*findings.refusal);
  return Shape{decision->kind, findings.reads_data};
}

}  // namespace

Verdict check(std::string_view sql) {
  if (sql.find('\0') != std::string_view::npos) {
    return refuse("the SQL contains a NUL byte; remove it");
  }
  const ParseOutcome parsed = parse_sql(std::string(sql));
  if (!parsed.error.empty()) {
    if (auto newer = newer_syntax(sql)) return refuse(parsed.error + " (" + *newer + ")");
    return refuse(parsed.error);
  }
  Decision decision = check_statements(parsed.tree.root()["stmts"]);
  if (!decision) return decision.failure();
  return GuardedSql(std::string(sql), decision->kind, decision->reads_data);
}

}  // namespace guard
