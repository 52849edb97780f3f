// A throwaway OpenSSH server on 127.0.0.1 for the SSH figures, and OpenSSH's own `ssh -L` through it
// as their yardstick.
//
// Nothing outlives fam_bench, however it ends (an error, the watchdog's _Exit, Ctrl-C, SIGKILL): sshd
// and every `ssh -L` run in a process group led by a janitor, a shell whose stdin is a pipe from us.
// When that pipe closes — we close it, or the kernel does as we die — the janitor kills the group and
// removes the temp dir with the keys.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "direct_pg.hpp"

namespace bench {

// Why the SSH figures cannot be taken on this machine (an OpenSSH program it lacks), or "" if they can.
std::string missing_openssh();

// What a client needs to log in to the throwaway sshd.
struct SshLogin {
  int port = 0;
  std::string user;         // the current user: sshd not running as root can log in no one else
  std::string identity;     // the client's private key file (ed25519, no passphrase)
  std::string known_hosts;  // "[127.0.0.1]:PORT ssh-ed25519 …": trusts the server's host key
};

// A helper process in the rig's process group, its stdout and stderr going to a log file. Stopped
// (SIGTERM, then SIGKILL) and reaped when destroyed.
class Daemon {
 public:
  Daemon(std::string name, const std::vector<std::string>& argv, std::string log_path, pid_t group);
  Daemon(Daemon&& other) noexcept;
  Daemon& operator=(Daemon&&) = delete;
  ~Daemon();

  // Returns once 127.0.0.1:port accepts a connection; throws, quoting the log, if the process exits
  // first or `limit` passes.
  void wait_listening(int port, std::chrono::milliseconds limit);

 private:
  std::string name_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// `ssh -N -L 127.0.0.1:port():TARGET` logged in to the rig's sshd; its local port accepts once built.
class SshForward {
 public:
  SshForward(int port, Daemon ssh) : port_(port), ssh_(std::move(ssh)) {}
  int port() const { return port_; }

 private:
  int port_;
  Daemon ssh_;
};

class SshRig {
 public:
  // Makes the keys, starts sshd and waits until it accepts; throws with the reason, leaving nothing
  // behind. As root, creates /run/sshd (sshd's privilege-separation directory) if it is missing.
  SshRig();
  ~SshRig();
  SshRig(const SshRig&) = delete;
  SshRig& operator=(const SshRig&) = delete;

  const SshLogin& login() const { return login_; }
  // The options that make fleet-analytics-mcp log in to this sshd with its own tunnel.
  std::vector<std::string> tunnel_arguments() const;
  // Starts OpenSSH's `ssh -L` to `target` (as sshd sees it) and waits until its local port accepts.
  SshForward forward(const Endpoint& target) const;
  // "sshd on 127.0.0.1:PORT (OpenSSH_9.2p1), user root, ed25519 keys"
  std::string describe() const;

 private:
  // Leads the process group and removes the temp dir; see the top of this file.
  class Janitor {
   public:
    Janitor();
    ~Janitor();
    Janitor(const Janitor&) = delete;
    Janitor& operator=(const Janitor&) = delete;
    const std::string& dir() const { return dir_; }
    pid_t group() const { return pid_; }

   private:
    std::string dir_;
    Fd pipe_;  // its stdin: closing it is the signal
    pid_t pid_ = -1;
  };

  std::string path(const std::string& name) const { return janitor_.dir() + "/" + name; }

  Janitor janitor_;  // first: it outlives the processes in its group
  SshLogin login_;
  std::string version_;
  std::optional<Daemon> sshd_;
};

}  // namespace bench
