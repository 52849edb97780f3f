// Public-key login: identity files of each type, ssh-agent, and the messages when it fails.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace tunnel_test;

namespace {

std::string login_error(const SshServer& server, const KeyPair& key, const ClientEnv& env) {
  auto opened = tunnel::Tunnel::open(options_for(server, key, env, 5432));
  return opened ? "" : opened.error;
}

}  // namespace

TEST_CASE("identity files of type ed25519 and ecdsa log in", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  EchoServer echo;
  for (const char* type : {"ed25519", "ecdsa"}) {
    auto key = make_key(env.home.path(), std::string("id_") + type, type);
    server.authorize(key);
    auto opened = tunnel::Tunnel::open(options_for(server, key, env, echo.port()));
    INFO(type);
    REQUIRE(opened.error == "");
    CHECK(echo_through(*opened.tunnel, type) == type);
  }
}

TEST_CASE("rsa identity is refused by a default OpenSSH with a hint, and logs in where ssh-rsa is allowed",
          "[tunnel][auth]") {
  ClientEnv env;
  auto key = make_key(env.home.path(), "id_rsa", "rsa");
  {
    SshServer strict;
    strict.authorize(key);
    CHECK_THAT(login_error(strict, key, env),
               Catch::Contains("libssh2 1.10 can only sign with ssh-rsa/SHA-1"));
  }
  SshServer legacy({{"ed25519"}, "PubkeyAcceptedAlgorithms +ssh-rsa"});
  legacy.authorize(key);
  CHECK(login_error(legacy, key, env) == "");
}

TEST_CASE("unauthorised key is refused, naming the keys tried", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  auto stranger = make_key(env.home.path(), "stranger", "ed25519");
  std::string error = login_error(server, stranger, env);
  CHECK_THAT(error,
             Catch::StartsWith("ssh: 127.0.0.1:" + std::to_string(server.port()) + " refused every key"));
  CHECK_THAT(error, Catch::Contains("tried " + stranger.private_path));
  CHECK_THAT(error, Catch::Contains("tunnel_account.sh add"));
}

TEST_CASE("passphrase-protected key without an agent asks for ssh-add", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  auto locked = make_key(env.home.path(), "locked", "ed25519", "correct horse");
  server.authorize(locked);
  std::string error = login_error(server, locked, env);
  CHECK_THAT(error, Catch::Contains("needs a passphrase"));
  CHECK_THAT(error, Catch::Contains("ssh-add " + locked.private_path));
}

TEST_CASE("keys held by ssh-agent log in, passphrase or not", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  EchoServer echo;
  auto locked = make_key(env.home.path(), "locked", "ed25519", "correct horse");
  auto decoy = make_key(env.home.path(), "decoy", "ecdsa");
  server.authorize(locked);
  Agent agent;
  agent.add(decoy);  // offered first, refused, then the next one
  agent.add(locked, "correct horse");
  auto o = options_for(server, locked, env, echo.port());
  o.identity.clear();  // nothing in ~/.ssh: only the agent can log in
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE(opened.error == "");
  CHECK(echo_through(*opened.tunnel, "via agent") == "via agent");
}

TEST_CASE("no agent and no identity file says how to make a key", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  auto key = make_key(env.home.path(), "unused", "ed25519");
  auto o = options_for(server, key, env, 5432);
  o.identity.clear();
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::StartsWith("ssh: no key to log in as " + server.user()));
  CHECK_THAT(opened.error, Catch::Contains(env.home / ".ssh/id_ed25519"));
  CHECK_THAT(opened.error, Catch::Contains("ssh-keygen -t ed25519"));
}

TEST_CASE("default identity files in ~/.ssh are found", "[tunnel][auth]") {
  ClientEnv env;
  SshServer server;
  run("mkdir -m 700 " + env.home / ".ssh");
  auto key = make_key(env.home / ".ssh", "id_ecdsa", "ecdsa");
  server.authorize(key);
  auto o = options_for(server, key, env, 5432);
  o.identity.clear();
  CHECK(tunnel::Tunnel::open(o).error == "");
}
