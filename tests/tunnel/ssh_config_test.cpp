// ~/.ssh/config: which HostName, User, Port and IdentityFile an alias gets.
#include <catch2/catch.hpp>

#include "support.hpp"
#include "tunnel/ssh_config.hpp"

using tunnel::ConfigContext;
using tunnel::read_ssh_config;
using tunnel_test::TempDir;
using tunnel_test::write_file;

namespace {

const ConfigContext kContext{"/home/ana", "ana"};

tunnel::HostConfig resolve(const std::string& text, const std::string& alias) {
  TempDir dir;
  write_file(dir / "config", text);
  return read_ssh_config(dir / "config", alias, kContext);
}

}  // namespace

TEST_CASE("ssh config host patterns understand * and ? and ignore case", "[tunnel][ssh_config]") {
  CHECK(tunnel::host_pattern_matches("db*", "db.internal"));
  CHECK(tunnel::host_pattern_matches("*", "anything"));
  CHECK(tunnel::host_pattern_matches("d?.internal", "DB.internal"));
  CHECK_FALSE(tunnel::host_pattern_matches("d?.internal", "dbx.internal"));
  CHECK_FALSE(tunnel::host_pattern_matches("db", "db.internal"));
}

// Found by tests/fuzz (fuzz_ssh_config): `Host ********"...` held read_ssh_config for minutes.
TEST_CASE("ssh config host pattern with many stars is answered at once", "[tunnel][ssh_config]") {
  std::string host(200, 'a');
  CHECK_FALSE(tunnel::host_pattern_matches(std::string(40, '*') + "b", host));
  CHECK(tunnel::host_pattern_matches(std::string(40, '*') + "a", host));
  CHECK(tunnel::host_pattern_matches("*a*?*a", "xaya"));
  CHECK_FALSE(tunnel::host_pattern_matches("*a*?*a", "xaa"));
  CHECK(tunnel::host_pattern_matches("", ""));
  CHECK(tunnel::host_pattern_matches("**", ""));
  CHECK_FALSE(tunnel::host_pattern_matches("?", ""));
}

TEST_CASE("ssh config alias gives HostName, User, Port and an expanded IdentityFile",
          "[tunnel][ssh_config]") {
  auto c = resolve(
      "# fleet\nHost fleetdb other\n  HostName db.internal\n  User fleet-tunnel\n  Port 2222\n"
      "  IdentityFile ~/.ssh/fleet_ed25519\n",
      "fleetdb");
  CHECK(c.hostname == "db.internal");
  CHECK(c.user == "fleet-tunnel");
  CHECK(c.port == 2222);
  REQUIRE(c.identity_files.size() == 1);
  CHECK(c.identity_files[0] == "/home/ana/.ssh/fleet_ed25519");
}

TEST_CASE("ssh config first value wins across matching Host blocks", "[tunnel][ssh_config]") {
  auto c =
      resolve("Host fleet*\n User first\n Port=2200\nHost *\n User second\n Port 22\n HostName fallback\n",
              "fleetdb");
  CHECK(c.user == "first");
  CHECK(c.port == 2200);
  CHECK(c.hostname == "fallback");
}

TEST_CASE("ssh config skips Match blocks, negated patterns and other hosts", "[tunnel][ssh_config]") {
  auto c = resolve(
      "Match host fleetdb\n User from-match\nHost fleetdb !fleetdb\n User negated\nHost elsewhere\n User "
      "other\n"
      "Host \"fleetdb\"\n User quoted\n",
      "fleetdb");
  CHECK(c.user == "quoted");
  CHECK(c.hostname.empty());
  CHECK(c.port == 0);
}

TEST_CASE("ssh config expands %h and %d tokens", "[tunnel][ssh_config]") {
  auto c = resolve("Host fleet\n HostName %h.example.org\n IdentityFile %d/keys/%h\n", "fleet");
  CHECK(c.hostname == "fleet.example.org");
  REQUIRE(c.identity_files.size() == 1);
  CHECK(c.identity_files[0] == "/home/ana/keys/fleet.example.org");
}

TEST_CASE("ssh config that does not exist gives nothing", "[tunnel][ssh_config]") {
  auto c = read_ssh_config("/nonexistent/config", "fleetdb", kContext);
  CHECK(c.hostname.empty());
  CHECK(c.user.empty());
  CHECK(c.identity_files.empty());
}
