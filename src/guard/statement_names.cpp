#include "guard/statement_names.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace guard {
namespace {

// Node names whose words do not read as their SQL; every other "FooBarStmt" reads "FOO BAR".
constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kFixedNames = {{
    {"CreateStmt", "CREATE TABLE"},
    {"IndexStmt", "CREATE INDEX"},
    {"ViewStmt", "CREATE VIEW"},
    {"CreatedbStmt", "CREATE DATABASE"},
    {"DropdbStmt", "DROP DATABASE"},
    {"CreateSeqStmt", "CREATE SEQUENCE"},
    {"AlterSeqStmt", "ALTER SEQUENCE"},
    {"CreateTrigStmt", "CREATE TRIGGER"},
    {"CreateEventTrigStmt", "CREATE EVENT TRIGGER"},
    {"RuleStmt", "CREATE RULE"},
    {"CreatePLangStmt", "CREATE LANGUAGE"},
    {"CreateFdwStmt", "CREATE FOREIGN DATA WRAPPER"},
    {"CreateForeignServerStmt", "CREATE SERVER"},
    {"CreateTableSpaceStmt", "CREATE TABLESPACE"},
    {"DropTableSpaceStmt", "DROP TABLESPACE"},
    {"CreateStatsStmt", "CREATE STATISTICS"},
    {"CreateOpClassStmt", "CREATE OPERATOR CLASS"},
    {"CompositeTypeStmt", "CREATE TYPE"},
    {"CreateEnumStmt", "CREATE TYPE"},
    {"CreateRangeStmt", "CREATE TYPE"},
    {"VariableShowStmt", "SHOW"},
    {"DeclareCursorStmt", "DECLARE CURSOR"},
    {"ClosePortalStmt", "CLOSE"},
    {"CheckPointStmt", "CHECKPOINT"},
    {"RefreshMatViewStmt", "REFRESH MATERIALIZED VIEW"},
    {"SecLabelStmt", "SECURITY LABEL"},
    {"AlterObjectSchemaStmt", "ALTER SET SCHEMA"},
    {"AlterOwnerStmt", "ALTER OWNER"},
}};

// "CreateTableAsStmt" -> "CREATE TABLE AS".
std::string words_of(std::string_view node_type) {
  if (node_type.ends_with("Stmt")) node_type.remove_suffix(4);
  std::string words;
  for (char c : node_type) {
    if (std::isupper(static_cast<unsigned char>(c)) && !words.empty()) words += ' ';
    words += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return words;
}

// "OBJECT_MATVIEW" -> "MATERIALIZED VIEW", "TRANS_STMT_ROLLBACK_TO" -> "ROLLBACK TO".
std::string enum_words(Tree::Node fields, const char* key, std::string_view prefix) {
  std::string value(fields[key].string());
  if (value.starts_with(prefix)) value.erase(0, prefix.size());
  if (value == "MATVIEW") return "MATERIALIZED VIEW";
  if (value == "FDW") return "FOREIGN DATA WRAPPER";
  for (char& c : value) c = c == '_' ? ' ' : c;
  return value;
}

bool flag(Tree::Node fields, const char* key) {
  return fields[key].is_true();
}

// Statements whose SQL keyword depends on a field of the node.
std::optional<std::string> name_from_fields(std::string_view type, Tree::Node fields) {
  if (type == "TransactionStmt") return enum_words(fields, "kind", "TRANS_STMT_");
  if (type == "DropStmt") return "DROP " + enum_words(fields, "removeType", "OBJECT_");
  if (type == "AlterTableStmt") return "ALTER " + enum_words(fields, "objtype", "OBJECT_");
  if (type == "RenameStmt") return "ALTER " + enum_words(fields, "renameType", "OBJECT_") + " RENAME";
  if (type == "DefineStmt") return "CREATE " + enum_words(fields, "kind", "OBJECT_");
  if (type == "CreateTableAsStmt") {
    const bool view = fields["objtype"].string() == "OBJECT_MATVIEW";
    return view ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE AS";
  }
  if (type == "VariableSetStmt") {
    return fields["kind"].string().starts_with("VAR_RESET") ? "RESET" : "SET";
  }
  if (type == "CreateFunctionStmt")
    return flag(fields, "is_procedure") ? "CREATE PROCEDURE" : "CREATE FUNCTION";
  if (type == "GrantStmt" || type == "GrantRoleStmt") return flag(fields, "is_grant") ? "GRANT" : "REVOKE";
  if (type == "VacuumStmt") return flag(fields, "is_vacuumcmd") ? "VACUUM" : "ANALYZE";
  if (type == "FetchStmt") return flag(fields, "ismove") ? "MOVE" : "FETCH";
  return std::nullopt;
}

}  // namespace

std::string statement_name(std::string_view node_type, Tree::Node fields) {
  if (auto name = name_from_fields(node_type, fields)) return *name;
  for (const auto& [type, name] : kFixedNames) {
    if (type == node_type) return std::string(name);
  }
  return words_of(node_type);
}

}  // namespace guard
