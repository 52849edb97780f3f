// diagnose(): open()'s steps one at a time, each reported, stopping at the first failure.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support.hpp"

using namespace tunnel_test;

namespace {

struct Diagnosis {
  bool passed = false;
  std::vector<tunnel::Check> checks;

  // The reported steps in order, e.g. "ssh config ok, DNS ok, TCP failed".
  std::string steps() const {
    std::string out;
    for (const auto& c : checks) out += (out.empty() ? "" : ", ") + c.name + (c.ok ? " ok" : " failed");
    return out;
  }
  const std::string& detail(const std::string& name) const {
    auto step = std::find_if(checks.begin(), checks.end(), [&](const auto& c) { return c.name == name; });
    INFO("steps: " << steps());
    REQUIRE(step != checks.end());
    return step->detail;
  }
  const std::string& last_detail() const {
    REQUIRE_FALSE(checks.empty());
    return checks.back().detail;
  }
};

Diagnosis diagnose(const tunnel::Options& options) {
  Diagnosis d;
  d.passed = tunnel::diagnose(options, [&](const tunnel::Check& c) { d.checks.push_back(c); });
  return d;
}

constexpr const char* kAllSteps = "ssh config ok, DNS ok, TCP ok, host key ok, SSH login ok, forward ok";

}  // namespace

TEST_CASE("diagnose passes and describes every step when the target is reachable", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  auto d = diagnose(f.options);
  CHECK(d.steps() == kAllSteps);
  CHECK(d.passed);
  std::string port = std::to_string(f.server.port());
  CHECK_THAT(d.detail("ssh config"),
             Catch::StartsWith("127.0.0.1 port " + port + ", user " + f.server.user()));
  CHECK_THAT(d.detail("ssh config"), Catch::Contains("keys: " + f.key.private_path));
  CHECK(d.detail("DNS") == "127.0.0.1 -> 127.0.0.1");
  CHECK(d.detail("TCP") == "connected to 127.0.0.1:" + port);
  CHECK(d.detail("host key") ==
        "ssh-ed25519 " + f.server.fingerprint() + " matches known_hosts (" + f.options.known_hosts + ")");
  CHECK(d.detail("SSH login") == "as " + f.server.user() + " with " + f.key.private_path);
  CHECK(d.detail("forward") == "127.0.0.1:" + std::to_string(f.echo.port()) + " reachable from the SSH host");
}

TEST_CASE("diagnose names the ssh config alias and the agent key that logged in", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  Agent agent;
  agent.add(f.key);
  write_file(f.env.home / "config",
             "Host fleet-db\n  HostName 127.0.0.1\n  Port " + std::to_string(f.server.port()) + "\n");
  f.options.config_file = f.env.home / "config";
  f.options.host = "fleet-db";
  f.options.port = 0;
  f.options.identity.clear();
  auto d = diagnose(f.options);
  CHECK(d.steps() == kAllSteps);
  CHECK_THAT(d.detail("ssh config"),
             Catch::StartsWith("fleet-db (HostName 127.0.0.1) port " + std::to_string(f.server.port())));
  CHECK_THAT(d.detail("ssh config"), Catch::Contains("keys: ssh-agent ("));
  CHECK(d.detail("SSH login") == "as " + f.server.user() + " with agent key client");
}

TEST_CASE("diagnose stops at the ssh config when no SSH host is given", "[tunnel][diagnose]") {
  ClientEnv env;
  tunnel::Options o;
  o.targets = {{"127.0.0.1", 5432}};
  auto d = diagnose(o);
  CHECK(d.steps() == "ssh config failed");
  CHECK_FALSE(d.passed);
  CHECK(d.last_detail() == "ssh: no SSH host given (the SSH host setting)");
}

TEST_CASE("diagnose stops at DNS for a host name that does not resolve", "[tunnel][diagnose]") {
  EchoFixture f;
  f.options.host = "no-such-host.invalid";
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::StartsWith("ssh: cannot resolve no-such-host.invalid"));
}

TEST_CASE("diagnose stops at TCP when the SSH port refuses", "[tunnel][diagnose]") {
  EchoFixture f;
  f.options.port = free_port();
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(
      d.last_detail(),
      Catch::StartsWith("ssh: connection to 127.0.0.1:" + std::to_string(f.options.port) + " refused"));
}

TEST_CASE("diagnose stops at an unknown host key with open()'s message and the fingerprint",
          "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  write_file(f.options.known_hosts, "");
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP ok, host key failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::Contains("is not known (ssh-ed25519 " + f.server.fingerprint() + ")"));
  CHECK(d.last_detail() == tunnel::Tunnel::open(f.options).error);
  CHECK(read_file(f.options.known_hosts).empty());
}

TEST_CASE("diagnose with accept_new records an unknown host key and says so", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  write_file(f.options.known_hosts, "");
  f.options.accept_new = true;
  auto d = diagnose(f.options);
  CHECK(d.steps() == kAllSteps);
  CHECK_THAT(d.detail("host key"), Catch::Contains(f.server.fingerprint() + " was not known: recorded in " +
                                                   f.options.known_hosts));
  CHECK(read_file(f.options.known_hosts) == f.server.known_hosts_line() + "\n");
}

TEST_CASE("diagnose refuses a changed host key", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  SshServer impostor;
  std::string old_line = impostor.known_hosts_line();
  old_line.replace(0, old_line.find(' '), "[127.0.0.1]:" + std::to_string(f.server.port()));
  write_file(f.options.known_hosts, old_line + "\n");
  f.options.accept_new = true;
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP ok, host key failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::StartsWith("ssh: WARNING: the host key of 127.0.0.1:"));
  CHECK_THAT(d.last_detail(), Catch::Contains("has CHANGED (now ssh-ed25519 " + f.server.fingerprint()));
  CHECK(read_file(f.options.known_hosts) == old_line + "\n");
}

TEST_CASE("diagnose stops at SSH login for an unauthorised key", "[tunnel][diagnose]") {
  EchoFixture f;  // the key is never authorised
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP ok, host key ok, SSH login failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::Contains("refused every key for user " + f.server.user()));
  CHECK_THAT(d.last_detail(), Catch::Contains("tried " + f.key.private_path));
  CHECK(d.last_detail() == tunnel::Tunnel::open(f.options).error);
}

TEST_CASE("diagnose finds a permitopen that forbids the target", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key, "permitopen=\"127.0.0.1:1\"");
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP ok, host key ok, SSH login ok, forward failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::StartsWith("ssh: the server refused to forward to 127.0.0.1:" +
                                                std::to_string(f.echo.port())));
  CHECK_THAT(d.last_detail(), Catch::Contains("administratively prohibited"));
  CHECK_THAT(d.last_detail(), Catch::Contains("permitopen"));
}

TEST_CASE("diagnose says when nothing listens at the target as seen from the SSH host",
          "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  f.options.targets[0].port = free_port();
  std::string target = "127.0.0.1:" + std::to_string(f.options.targets[0].port);
  auto d = diagnose(f.options);
  CHECK(d.steps() == "ssh config ok, DNS ok, TCP ok, host key ok, SSH login ok, forward failed");
  CHECK_FALSE(d.passed);
  CHECK_THAT(d.last_detail(), Catch::Contains("could not connect to " + target +
                                              " (Channel open failure "
                                              "(connect failed))"));
  CHECK_THAT(d.last_detail(),
             Catch::Contains("the database is not listening at " + target + " as seen from the SSH host"));
  CHECK_THAT(d.last_detail(), !Catch::Contains("permitopen"));
}

TEST_CASE("diagnose works without a reporter", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  CHECK(tunnel::diagnose(f.options, {}));
  f.options.targets[0].port = free_port();
  CHECK_FALSE(tunnel::diagnose(f.options, {}));
}

TEST_CASE("diagnose checks a forward to each of several targets", "[tunnel][diagnose]") {
  EchoFixture f;
  f.server.authorize(f.key);
  EchoServer second;
  f.options.targets.push_back({"127.0.0.1", second.port()});
  auto both = diagnose(f.options);
  CHECK(both.steps() == kAllSteps);
  CHECK(both.detail("forward") == "127.0.0.1:" + std::to_string(f.echo.port()) + ", 127.0.0.1:" +
                                      std::to_string(second.port()) + " reachable from the SSH host");
  f.options.targets.push_back({"127.0.0.1", free_port()});
  auto third_down = diagnose(f.options);
  CHECK_FALSE(third_down.passed);
  CHECK_THAT(third_down.detail("forward"),
             Catch::Contains("could not connect to 127.0.0.1:" + std::to_string(f.options.targets[2].port)));
}
