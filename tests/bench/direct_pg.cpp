#include "direct_pg.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace bench {
namespace {

[[noreturn]] void fail(PGconn* conn, const std::string& doing) {
  throw std::runtime_error("direct libpq: " + doing + ": " + PQerrorMessage(conn));
}

void send(PGconn* conn, const char* sql, int n_params = 0, const char* const* params = nullptr) {
  if (!PQsendQueryParams(conn, sql, n_params, nullptr, params, nullptr, nullptr, 0)) fail(conn, sql);
}

void sync(PGconn* conn) {
  if (!PQpipelineSync(conn)) fail(conn, "sync");
}

// Reads the results of `statements` pipelined statements and then their sync.
void read_segment(PGconn* conn, int statements) {
  for (int i = 0; i < statements; ++i) {
    PgResult result(PQgetResult(conn), PQclear);
    auto status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(conn, "pipelined statement");
    PgResult end(PQgetResult(conn), PQclear);  // the null that closes each statement's results
  }
  PgResult synced(PQgetResult(conn), PQclear);
  if (PQresultStatus(synced.get()) != PGRES_PIPELINE_SYNC) fail(conn, "pipeline sync");
}

using ConninfoOptions = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

ConninfoOptions parse_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &error), PQconninfoFree);
  PQfreemem(error);
  return options;
}

// A key=value value: quoted, with ' and \ escaped.
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// 0 unless `text` is a whole number.
int port_number(std::string_view text) {
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() ? port : 0;
}

}  // namespace

PgConn connect(const Credentials& credentials) {
  const char* keys[] = {"dbname", "password", "connect_timeout", "application_name", nullptr};
  const char* values[] = {credentials.url.c_str(), credentials.password.c_str(), "10", "fam_bench", nullptr};
  PgConn conn(PQconnectdbParams(keys, values, 1), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) fail(conn.get(), "connect " + credentials.url);
  return conn;
}

void enter_pipeline_mode(PGconn* conn) {
  if (!PQenterPipelineMode(conn)) fail(conn, "pipeline mode");
}

void run_trivial_transaction(PGconn* conn) {
  send(conn, "BEGIN READ ONLY");
  send(conn, "SELECT 1");
  send(conn, "ROLLBACK");
  sync(conn);
  read_segment(conn, 3);
}

// Mirrors src/db/connection_read.cpp, so that the reference pays what the server's pipeline pays.
void ServerSequence::run(const std::string& sql, long fetch_rows, bool plan_first) {
  if (close_owed_) {
    read_segment(conn_, 1);
    read_segment(conn_, 1);
  }
  PGconn* conn = conn_;
  std::string declare = "DECLARE c NO SCROLL CURSOR FOR " + sql;
  std::string fetch = "FETCH FORWARD " + std::to_string(fetch_rows) + " FROM c";
  send(conn, "BEGIN READ ONLY");
  if (plan_first) {  // the cost guard's segment: the plan is read before the query is sent
    std::string explain = "EXPLAIN (FORMAT JSON) " + sql;
    send(conn, explain.c_str());
    sync(conn);
    read_segment(conn, 2);
  }
  send(conn, declare.c_str());
  send(conn, fetch.c_str());
  sync(conn);
  send(conn, "ROLLBACK");
  sync(conn);
  send(conn, "DISCARD ALL");
  sync(conn);
  read_segment(conn, plan_first ? 2 : 3);
  close_owed_ = true;
}

std::size_t fetch_all_values(PGconn* conn, const std::string& sql) {
  PgResult result(PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) fail(conn, "fetch");
  std::size_t bytes = 0;
  int rows = PQntuples(result.get()), columns = PQnfields(result.get());
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      // strlen touches every byte, as the server's conversion to JSON must.
      bytes += std::strlen(PQgetvalue(result.get(), row, column));
    }
  }
  return bytes;
}

values::Catalog read_catalog(PGconn* conn) {
  PgResult types(PQexec(conn,
                        "SELECT t.oid, format_type(t.oid, NULL), t.typname, t.typcategory, t.typelem, "
                        "COALESCE(e.typdelim, t.typdelim), t.typbasetype FROM pg_type t "
                        "LEFT JOIN pg_type e ON e.oid = t.typelem"),
                 PQclear);
  if (PQresultStatus(types.get()) != PGRES_TUPLES_OK) fail(conn, "read pg_type");
  auto oid = [&](int row, int column) {
    return static_cast<values::Oid>(std::stoul(PQgetvalue(types.get(), row, column)));
  };
  auto text = [&](int row, int column) { return std::string(PQgetvalue(types.get(), row, column)); };
  values::Catalog catalog;
  for (int row = 0; row < PQntuples(types.get()); ++row) {
    catalog.add(values::TypeRow{oid(row, 0), text(row, 1), text(row, 2), text(row, 3).front(), oid(row, 4),
                                text(row, 5).front(), oid(row, 6)});
  }
  return catalog;
}

std::size_t fetch_as_json(PGconn* conn, const std::string& sql, const values::Catalog& catalog) {
  PgResult settings(PQexec(conn,
                           "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';"
                           " SET extra_float_digits = 1; SET bytea_output = 'hex'"),
                    PQclear);
  if (PQresultStatus(settings.get()) != PGRES_COMMAND_OK) fail(conn, "session settings");
  PgResult result(PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0), PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) fail(conn, "fetch");
  const int rows = PQntuples(result.get()), columns = PQnfields(result.get());
  std::vector<const values::Catalog::Entry*> types;
  types.reserve(static_cast<std::size_t>(columns));
  for (int column = 0; column < columns; ++column)
    types.push_back(catalog.find(PQftype(result.get(), column)));
  std::string json = "[";
  for (int row = 0; row < rows; ++row) {
    json += row ? ",[" : "[";
    for (int column = 0; column < columns; ++column) {
      if (column) json += ',';
      if (PQgetisnull(result.get(), row, column)) {
        json += "null";
        continue;
      }
      std::string_view text(PQgetvalue(result.get(), row, column),
                            static_cast<std::size_t>(PQgetlength(result.get(), row, column)));
      values::append_json(json, text, types[static_cast<std::size_t>(column)], catalog);
    }
    json += ']';
  }
  json += ']';
  return json.size();
}

std::string single_value(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()), PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) < 1) fail(conn, sql);
  return PQgetvalue(result.get(), 0, 0);
}

std::optional<Endpoint> tcp_endpoint(const std::string& conninfo) {
  ConninfoOptions options = parse_conninfo(conninfo);
  if (!options) return std::nullopt;
  Endpoint endpoint{"localhost", 5432};
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string_view key = o->keyword;
    if (key == "host") endpoint.host = o->val;
    if (key == "port") endpoint.port = port_number(o->val);
  }
  if (endpoint.host.front() == '/' || endpoint.host.find(',') != std::string::npos || endpoint.port <= 0)
    return std::nullopt;
  return endpoint;
}

std::string with_endpoint(const std::string& conninfo, const Endpoint& endpoint) {
  ConninfoOptions options = parse_conninfo(conninfo);
  if (!options) throw std::runtime_error("cannot read the database URL " + conninfo);
  std::string out = "host=" + quoted(endpoint.host) + " port=" + std::to_string(endpoint.port);
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    std::string_view key = o->keyword;
    if (!o->val || !*o->val || key == "host" || key == "hostaddr" || key == "port") continue;
    out += " " + std::string(key) + "=" + quoted(o->val);
  }
  return out;
}

}  // namespace bench
