// tunnel: reach a PostgreSQL server that is only visible from an SSH host.
//
// Tunnel::open() logs in to the SSH host (host key checked against OpenSSH's known_hosts, keys from
// ssh-agent or an identity file) and then serves, for each target, a Unix socket
// `<socket_directory>/.s.PGSQL.<port>` inside a fresh 0700 directory of its own. Every connection
// accepted there is forwarded over the one SSH session as a direct-tcpip channel to that target, so
// libpq connects with `host=<dir1>,<dir2> port=<port1>,<port2>` and its own multi-host logic
// (target_session_attrs) works unchanged. No TCP port is ever opened on this machine. With several
// targets, the socket of a target that cannot be reached is removed for 10 s, so that libpq's
// connect() fails there and it tries the next; then the next connection tries that target again.
//
// diagnose() runs the same steps one at a time, for `fleet-analytics-mcp doctor`.
//
// The only includer of libssh2.h is this library; this header is all its users see.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tunnel {

// How the caller's users name each setting, for the fixes that messages suggest (e.g. "--ssh-host"
// on a command line). The defaults are plain words, for callers without such names.
struct SettingNames {
  std::string host = "the SSH host setting";
  std::string port = "the SSH port setting";
  std::string user = "the SSH user setting";
  std::string identity = "an identity file setting";
  std::string accept_new = "accept-new mode";
  std::string target = "the database address";
};

// A database host and port as seen from the SSH host.
struct Target {
  std::string host;
  int port = 5432;
};

struct Options {
  std::string host;         // --ssh-host; may be a Host alias from the ssh config file
  int port = 0;             // --ssh-port; 0 = from the ssh config, else 22
  std::string user;         // --ssh-user; empty = from the ssh config, else $USER
  std::string identity;     // --ssh-identity; empty = config IdentityFile, else ~/.ssh/id_{ed25519,ecdsa,rsa}
  std::string known_hosts;  // --ssh-known-hosts; empty = ~/.ssh/known_hosts
  std::string config_file;  // empty = ~/.ssh/config (a missing file is fine)
  bool accept_new = false;  // --ssh-accept-new: record an unknown host's key (never a changed one)
  std::vector<Target> targets;  // one local socket each, e.g. a standby and a primary, in libpq's order
  std::chrono::milliseconds connect_timeout{10000};  // TCP connect, then SSH handshake and login
  SettingNames names;
};

class Tunnel;

// Either a running tunnel or a one-line error that says what to do ("ssh: ...").
struct OpenResult {
  std::unique_ptr<Tunnel> tunnel;
  std::string error;
  explicit operator bool() const { return tunnel != nullptr; }
};

class Tunnel {
 public:
  // Connects and logs in now, so that a wrong host, key or known_hosts entry is reported here.
  // Forwarding failures later (refused by permitopen, session lost) are reported by last_error().
  static OpenResult open(const Options& options);

  // Stops the forwarding thread, closes the session and every forwarded connection, and removes
  // the socket and its directory.
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // libpq's `host` for Options::targets[target]: the directory holding its socket. Constant for the
  // tunnel's life.
  const std::string& socket_directory(std::size_t target = 0) const;
  // libpq's `port` for Options::targets[target]: the number in its socket's name (the target's port).
  int port(std::size_t target = 0) const;
  // The SSH user actually logged in as (after the ssh config and $USER), e.g. for application_name.
  const std::string& user() const;
  // Whether Options::targets[target] is served: false, with several targets, for 10 s after a failed
  // forward to it (its socket is removed meanwhile). Thread-safe.
  bool serving(std::size_t target) const;
  // Why the most recent forwarded connection failed, or "" if none has. Thread-safe.
  // e.g. "ssh: connection to db.internal:22 lost (...); reconnecting on the next connection"
  std::string last_error() const;

 private:
  struct Impl;
  explicit Tunnel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One step of reaching the database through SSH, as `fleet-analytics-mcp doctor` prints it.
struct Check {
  std::string name;  // "ssh config", "DNS", "TCP", "host key", "SSH login", "forward"
  bool ok = false;
  // ok: what was found ("bastion -> 10.0.0.5, ::1"); failed: the same one-line error open() gives,
  // which says what to do.
  std::string detail;
};

// Runs open()'s steps one at a time without starting a tunnel, calling report() after each, and
// stops at the first failure. The last step ("forward") opens one direct-tcpip channel to each
// target and closes it, so a permitopen that forbids a database host is found here.
// Returns true when every step passed. Blocks for at most about connect_timeout per step; with
// accept_new, an unknown host key is recorded as open() would.
bool diagnose(const Options& options, const std::function<void(const Check&)>& report);

}  // namespace tunnel
