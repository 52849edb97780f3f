#include "ssh_rig.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loopback.hpp"

namespace bench {
namespace {

using testing::loopback;

constexpr const char* kSshd = "/usr/sbin/sshd";
constexpr const char* kSsh = "/usr/bin/ssh";
constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";
constexpr auto kReadyLimit = std::chrono::seconds(10);         // sshd and ssh -L are ready in well under 1 s
constexpr auto kToolLimit = std::chrono::seconds(30);          // ssh-keygen, ssh -V
constexpr auto kStopLimit = std::chrono::seconds(5);           // for a process to exit once told to
constexpr auto kProbeInterval = std::chrono::milliseconds(2);  // fine enough to time a start by
constexpr std::size_t kLogShown = 1500;

// The janitor: $1 is the temp dir. `cat` returns when fam_bench closes the pipe or dies.
constexpr const char* kJanitorScript =
    "trap '' INT TERM HUP; cat >/dev/null; kill -TERM 0 2>/dev/null; rm -rf -- \"$1\"";

[[noreturn]] void fail_errno(const std::string& doing) {
  throw std::runtime_error(doing + ": " + std::strerror(errno));
}

// Starts argv with stdin from `stdin_fd` (-1: /dev/null) and stdout and stderr appended to `log_path`,
// in process group `group` (0: a new group it leads), with SIGPIPE back to its default (we ignore it).
pid_t spawn_in_group(const std::vector<std::string>& argv, int stdin_fd, const std::string& log_path,
                     pid_t group) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, group);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  std::vector<char*> raw;
  raw.reserve(argv.size() + 1);
  for (const auto& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  pid_t pid = -1;
  int failed = posix_spawn(&pid, raw[0], &actions, &attributes, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(failed));
  return pid;
}

// Waits up to `limit` for `pid` to exit; true once it has been reaped.
bool reap_within(pid_t pid, Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  while (waitpid(pid, nullptr, WNOHANG) == 0) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kProbeInterval);
  }
  return true;
}

void stop_process(pid_t pid, int signal) {
  kill(pid, signal);
  if (reap_within(pid, kStopLimit)) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  file << text;
  if (!file.flush()) throw std::runtime_error("cannot write " + path);
}

std::string tail(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.size() > kLogShown ? "…" + text.substr(text.size() - kLogShown) : text;
}

// Runs an OpenSSH tool to completion; what it wrote to stderr. Throws if it fails.
std::string run_tool(const std::vector<std::string>& argv) {
  ChildProcess tool(argv);
  ExitReport exit = tool.wait_exit(Clock::now() + kToolLimit);
  std::string said = tool.stderr_text();
  if (exit.status != 0 || exit.killed)
    throw std::runtime_error(argv[0] + " failed (exit " + std::to_string(exit.status) + "): " + tail(said));
  return said;
}

bool accepts(int port) {
  Fd socket_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address = loopback(port);
  return socket_fd.get() >= 0 &&
         connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// A 127.0.0.1 port nothing listens on (bound, then released: another process could take it before
// sshd or ssh binds it, which then fails with a clear message).
int free_port() {
  Fd socket_fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (socket_fd.get() < 0 || bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    fail_errno("cannot find a free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

std::string current_user() {
  const passwd* entry = getpwuid(getuid());
  if (!entry)
    throw std::runtime_error("cannot tell the current user's name (uid " + std::to_string(getuid()) + ")");
  return entry->pw_name;
}

// A private key and its .pub, made with ssh-keygen; the public key as "type blob" (no comment).
std::string make_key(const std::string& path) {
  run_tool({kSshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "fam_bench", "-f", path});
  std::istringstream pub(read_text(path + ".pub"));
  std::string type, blob;
  pub >> type >> blob;
  return type + " " + blob;
}

std::string sshd_config(int port, const std::string& dir) {
  return "Port " + std::to_string(port) + "\nListenAddress 127.0.0.1\nHostKey " + dir +
         "/host_ed25519\nAuthorizedKeysFile " + dir +
         "/authorized_keys\nStrictModes no\nUsePAM no\nPidFile none\nPermitRootLogin prohibit-password\n"
         "PasswordAuthentication no\nKbdInteractiveAuthentication no\nAllowTcpForwarding yes\n"
         "X11Forwarding no\nMaxStartups 100\n";
}

// "OpenSSH_9.2p1" from "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 …"
std::string openssh_version() {
  std::string said = run_tool({kSsh, "-V"});
  return said.substr(0, said.find_first_of(" ,\n"));
}

}  // namespace

std::string missing_openssh() {
  for (const char* program : {kSshd, kSsh, kSshKeygen})
    if (access(program, X_OK) != 0) return std::string("no ") + program + " (OpenSSH)";
  return "";
}

Daemon::Daemon(std::string name, const std::vector<std::string>& argv, std::string log_path, pid_t group)
    : name_(std::move(name)),
      log_path_(std::move(log_path)),
      pid_(spawn_in_group(argv, -1, log_path_, group)) {}

Daemon::Daemon(Daemon&& other) noexcept
    : name_(std::move(other.name_)),
      log_path_(std::move(other.log_path_)),
      pid_(std::exchange(other.pid_, -1)) {}

Daemon::~Daemon() {
  if (pid_ > 0) stop_process(pid_, SIGTERM);
}

void Daemon::wait_listening(int port, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!accepts(port)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(name_ + " exited before it accepted on 127.0.0.1:" + std::to_string(port) +
                               "; it said: " + tail(read_text(log_path_)));
    }
    if (Clock::now() >= deadline)
      throw std::runtime_error(name_ + " did not accept on 127.0.0.1:" + std::to_string(port) + " within " +
                               std::to_string(limit.count()) + " ms; it said: " + tail(read_text(log_path_)));
    std::this_thread::sleep_for(kProbeInterval);
  }
}

SshRig::Janitor::Janitor() {
  char pattern[] = "/tmp/fam-bench-ssh-XXXXXX";
  if (!mkdtemp(pattern)) fail_errno("cannot make a temp dir under /tmp");
  dir_ = pattern;
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) {
    std::filesystem::remove_all(dir_);
    fail_errno("pipe");
  }
  Fd read_end(ends[0]);
  pipe_ = Fd(ends[1]);
  try {
    pid_ = spawn_in_group({"/bin/sh", "-c", kJanitorScript, "fam-bench-janitor", dir_}, read_end.get(),
                          "/dev/null", 0);
  } catch (...) {
    std::filesystem::remove_all(dir_);
    throw;
  }
}

SshRig::Janitor::~Janitor() {
  pipe_.reset();
  if (!reap_within(pid_, kStopLimit)) stop_process(pid_, SIGKILL);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);  // in case it could not
}

SshRig::SshRig() {
  if (geteuid() == 0 && mkdir("/run/sshd", 0755) != 0 && errno != EEXIST)
    fail_errno("cannot create /run/sshd");
  version_ = openssh_version();
  std::string host_key = make_key(path("host_ed25519"));
  std::string client_key = make_key(path("client_ed25519"));
  login_ = {free_port(), current_user(), path("client_ed25519"), path("known_hosts")};
  write_text(path("authorized_keys"), client_key + "\n");
  write_text(login_.known_hosts, "[127.0.0.1]:" + std::to_string(login_.port) + " " + host_key + "\n");
  write_text(path("sshd_config"), sshd_config(login_.port, janitor_.dir()));
  sshd_.emplace("sshd", std::vector<std::string>{kSshd, "-D", "-e", "-f", path("sshd_config")},
                path("sshd.log"), janitor_.group());
  sshd_->wait_listening(login_.port, kReadyLimit);
}

SshRig::~SshRig() = default;

std::vector<std::string> SshRig::tunnel_arguments() const {
  std::vector<std::string> arguments{"--ssh-host", "127.0.0.1", "--ssh-port", std::to_string(login_.port)};
  arguments.insert(arguments.end(), {"--ssh-user", login_.user, "--ssh-identity", login_.identity});
  arguments.insert(arguments.end(), {"--ssh-known-hosts", login_.known_hosts});
  return arguments;
}

SshForward SshRig::forward(const Endpoint& target) const {
  int port = free_port();
  std::string target_host =
      target.host.find(':') == std::string::npos ? target.host : "[" + target.host + "]";
  // -F none: no ssh_config of the user's (ciphers, ControlMaster…) may change what is measured.
  Daemon ssh("ssh -L",
             {kSsh, "-N", "-F", "none", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o",
              "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + login_.known_hosts, "-i", login_.identity,
              "-p", std::to_string(login_.port), "-L",
              "127.0.0.1:" + std::to_string(port) + ":" + target_host + ":" + std::to_string(target.port),
              login_.user + "@127.0.0.1"},
             path("ssh-L-" + std::to_string(port) + ".log"), janitor_.group());
  ssh.wait_listening(port, kReadyLimit);
  return SshForward(port, std::move(ssh));
}

std::string SshRig::describe() const {
  return "sshd on 127.0.0.1:" + std::to_string(login_.port) + " (" + version_ + "), user " + login_.user +
         ", ed25519 keys";
}

}  // namespace bench
