// What the server learns about its database once, at start: who it is, what it could write, which
// extensions are there, and every type's meaning for JSON.
#include <string>

#include "db/pool.hpp"

namespace db {
namespace {

// Each row names one way this role could change something. The server refuses to serve if any.
constexpr TrustedSql kWritePrivileges = R"SQL(
SELECT what FROM (
  SELECT 'is a superuser' AS what FROM pg_roles WHERE rolname = current_user AND rolsuper
  UNION ALL SELECT 'can create roles' FROM pg_roles WHERE rolname = current_user AND rolcreaterole
  UNION ALL SELECT 'can create databases' FROM pg_roles WHERE rolname = current_user AND rolcreatedb
  UNION ALL SELECT 'can bypass row-level security' FROM pg_roles WHERE rolname = current_user AND rolbypassrls
  UNION ALL SELECT 'has the replication attribute' FROM pg_roles WHERE rolname = current_user AND rolreplication
  UNION ALL SELECT 'is a member of ' || rolname FROM pg_roles
    WHERE rolname IN ('pg_write_all_data', 'pg_write_server_files', 'pg_execute_server_program',
                      'pg_signal_backend', 'pg_checkpoint')
      AND pg_has_role(current_user, oid, 'MEMBER')
  UNION ALL (SELECT 'can write table ' || c.oid::regclass::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
      AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
    ORDER BY 1 LIMIT 5)
  UNION ALL (SELECT 'can create objects in schema ' || quote_ident(nspname) FROM pg_namespace
    WHERE has_schema_privilege(oid, 'CREATE') ORDER BY 1 LIMIT 5)
  UNION ALL SELECT 'can create schemas in this database'
    WHERE has_database_privilege(current_database(), 'CREATE')
) AS privileges
)SQL";

constexpr TrustedSql kIdentity = R"SQL(
SELECT current_user::text, current_setting('server_version'),
       EXISTS (SELECT FROM pg_extension WHERE extname = 'postgis'),
       EXISTS (SELECT FROM pg_extension WHERE extname = 'timescaledb')
)SQL";

// Arrays use their element type's delimiter (';' for box); domains point at their base type. Every
// table, view and TimescaleDB chunk has a row type and an array of it, three quarters of pg_type and
// growing with the chunks; a whole row in a result reads as text either way, so they are left out.
constexpr TrustedSql kTypes = R"SQL(
SELECT t.oid, format_type(t.oid, NULL), t.typname, t.typcategory, t.typelem,
       COALESCE(e.typdelim, t.typdelim), t.typbasetype
FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem
WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid IN (t.typrelid, e.typrelid) AND c.relkind <> 'c')
)SQL";

values::Oid to_oid(std::optional<std::string_view> text) {
  return text ? static_cast<values::Oid>(std::stoul(std::string(*text))) : 0;
}

char first_char(std::optional<std::string_view> text, char fallback) {
  return text && !text->empty() ? text->front() : fallback;
}

}  // namespace

std::optional<Failure> Database::learn(const CancelToken& cancel) {
  const Statement statements[] = {Statement::trusted(kIdentity), Statement::trusted(kWritePrivileges),
                                  Statement::trusted(kTypes)};
  Outcome outcome = pool_->run(statements, cancel);
  if (!outcome) return outcome.failure();
  const std::vector<Table>& tables = outcome->tables;
  const Table& identity = tables[0];
  facts_.role = std::string(identity.value(0, 0).value_or(""));
  facts_.server_version = std::string(identity.value(0, 1).value_or(""));
  facts_.has_postgis = identity.value(0, 2) == "t";
  facts_.has_timescaledb = identity.value(0, 3) == "t";
  for (int row = 0; row < tables[1].row_count(); ++row)
    facts_.write_privileges.emplace_back(tables[1].value(row, 0).value_or(""));
  const Table& types = tables[2];
  for (int row = 0; row < types.row_count(); ++row) {
    catalog_.add(values::TypeRow{to_oid(types.value(row, 0)), std::string(types.value(row, 1).value_or("")),
                                 std::string(types.value(row, 2).value_or("")),
                                 first_char(types.value(row, 3), 'U'), to_oid(types.value(row, 4)),
                                 first_char(types.value(row, 5), ','), to_oid(types.value(row, 6))});
  }
  return std::nullopt;
}

}  // namespace db
