// Reaching the SSH host: DNS, refused, handshake timeout, ssh config aliases, the local socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace tunnel_test;

TEST_CASE("tunnel reports a host name that does not resolve", "[tunnel][connect]") {
  ClientEnv env;
  tunnel::Options o;
  o.host = "no-such-host.invalid";
  o.user = "ana";
  o.targets = {{"127.0.0.1", 5432}};
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::StartsWith("ssh: cannot resolve no-such-host.invalid"));
}

TEST_CASE("tunnel reports a refused connection with host and port", "[tunnel][connect]") {
  ClientEnv env;
  tunnel::Options o;
  o.host = "127.0.0.1";
  o.port = free_port();
  o.user = "ana";
  o.targets = {{"127.0.0.1", 5432}};
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("connection to 127.0.0.1:" + std::to_string(o.port) + " refused"));
}

TEST_CASE("tunnel gives up on a server that never speaks SSH", "[tunnel][connect]") {
  ClientEnv env;
  int silent = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(silent, 4) == 0);  // the kernel completes the TCP handshake; nobody answers
  socklen_t len = sizeof addr;
  getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
  tunnel::Options o;
  o.host = "127.0.0.1";
  o.port = ntohs(addr.sin_port);
  o.user = "ana";
  o.targets = {{"127.0.0.1", 5432}};
  o.connect_timeout = std::chrono::milliseconds(300);
  auto opened = tunnel::Tunnel::open(o);
  close(silent);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error, Catch::Contains("did not finish within 300 ms"));
}

TEST_CASE("tunnel resolves a Host alias from the ssh config file", "[tunnel][connect]") {
  ClientEnv env;
  SshServer server;
  EchoServer echo;
  auto key = make_key(env.home.path(), "alias_key", "ed25519");
  server.authorize(key);
  auto o = options_for(server, key, env, echo.port());
  write_file(env.home / "config", "Host other\n  User nobody\nHost fleet-db\n  HostName 127.0.0.1\n  Port " +
                                      std::to_string(server.port()) + "\n  User " + server.user() +
                                      "\n  IdentityFile " + key.private_path + "\nHost *\n  User wrong\n");
  o.config_file = env.home / "config";
  o.host = "fleet-db";
  o.port = 0;
  o.user.clear();
  o.identity.clear();
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE(opened.error == "");
  CHECK(opened.tunnel->user() == server.user());
  CHECK(echo_through(*opened.tunnel, "ping") == "ping");
}

TEST_CASE("tunnel socket lives in a private directory that is removed with the tunnel", "[tunnel][connect]") {
  ClientEnv env;
  TempDir runtime;
  ScopedEnv xdg("XDG_RUNTIME_DIR", runtime.path());
  SshServer server;
  auto key = make_key(env.home.path(), "k", "ed25519");
  server.authorize(key);
  auto opened = tunnel::Tunnel::open(options_for(server, key, env, 5432));
  REQUIRE(opened.error == "");
  std::string dir = opened.tunnel->socket_directory();
  CHECK(dir.rfind(runtime.path() + "/", 0) == 0);
  struct stat st {};
  REQUIRE(stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(exists(dir + "/.s.PGSQL.5432"));
  opened.tunnel.reset();
  CHECK_FALSE(exists(dir + "/.s.PGSQL.5432"));
  CHECK_FALSE(exists(dir));
}
