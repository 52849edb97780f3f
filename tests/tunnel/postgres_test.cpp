// PostgreSQL through the tunnel. Needs FAM_RO_URL and FAM_RO_PASSWORD_FILE (scripts/pg_sandbox.sh env):
// without them these tests fail, naming the variables.
#include <libpq-fe.h>
#include <poll.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "support.hpp"

using namespace tunnel_test;

namespace {

struct PGconnFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, PGconnFree>;
struct PGresultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Res = std::unique_ptr<PGresult, PGresultFree>;

struct Database {
  std::string host, port, user, dbname, password;
};

Database database_from_env() {
  const char* url = std::getenv("FAM_RO_URL");
  const char* password_file = std::getenv("FAM_RO_PASSWORD_FILE");
  if (!url || !password_file) {
    FAIL(
        "set FAM_RO_URL and FAM_RO_PASSWORD_FILE (eval \"$(scripts/pg_sandbox.sh env DIR)\") to run the "
        "PostgreSQL tunnel tests");
  }
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url, &err);
  INFO("FAM_RO_URL: " << (err ? err : ""));
  REQUIRE(options != nullptr);
  Database db;
  for (auto* o = options; o->keyword; ++o) {
    std::string value = o->val ? o->val : "";
    std::string key = o->keyword;
    if (key == "host") db.host = value;
    if (key == "port") db.port = value.empty() ? "5432" : value;
    if (key == "user") db.user = value;
    if (key == "dbname") db.dbname = value;
  }
  PQconninfoFree(options);
  db.password = read_file(password_file);
  if (db.password.empty()) FAIL("cannot read a password from FAM_RO_PASSWORD_FILE=" << password_file);
  while (!db.password.empty() && (db.password.back() == '\n' || db.password.back() == '\r'))
    db.password.pop_back();
  return db;
}

std::string quote(const std::string& v) {
  return "'" + v + "'";
}

// No Catch2 macros here or in fetch_rows(): the concurrency test calls them from several threads,
// and Catch2 v2's assertions and messages are not thread-safe.
Conn open_db(const Database& db, const std::string& host, const std::string& port) {
  std::string info = "host=" + quote(host) + " port=" + port + " user=" + quote(db.user) +
                     " dbname=" + quote(db.dbname) + " password=" + quote(db.password) +
                     " connect_timeout=10";
  return Conn(PQconnectdb(info.c_str()));
}

Conn connect_db(const Database& db, const std::string& host, const std::string& port) {
  Conn conn = open_db(db, host, port);
  INFO(PQerrorMessage(conn.get()));
  REQUIRE(PQstatus(conn.get()) == CONNECTION_OK);
  return conn;
}

// Every row as one tab-separated line, or "error: " and libpq's message.
std::string fetch_rows(PGconn* conn, const std::string& sql) {
  Res res(PQexec(conn, sql.c_str()));
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) return "error: " + std::string(PQerrorMessage(conn));
  std::string out;
  for (int r = 0; r < PQntuples(res.get()); ++r) {
    for (int c = 0; c < PQnfields(res.get()); ++c)
      out += std::string(c ? "\t" : "") + PQgetvalue(res.get(), r, c);
    out += "\n";
  }
  return out;
}

std::string rows(PGconn* conn, const std::string& sql) {
  std::string out = fetch_rows(conn, sql);
  REQUIRE_THAT(out, !Catch::StartsWith("error: "));
  return out;
}

struct Fixture {
  Database db = database_from_env();
  ClientEnv env;
  SshServer server;
  KeyPair key = make_key(env.home.path(), "client", "ed25519");
  std::unique_ptr<tunnel::Tunnel> tunnel;
  Fixture() {
    server.authorize(key);
    auto o = options_for(server, key, env, std::stoi(db.port));
    o.targets[0].host = db.host;
    auto opened = tunnel::Tunnel::open(o);
    REQUIRE(opened.error == "");
    tunnel = std::move(opened.tunnel);
  }
  Conn direct() const { return connect_db(db, db.host, db.port); }
  Conn through() const { return connect_db(db, tunnel->socket_directory(), std::to_string(tunnel->port())); }
  Conn open_through() const {
    return open_db(db, tunnel->socket_directory(), std::to_string(tunnel->port()));
  }
};

// 10,000 rows of mixed types, computed by the server: no fixture tables needed.
constexpr const char* kTenThousandRows =
    "SELECT g, md5(g::text), g * 1.5, now()::date - g, g % 7 = 0 FROM generate_series(1, 10000) g ORDER BY g";

}  // namespace

TEST_CASE("a query through the tunnel returns the same rows as a direct connection", "[tunnel][postgres]") {
  Fixture f;
  auto direct = f.direct();
  auto tunnelled = f.through();
  std::string expected = rows(direct.get(), kTenThousandRows);
  CHECK(std::count(expected.begin(), expected.end(), '\n') == 10000);
  CHECK(rows(tunnelled.get(), kTenThousandRows) == expected);
  CHECK(rows(tunnelled.get(), "SELECT current_user, inet_server_addr()::text") ==
        rows(direct.get(), "SELECT current_user, inet_server_addr()::text"));
}

TEST_CASE("several libpq connections query through one tunnel at once", "[tunnel][postgres]") {
  Fixture f;
  std::string expected = rows(f.direct().get(), kTenThousandRows);
  constexpr int kClients = 6;
  std::vector<std::string> got(kClients);
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {  // no Catch2 macros in these threads: got[i] is checked below
      auto conn = f.open_through();
      got[i] = fetch_rows(conn.get(), kTenThousandRows);
    });
  }
  for (auto& c : clients) c.join();
  for (const auto& g : got) CHECK(g == expected);
}

TEST_CASE("killing the SSH connection mid-query gives a libpq error; the next connection works",
          "[tunnel][postgres]") {
  Fixture f;
  auto conn = f.through();
  auto watcher = f.direct();
  const std::string marker = "/* tunnel-kill-test */";
  REQUIRE(PQsendQuery(conn.get(), ("SELECT pg_sleep(60) " + marker).c_str()) == 1);
  std::string active =
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT "
      "pg_sleep(60) /* tunnel-kill%'";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rows(watcher.get(), active) != "1\n") {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    poll(nullptr, 0, 10);  // bounded wait for the backend to start the query
  }
  f.server.kill_connections();
  Res res(PQgetResult(conn.get()));
  CHECK(PQresultStatus(res.get()) == PGRES_FATAL_ERROR);
  CHECK_THAT(PQerrorMessage(conn.get()), Catch::Contains("server closed the connection unexpectedly"));
  CHECK_THAT(f.tunnel->last_error(), Catch::Contains("lost"));
  CHECK(rows(f.through().get(), "SELECT 42") == "42\n");
  rows(watcher.get(),
       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60) /* "
       "tunnel-kill%'");
}
