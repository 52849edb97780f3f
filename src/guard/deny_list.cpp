#include "guard/deny_list.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace guard {
namespace {

enum class Match { kExact, kPrefix, kContains };

struct DeniedName {
  std::string_view pattern;  // lower case
  Match match;
  std::string_view why;
};

constexpr std::string_view kChangesSettings = "it changes server or session settings";
constexpr std::string_view kSignals = "it signals other sessions";
constexpr std::string_view kSleeps = "it only waits, holding a connection";
constexpr std::string_view kSequences = "it changes a sequence, which no rollback undoes";
constexpr std::string_view kLargeObjects =
    "it reads or writes large objects, which PostgreSQL 15 allows even in a read-only transaction";
constexpr std::string_view kAdvisoryLocks = "it takes advisory locks, which can outlive the query";
constexpr std::string_view kOtherConnection = "it runs SQL over another connection, outside read-only rules";
constexpr std::string_view kServerFiles = "it reads or writes the server's files";
constexpr std::string_view kHiddenSql =
    "it runs SQL this check cannot see (from a string, cursor or catalog)";
constexpr std::string_view kReplication = "it administers replication, WAL or backups";
constexpr std::string_view kCreatesObjects = "it creates database objects";
constexpr std::string_view kResetsStats = "it resets statistics other users rely on";
constexpr std::string_view kOthersQueries = "it shows other sessions' query text";
constexpr std::string_view kSnapshots = "it exports a snapshot for other sessions to use";
constexpr std::string_view kXPath =
    "libxml2's XPath evaluation never checks for cancel, so one query can run for hours and ignore the "
    "statement timeout";
constexpr std::string_view kExtensionAdmin =
    "it is TimescaleDB's administrative API (chunks, jobs, policies, compression, telemetry), which can "
    "change data, take exclusive locks or write catalog rows even in a read-only transaction";
constexpr std::string_view kExtensionInternals =
    "it is an extension's internal function, which can change data or take exclusive locks even in a "
    "read-only transaction; use the documented views (timescaledb_information.*) instead";

// The one table of functions that act outside the query. The read-only transaction, role GRANTs and
// the extended protocol are the other layers; this one names what they let through or would only
// catch with a confusing error.
constexpr std::array kDeniedFunctions = {
    // Settings: set_config('statement_timeout', '0', true) would switch off the server's time limit.
    DeniedName{"set_config", Match::kExact, kChangesSettings},
    DeniedName{"pg_reload_conf", Match::kExact, kChangesSettings},
    DeniedName{"pg_rotate_logfile", Match::kPrefix, kChangesSettings},
    // Signals to other backends.
    DeniedName{"pg_terminate_backend", Match::kExact, kSignals},
    DeniedName{"pg_cancel_backend", Match::kExact, kSignals},
    DeniedName{"pg_signal_backend", Match::kExact, kSignals},
    DeniedName{"pg_log_backend_memory_contexts", Match::kExact, kSignals},
    DeniedName{"pg_notify", Match::kExact, kSignals},
    // Statement timeouts bound it, but sleeping has no analytic use.
    DeniedName{"pg_sleep", Match::kPrefix, kSleeps},
    // Sequence changes are not transactional.
    DeniedName{"nextval", Match::kExact, kSequences},
    DeniedName{"setval", Match::kExact, kSequences},
    // Large objects: lo_create, lo_unlink, lo_import, lo_export, lo_put, lo_from_bytea, ...
    DeniedName{"lo_", Match::kPrefix, kLargeObjects},
    DeniedName{"loread", Match::kExact, kLargeObjects},
    DeniedName{"lowrite", Match::kExact, kLargeObjects},
    // Session-level advisory locks survive the transaction's rollback.
    DeniedName{"pg_advisory_", Match::kPrefix, kAdvisoryLocks},
    DeniedName{"pg_try_advisory_", Match::kPrefix, kAdvisoryLocks},
    // dblink opens its own connection, which is not read-only.
    DeniedName{"dblink", Match::kPrefix, kOtherConnection},
    // Server file system access (core and adminpack).
    DeniedName{"pg_read_file", Match::kExact, kServerFiles},
    DeniedName{"pg_read_binary_file", Match::kExact, kServerFiles},
    DeniedName{"pg_stat_file", Match::kExact, kServerFiles},
    DeniedName{"pg_ls_", Match::kPrefix, kServerFiles},
    DeniedName{"pg_file_", Match::kPrefix, kServerFiles},
    // SQL inside a string argument is never parsed here: query_to_xml*, cursor_to_xml*, table_to_xml*,
    // schema_to_xml*, database_to_xml*, ts_stat, ts_rewrite.
    DeniedName{"_to_xml", Match::kContains, kHiddenSql},
    DeniedName{"ts_stat", Match::kExact, kHiddenSql},
    DeniedName{"ts_rewrite", Match::kExact, kHiddenSql},
    // Replication slots and origins, WAL, backups, promotion.
    DeniedName{"pg_create_physical_replication_slot", Match::kExact, kReplication},
    DeniedName{"pg_create_logical_replication_slot", Match::kExact, kReplication},
    DeniedName{"pg_copy_physical_replication_slot", Match::kExact, kReplication},
    DeniedName{"pg_copy_logical_replication_slot", Match::kExact, kReplication},
    DeniedName{"pg_drop_replication_slot", Match::kExact, kReplication},
    DeniedName{"pg_replication_slot_advance", Match::kExact, kReplication},
    DeniedName{"pg_replication_origin_", Match::kPrefix, kReplication},
    DeniedName{"pg_logical_emit_message", Match::kExact, kReplication},
    DeniedName{"pg_logical_slot_", Match::kPrefix, kReplication},
    DeniedName{"pg_switch_wal", Match::kExact, kReplication},
    DeniedName{"pg_create_restore_point", Match::kExact, kReplication},
    DeniedName{"pg_backup_", Match::kPrefix, kReplication},
    DeniedName{"pg_start_backup", Match::kExact, kReplication},
    DeniedName{"pg_stop_backup", Match::kExact, kReplication},
    DeniedName{"pg_promote", Match::kExact, kReplication},
    DeniedName{"pg_wal_replay_", Match::kPrefix, kReplication},
    DeniedName{"pg_import_system_collations", Match::kExact, kCreatesObjects},
    DeniedName{"pg_stat_reset", Match::kPrefix, kResetsStats},
    // Other sessions' SQL text may hold other tenants' literals.
    DeniedName{"pg_stat_get_activity", Match::kExact, kOthersQueries},
    DeniedName{"pg_stat_get_backend_activity", Match::kExact, kOthersQueries},
    DeniedName{"pg_stat_statements", Match::kPrefix, kOthersQueries},
    DeniedName{"pg_export_snapshot", Match::kExact, kSnapshots},
    // XPath in every spelling: xpath(), xpath_exists(), XMLEXISTS (XMLTABLE is a node: see guard.cpp).
    DeniedName{"xpath", Match::kExact, kXPath},
    DeniedName{"xpath_exists", Match::kExact, kXPath},
    DeniedName{"xmlexists", Match::kExact, kXPath},
};

// TimescaleDB's administrative API, as a family: every function named after one of the things it
// administers (compress_chunk, drop_chunks, add_job, alter_job, add_retention_policy,
// create_hypertable, get_telemetry_report, timescaledb_pre_restore, …), so the next release's new
// verbs are refused too. Core functions (pg_*) and the read-only reports (show_*, *_size, *_stats,
// *_row_count) stay allowed, as do the analytics functions (time_bucket, first, last, locf, …).
constexpr std::array kAdministeredNouns = {
    "chunk",      "job",         "policy",    "hypertable",           "dimension",
    "tablespace", "columnstore", "rowstore",  "continuous_aggregate", "cagg",
    "telemetry",  "restore",     "data_node", "compression",          "timescaledb"};

// Core (pg_*) and PostGIS (st_*, whose cost parameters cost_rules.cpp checks) are not the API.
bool is_read_only_report(std::string_view name) {
  return name.starts_with("pg_") || name.starts_with("st_") || name.starts_with("show_") ||
         name.ends_with("_size") || name.ends_with("_stats") || name.ends_with("_row_count");
}

// Views that show other sessions' query text.
constexpr std::array kDeniedRelations = {
    DeniedName{"pg_stat_activity", Match::kExact, kOthersQueries},
    DeniedName{"pg_stat_statements", Match::kExact, kOthersQueries},
    DeniedName{"pg_stat_statements_info", Match::kExact, kOthersQueries},
};

std::string to_lower(std::string_view text) {
  std::string lower(text);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

bool matches(const DeniedName& denied, std::string_view name) {
  switch (denied.match) {
    case Match::kExact:
      return name == denied.pattern;
    case Match::kPrefix:
      return name.starts_with(denied.pattern);
    case Match::kContains:
      return name.find(denied.pattern) != std::string_view::npos;
  }
  return false;
}

template <std::size_t N>
std::optional<std::string_view> find_reason(const std::array<DeniedName, N>& table, std::string_view name) {
  const std::string lower = to_lower(name);
  for (const DeniedName& denied : table) {
    if (matches(denied, lower)) return denied.why;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> why_function_is_denied(std::string_view name) {
  if (auto why = find_reason(kDeniedFunctions, name)) return why;
  const std::string lower = to_lower(name);
  if (is_read_only_report(lower)) return std::nullopt;
  for (std::string_view noun : kAdministeredNouns)
    if (lower.find(noun) != std::string::npos) return kExtensionAdmin;
  return std::nullopt;
}

std::optional<std::string_view> why_schema_is_denied(std::string_view schema) {
  const std::string lower = to_lower(schema);
  if (lower.starts_with("_") || lower.ends_with("_internal") || lower.ends_with("_experimental"))
    return kExtensionInternals;
  return std::nullopt;
}

std::optional<std::string_view> why_relation_is_denied(std::string_view relname) {
  return find_reason(kDeniedRelations, relname);
}

}  // namespace guard
