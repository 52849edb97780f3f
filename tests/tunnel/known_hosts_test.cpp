// Host key verification against OpenSSH known_hosts files.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace tunnel_test;

namespace {

struct Fixture {
  ClientEnv env;
  SshServer server;
  KeyPair key = make_key(env.home.path(), "client", "ed25519");
  tunnel::Options options = options_for(server, key, env, 5432);
  Fixture() { server.authorize(key); }
  explicit Fixture(const SshServerOptions& o) : server(o) { server.authorize(key); }
};

}  // namespace

TEST_CASE("unknown host key is refused with its fingerprint and the line to add", "[tunnel][known_hosts]") {
  Fixture f;
  write_file(f.options.known_hosts, "");
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("is not known (ssh-ed25519 " + f.server.fingerprint() + ")"));
  CHECK_THAT(opened.error, Catch::Contains(": " + f.server.known_hosts_line() + " -- "));
  CHECK_THAT(opened.error, Catch::Contains("accept-new mode"));
  CHECK(read_file(f.options.known_hosts).empty());
}

TEST_CASE("accept_new records an unknown host key, which is then verified", "[tunnel][known_hosts]") {
  Fixture f;
  f.options.known_hosts = f.env.home / "ssh/known_hosts";  // the directory does not exist yet
  f.options.accept_new = true;
  auto first = tunnel::Tunnel::open(f.options);
  REQUIRE(first.error == "");
  CHECK(read_file(f.options.known_hosts) == f.server.known_hosts_line() + "\n");
  first.tunnel.reset();
  f.options.accept_new = false;
  auto second = tunnel::Tunnel::open(f.options);
  CHECK(second.error == "");
  CHECK(read_file(f.options.known_hosts) == f.server.known_hosts_line() + "\n");
}

TEST_CASE("changed host key is refused, even with accept_new", "[tunnel][known_hosts]") {
  Fixture f;
  SshServer impostor;  // same type, different key
  std::string old_line = impostor.known_hosts_line();
  old_line.replace(0, old_line.find(' '), "[127.0.0.1]:" + std::to_string(f.server.port()));
  write_file(f.options.known_hosts, "# mine\n" + old_line + "\n");
  for (bool accept_new : {false, true}) {
    f.options.accept_new = accept_new;
    auto opened = tunnel::Tunnel::open(f.options);
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error, Catch::Contains("has CHANGED"));
    CHECK_THAT(opened.error, Catch::Contains(f.server.fingerprint()));
    CHECK_THAT(opened.error, Catch::Contains("ssh-keygen -R [127.0.0.1]:" + std::to_string(f.server.port())));
  }
  CHECK(read_file(f.options.known_hosts) == "# mine\n" + old_line + "\n");
}

TEST_CASE("host known only with another key type is refused as changed", "[tunnel][known_hosts]") {
  Fixture f;  // the server has an ed25519 key only
  SshServer other({{"ecdsa"}, ""});
  std::string ecdsa_line = other.known_hosts_line("ecdsa");
  ecdsa_line.replace(0, ecdsa_line.find(' '), "[127.0.0.1]:" + std::to_string(f.server.port()));
  write_file(f.options.known_hosts, ecdsa_line + "\n");
  f.options.accept_new = true;
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("has CHANGED"));
  CHECK_THAT(opened.error, Catch::Contains("known_hosts has ecdsa-sha2-nistp256"));
}

TEST_CASE("hashed known_hosts entries are accepted", "[tunnel][known_hosts]") {
  Fixture f;
  run("ssh-keygen -H -f " + f.options.known_hosts);
  REQUIRE(read_file(f.options.known_hosts).rfind("|1|", 0) == 0);
  auto opened = tunnel::Tunnel::open(f.options);
  CHECK(opened.error == "");
}

TEST_CASE("the known key type is preferred when the server has several", "[tunnel][known_hosts]") {
  Fixture f({{"ed25519", "ecdsa"}, ""});
  write_file(f.options.known_hosts, "\n" + f.server.known_hosts_line("ecdsa") + "\n");
  auto opened = tunnel::Tunnel::open(f.options);
  CHECK(opened.error == "");
}

TEST_CASE("a non-22 port needs the [host]:port form, as in OpenSSH", "[tunnel][known_hosts]") {
  Fixture f;
  std::string line = f.server.known_hosts_line();
  std::string plain = "127.0.0.1" + line.substr(line.find(' '));
  write_file(f.options.known_hosts, "@cert-authority *.example ssh-ed25519 AAAA\n" + plain + "\n");
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("is not known"));
}

TEST_CASE("a host key marked @revoked is refused", "[tunnel][known_hosts]") {
  Fixture f;
  std::string line = f.server.known_hosts_line();
  write_file(f.options.known_hosts, line + "\n@revoked " + line + "\n");
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("@revoked"));
}
