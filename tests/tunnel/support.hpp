// Test fixtures for the tunnel: a real sshd on 127.0.0.1 with throwaway keys, a real ssh-agent,
// an in-process TCP echo server, and PostgreSQL from the environment.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tunnel/tunnel.hpp"

namespace tunnel_test {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs a shell command; returns its stdout, or fails the test (with its output) if it exits non-zero.
std::string run(const std::string& command);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
bool exists(const std::string& path);
std::string current_user();

// Sets (or with nullopt, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Each test's client side: HOME is an empty temp dir (so ~/.ssh holds nothing of the real user's)
// and no ssh-agent is visible.
struct ClientEnv {
  TempDir home;
  ScopedEnv home_var{"HOME", home.path()};
  ScopedEnv no_agent{"SSH_AUTH_SOCK", std::nullopt};
};

struct KeyPair {
  std::string private_path;
  std::string public_line;  // "ssh-ed25519 AAAA... comment"
};
KeyPair make_key(const std::string& dir, const std::string& name, const std::string& type,
                 const std::string& passphrase = "");

struct SshServerOptions {
  std::vector<std::string> host_key_types = {"ed25519"};
  std::string extra_config;  // appended to sshd_config
};

// /usr/sbin/sshd -D -e on 127.0.0.1 at a free port, keys and config in a temp dir. Works as root
// (privilege separation needs /run/sshd) and as a normal user.
class SshServer {
 public:
  explicit SshServer(const SshServerOptions& options = {});
  ~SshServer();
  SshServer(const SshServer&) = delete;
  SshServer& operator=(const SshServer&) = delete;

  int port() const { return port_; }
  const std::string& user() const { return user_; }
  // Adds a line to authorized_keys, e.g. authorize(key, "permitopen=\"127.0.0.1:1\"").
  void authorize(const KeyPair& key, const std::string& options = "");
  // The host's public key as a known_hosts line: "[127.0.0.1]:PORT ssh-ed25519 AAAA...".
  std::string known_hosts_line(const std::string& type = "ed25519") const;
  std::string fingerprint(const std::string& type = "ed25519") const;  // "SHA256:..."
  // Kills every per-connection sshd process: the clients' sessions drop, the server stays up.
  void kill_connections();
  // Stops the whole server, listener included (as `systemctl stop ssh` and a reboot do) ...
  void stop();
  // ... and starts it again, on the same port with the same keys; returns once it accepts.
  void start();
  // Whether any client connection is open (a per-connection sshd process exists).
  bool has_connections() const;
  std::string log() const;
  std::string authorized_keys_path() const { return dir_ / "authorized_keys"; }

 private:
  TempDir dir_;
  int port_ = 0;
  std::string user_;
  pid_t pid_ = -1;
};

// A real ssh-agent on a socket in a temp dir; SSH_AUTH_SOCK points to it while it lives.
class Agent {
 public:
  Agent();
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;
  void add(const KeyPair& key, const std::string& passphrase = "");

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::unique_ptr<ScopedEnv> env_;
};

// A TCP echo server on 127.0.0.1, served by one thread: the forwarding target when a test does
// not need PostgreSQL. With pieces > 1 it sends each read back in that many writes 1 ms apart, as
// PostgreSQL answers a pipeline: one flush per Sync. Port 0: a free one.
class EchoServer {
 public:
  explicit EchoServer(int pieces = 1, int port = 0);
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  int port() const { return port_; }

 private:
  void serve();
  bool echo(int fd, const char* data, size_t size) const;
  int pieces_ = 1;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
};

int free_port();  // a 127.0.0.1 port that nothing listens on (bound, then released)

// Asks `done` every 20 ms until it answers true (true) or `limit` has passed (false): for waiting on
// something another process or thread does, never for timing it.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(30));

// Options for logging in to `server` as its user with `key`, forwarding to 127.0.0.1:target_port,
// known_hosts already trusting the server (written into `home`).
tunnel::Options options_for(const SshServer& server, const KeyPair& key, const ClientEnv& env,
                            int target_port);

// A client, a real sshd and an echo server to forward to; the key is not yet authorised.
struct EchoFixture {
  ClientEnv env;
  SshServer server;
  EchoServer echo;
  KeyPair key = make_key(env.home.path(), "client", "ed25519");
  tunnel::Options options = options_for(server, key, env, echo.port());
};

// Connects to the tunnel's Unix socket for Options::targets[target]; -1 on failure.
int connect_unix(const tunnel::Tunnel& t, std::size_t target = 0);
// Sends `data` and reads the same number of bytes back (through an echo target). Uses no Catch2
// macros (they are not thread-safe), since tests call it from several threads at once.
std::string echo_through(const tunnel::Tunnel& t, const std::string& data, std::size_t target = 0);
// Reads until EOF; what was read.
std::string read_to_eof(int fd);

}  // namespace tunnel_test
