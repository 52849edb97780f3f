// Forwarding through the session: refusals, bulk data both ways, concurrency, losing the session.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "support.hpp"

using namespace tunnel_test;

namespace {

// Connects, lets the tunnel fail the connection, returns what it said.
std::string failed_forward(const tunnel::Tunnel& t, std::size_t target = 0) {
  int fd = connect_unix(t, target);
  REQUIRE(fd >= 0);
  CHECK(read_to_eof(fd).empty());  // closed by the tunnel without data
  close(fd);
  return t.last_error();
}

}  // namespace

TEST_CASE("forward refused by permitopen is reported by last_error", "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key, "permitopen=\"127.0.0.1:1\"");
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  CHECK(opened.tunnel->last_error() == "");
  std::string error = failed_forward(*opened.tunnel);
  CHECK_THAT(error, Catch::StartsWith("ssh: the server refused to forward to 127.0.0.1:" +
                                      std::to_string(f.echo.port())));
  CHECK_THAT(error, Catch::Contains("permitopen"));
}

TEST_CASE(
    "forward to a port where nothing listens says the target connect failed, and a lone target "
    "keeps its socket",
    "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  f.options.targets[0].port = free_port();
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  CHECK_THAT(failed_forward(*opened.tunnel),
             Catch::Contains("could not connect to 127.0.0.1:" + std::to_string(f.options.targets[0].port)));
  // libpq has no other host to try: the socket stays, and the next connection finds out again.
  CHECK(opened.tunnel->serving(0));
  CHECK_THAT(failed_forward(*opened.tunnel), Catch::Contains("could not connect"));
}

TEST_CASE("forwarding moves megabytes both ways at once intact", "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  std::string data(8 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7919) >> 3);
  CHECK(echo_through(*opened.tunnel, data) == data);
  CHECK(opened.tunnel->last_error() == "");
}

TEST_CASE("forwarding serves several connections concurrently over one session", "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  constexpr int kConnections = 12;
  std::vector<std::string> sent(kConnections), received(kConnections);
  std::vector<std::thread> clients;
  for (int i = 0; i < kConnections; ++i) {
    sent[i] = std::string(200'000 + i * 1000, static_cast<char>('a' + i));
    clients.emplace_back([&, i] { received[i] = echo_through(*opened.tunnel, sent[i]); });
  }
  for (auto& c : clients) c.join();
  for (int i = 0; i < kConnections; ++i) CHECK(received[i] == sent[i]);
  CHECK(f.server.log().find("Accepted publickey") ==
        f.server.log().rfind("Accepted publickey"));  // one login
}

// Issue 14: a multi-host database URL (standby, primary) through the one SSH session.
TEST_CASE("one tunnel forwards to two targets over one session, each through its own socket",
          "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  std::optional<EchoServer> second(std::in_place);
  f.options.targets.push_back({"127.0.0.1", second->port()});
  f.options.targets.push_back(f.options.targets[0]);  // two hosts may well share a port number
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  const tunnel::Tunnel& t = *opened.tunnel;
  CHECK(t.port(1) == second->port());
  CHECK(t.port(2) == t.port(0));
  CHECK(t.socket_directory(0) != t.socket_directory(1));
  CHECK(t.socket_directory(0) != t.socket_directory(2));
  CHECK((t.serving(0) && t.serving(1) && t.serving(2)));
  CHECK(echo_through(t, "to the first", 0) == "to the first");
  CHECK(echo_through(t, "to the second", 1) == "to the second");
  CHECK(echo_through(t, "to the first again", 2) == "to the first again");
  CHECK(f.server.log().find("Accepted publickey") == f.server.log().rfind("Accepted publickey"));

  second.reset();  // the second socket leads to the second target, and only there
  CHECK_THAT(failed_forward(t, 1),
             Catch::Contains("could not connect to 127.0.0.1:" + std::to_string(t.port(1))));
  CHECK(echo_through(t, "the first still", 0) == "the first still");
  // Its socket is closed now, so that libpq's connect() fails and it tries its next host...
  CHECK_FALSE(t.serving(1));
  CHECK((t.serving(0) && t.serving(2)));
  int refused = connect_unix(t, 1);
  CHECK(refused < 0);
  if (refused >= 0) close(refused);
  // ... for a while; then the next connection tries the target again, which is back.
  second.emplace(1, t.port(1));
  CHECK(eventually([&] {
    int fd = connect_unix(t, 1);
    if (fd >= 0) close(fd);
    return fd >= 0;
  }));
  CHECK(t.serving(1));
  CHECK(echo_through(t, "the second is back", 1) == "the second is back");
}

// Issue 13: sshd leaves Nagle's algorithm on, so it holds the second piece back until the first
// is acknowledged; with a delayed ACK (40 ms on Linux) every round took over 40 ms.
TEST_CASE("a reply that comes in small pieces is not held back by a delayed ACK", "[tunnel][forward]") {
  ClientEnv env;
  SshServer server;
  EchoServer split(3);
  KeyPair key = make_key(env.home.path(), "client", "ed25519");
  server.authorize(key);
  auto opened = tunnel::Tunnel::open(options_for(server, key, env, split.port()));
  REQUIRE(opened.error == "");
  int fd = connect_unix(*opened.tunnel);
  REQUIRE(fd >= 0);
  const std::string request(90, 'q');
  std::vector<double> millis;
  for (int round = 0; round < 20; ++round) {
    auto start = std::chrono::steady_clock::now();
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string back;
    char buf[256];
    for (ssize_t n; back.size() < request.size() && (n = recv(fd, buf, sizeof buf, 0)) > 0;)
      back.append(buf, static_cast<size_t>(n));
    REQUIRE(back == request);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  close(fd);
  std::sort(millis.begin(), millis.end());
  CHECK(millis[millis.size() / 2] < 20);  // 2 ms of pauses plus loopback: 40 ms means a delayed ACK
}

TEST_CASE("losing the SSH connection closes forwarded connections; the next one reconnects",
          "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  int fd = connect_unix(*opened.tunnel);
  REQUIRE(fd >= 0);
  char byte = 'x';
  REQUIRE(send(fd, &byte, 1, MSG_NOSIGNAL) == 1);
  REQUIRE(recv(fd, &byte, 1, 0) == 1);  // the channel is up
  f.server.kill_connections();
  CHECK(read_to_eof(fd).empty());
  close(fd);
  CHECK_THAT(opened.tunnel->last_error(),
             Catch::StartsWith("ssh: connection to 127.0.0.1:" + std::to_string(f.server.port()) + " lost"));
  CHECK_THAT(opened.tunnel->last_error(), Catch::Contains("reconnecting on the next connection"));
  CHECK(echo_through(*opened.tunnel, "again") == "again");
}

TEST_CASE("an idle session dropped by the server is replaced on the next connection", "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  f.server.kill_connections();
  CHECK(echo_through(*opened.tunnel, "after idle loss") == "after idle loss");
}

TEST_CASE("reconnecting checks the host key again", "[tunnel][forward]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto opened = tunnel::Tunnel::open(f.options);
  REQUIRE(opened.error == "");
  write_file(f.options.known_hosts, "");  // the host is no longer trusted
  f.server.kill_connections();
  int fd = connect_unix(*opened.tunnel);
  REQUIRE(fd >= 0);
  CHECK(read_to_eof(fd).empty());
  close(fd);
  CHECK_THAT(opened.tunnel->last_error(), Catch::Contains("is not known"));
}

TEST_CASE("a key added by tunnel_account.sh forwards to its permitopen only, until revoked",
          "[tunnel][forward]") {
  EchoFixture f;
  std::string script = std::string(FAM_SOURCE_DIR) + "/scripts/tunnel_account.sh";
  std::string common =
      " --key " + f.key.private_path + ".pub --authorized-keys " + f.server.authorized_keys_path();
  run(script + " add" + common + " --db-port " + std::to_string(f.echo.port()) + " --comment analyst");
  run(script + " add" + common + " --db-port " + std::to_string(f.echo.port()));  // idempotent
  std::string keys = read_file(f.server.authorized_keys_path());
  CHECK(keys == "restrict,port-forwarding,permitopen=\"127.0.0.1:" + std::to_string(f.echo.port()) +
                    "\",command=\"/bin/false\" " + f.key.public_line + "\n");
  std::string listed = run(script + " list --authorized-keys " + f.server.authorized_keys_path());
  CHECK_THAT(listed, Catch::Contains("\tforward to 127.0.0.1:" + std::to_string(f.echo.port())));
  {
    auto opened = tunnel::Tunnel::open(f.options);
    REQUIRE(opened.error == "");
    CHECK(echo_through(*opened.tunnel, "allowed") == "allowed");
    EchoServer other;
    auto o = f.options;
    o.targets[0].port = other.port();
    auto elsewhere = tunnel::Tunnel::open(o);
    REQUIRE(elsewhere.error == "");
    CHECK_THAT(failed_forward(*elsewhere.tunnel), Catch::Contains("refused to forward"));
  }
  run(script + " revoke" + common);
  CHECK(read_file(f.server.authorized_keys_path()).empty());
  CHECK_THAT(tunnel::Tunnel::open(f.options).error, Catch::Contains("refused every key"));
}

TEST_CASE("a key added by tunnel_account.sh for a standby and its primary forwards to both, not elsewhere",
          "[tunnel][forward]") {
  EchoFixture f;
  EchoServer second, elsewhere;
  const std::string first_port = std::to_string(f.echo.port()), second_port = std::to_string(second.port());
  std::string script = std::string(FAM_SOURCE_DIR) + "/scripts/tunnel_account.sh";
  run(script + " add --key " + f.key.private_path + ".pub --authorized-keys " +
      f.server.authorized_keys_path() + " --db-host 127.0.0.1 --db-port " + first_port +
      " --db-host 127.0.0.1 --db-port " + second_port);
  CHECK(read_file(f.server.authorized_keys_path()) ==
        "restrict,port-forwarding,permitopen=\"127.0.0.1:" + first_port + "\",permitopen=\"127.0.0.1:" +
            second_port + "\",command=\"/bin/false\" " + f.key.public_line + "\n");
  std::string listed = run(script + " list --authorized-keys " + f.server.authorized_keys_path());
  CHECK_THAT(listed, Catch::Contains("\tforward to 127.0.0.1:" + first_port + " 127.0.0.1:" + second_port));
  auto o = f.options;
  o.targets.push_back({"127.0.0.1", second.port()});
  o.targets.push_back({"127.0.0.1", elsewhere.port()});
  auto opened = tunnel::Tunnel::open(o);
  REQUIRE(opened.error == "");
  CHECK(echo_through(*opened.tunnel, "to the standby", 0) == "to the standby");
  CHECK(echo_through(*opened.tunnel, "to the primary", 1) == "to the primary");
  CHECK_THAT(failed_forward(*opened.tunnel, 2), Catch::Contains("refused to forward"));
}
