// tcp_endpoints: where a database URL points, one entry per host, for the SSH tunnel (issue 14).
#include <catch2/catch.hpp>

#include "db/db.hpp"

namespace {

std::string hosts_of(const std::string& url) {
  auto endpoints = db::tcp_endpoints(url);
  if (!endpoints) return "failure: " + endpoints.failure().message;
  std::string out;
  for (const auto& e : *endpoints) out += (out.empty() ? "" : " ") + e.host + ":" + std::to_string(e.port);
  return out;
}

}  // namespace

TEST_CASE("tcp_endpoints lists each host of a multi-host URL with its port", "[db][endpoint]") {
  CHECK(hosts_of("postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db") == "127.0.0.1:5432");
  CHECK(hosts_of("postgresql://analytics_ro@standby:5433,primary:5432/tracksolid_db"
                 "?target_session_attrs=prefer-standby") == "standby:5433 primary:5432");
  CHECK(hosts_of("host=standby,primary port=6432") == "standby:6432 primary:6432");   // one port for all
  CHECK(hosts_of("host=standby,primary port=,5433") == "standby:5432 primary:5433");  // empty = default
  auto endpoints = db::tcp_endpoints("postgresql://analytics_ro@a:1,b:2/tracksolid_db");
  REQUIRE(endpoints);
  CHECK((*endpoints)[1].user == "analytics_ro");
  CHECK((*endpoints)[1].dbname == "tracksolid_db");
}

TEST_CASE("tcp_endpoints refuses what a tunnel cannot reach, and says what to write", "[db][endpoint]") {
  for (const char* url :
       {"host=/var/run/postgresql", "host=standby,/tmp port=5432", "host=a,b,c port=1,2", "host=a port=0"}) {
    INFO(url);
    CHECK_THAT(hosts_of(url), Catch::StartsWith("failure: the database URL must name TCP hosts") &&
                                  Catch::Contains("target_session_attrs=prefer-standby"));
  }
}
