#include "support.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loopback.hpp"

extern char** environ;

namespace tunnel_test {
namespace {

using testing::loopback;

using Clock = std::chrono::steady_clock;

// How long a helper process may take to become ready before the test fails.
constexpr auto kReadyTimeout = std::chrono::seconds(10);
// Between readiness probes (a bound on a poll loop, not a synchronisation sleep).
constexpr int kProbeIntervalMs = 10;

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

void stop(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
}

bool can_connect(const sockaddr* addr, socklen_t len, int family) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0 && connect(fd, addr, len) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

// Probes `ready` until it answers true; fails the test if `pid` exits or time runs out.
template <class Ready>
void wait_ready(pid_t pid, Ready ready, const std::string& what, const std::string& log_path) {
  auto deadline = Clock::now() + kReadyTimeout;
  while (!ready()) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) FAIL(what << " exited early: " << read_file(log_path));
    if (Clock::now() > deadline) FAIL(what << " not ready in time: " << read_file(log_path));
    poll(nullptr, 0, kProbeIntervalMs);
  }
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(line.substr(close_paren + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/tunnel-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string run(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = pclose(pipe);
  INFO("command: " << command << "\noutput: " << out);
  REQUIRE(status == 0);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

bool exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string current_user() {
  const passwd* pw = getpwuid(getuid());
  REQUIRE(pw != nullptr);
  return pw->pw_name;
}

ScopedEnv::ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  if (value) {
    setenv(name, value->c_str(), 1);
  } else {
    unsetenv(name);
  }
}

ScopedEnv::~ScopedEnv() {
  if (old_) {
    setenv(name_.c_str(), old_->c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

KeyPair make_key(const std::string& dir, const std::string& name, const std::string& type,
                 const std::string& passphrase) {
  std::string path = dir + "/" + name;
  std::string bits = type == "rsa" ? " -b 3072" : "";
  run("ssh-keygen -q -t " + type + bits + " -N '" + passphrase + "' -C " + name + " -f " + path);
  std::string pub = read_file(path + ".pub");
  while (!pub.empty() && pub.back() == '\n') pub.pop_back();
  return {path, pub};
}

SshServer::SshServer(const SshServerOptions& options) : port_(free_port()), user_(current_user()) {
  if (geteuid() == 0) mkdir("/run/sshd", 0755);  // sshd's privilege-separation directory
  std::string config = "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\n";
  for (const auto& type : options.host_key_types) {
    run("ssh-keygen -q -t " + type + " -N '' -f " + dir_ / ("host_" + type));
    config += "HostKey " + dir_ / ("host_" + type) + "\n";
  }
  config += "AuthorizedKeysFile " + dir_ / "authorized_keys" +
            "\nStrictModes no\nUsePAM no\nPidFile none\nPermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nAllowTcpForwarding yes\n"
            "X11Forwarding no\nLogLevel VERBOSE\nMaxStartups 100\n" +
            options.extra_config + "\n";
  write_file(dir_ / "sshd_config", config);
  write_file(dir_ / "authorized_keys", "");
  start();
}

SshServer::~SshServer() {
  stop();
}

void SshServer::start() {
  if (pid_ > 0) return;
  pid_ = spawn({"/usr/sbin/sshd", "-D", "-e", "-f", dir_ / "sshd_config"}, dir_ / "sshd.log");
  sockaddr_in addr = loopback(port_);
  wait_ready(
      pid_, [&] { return can_connect(reinterpret_cast<sockaddr*>(&addr), sizeof addr, AF_INET); }, "sshd",
      dir_ / "sshd.log");
}

void SshServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGSTOP);  // first: a client that reconnects at once must not get a new session
  kill_connections();
  kill(pid_, SIGTERM);
  kill(pid_, SIGCONT);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool SshServer::has_connections() const {
  return pid_ > 0 && !children_of(pid_).empty();
}

void SshServer::authorize(const KeyPair& key, const std::string& options) {
  std::ofstream out(dir_ / "authorized_keys", std::ios::app);
  out << (options.empty() ? "" : options + " ") << key.public_line << "\n";
}

std::string SshServer::known_hosts_line(const std::string& type) const {
  std::istringstream pub(read_file(dir_ / ("host_" + type + ".pub")));
  std::string key_type, blob;
  pub >> key_type >> blob;
  return "[127.0.0.1]:" + std::to_string(port_) + " " + key_type + " " + blob;
}

std::string SshServer::fingerprint(const std::string& type) const {
  std::istringstream out(run("ssh-keygen -l -E sha256 -f " + dir_ / ("host_" + type + ".pub")));
  std::string bits, fp;
  out >> bits >> fp;
  return fp;
}

void SshServer::kill_connections() {
  std::vector<pid_t> todo = children_of(pid_);
  while (!todo.empty()) {
    pid_t pid = todo.back();
    todo.pop_back();
    for (pid_t child : children_of(pid)) todo.push_back(child);
    kill(pid, SIGKILL);
  }
}

std::string SshServer::log() const {
  return read_file(dir_ / "sshd.log");
}

Agent::Agent() {
  std::string sock = dir_ / "agent.sock";
  pid_ = spawn({"/usr/bin/ssh-agent", "-D", "-a", sock}, dir_ / "agent.log");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  wait_ready(
      pid_, [&] { return can_connect(reinterpret_cast<sockaddr*>(&addr), sizeof addr, AF_UNIX); },
      "ssh-agent", dir_ / "agent.log");
  env_ = std::make_unique<ScopedEnv>("SSH_AUTH_SOCK", sock);
}

Agent::~Agent() {
  env_.reset();
  stop(pid_);
}

void Agent::add(const KeyPair& key, const std::string& passphrase) {
  std::string askpass = dir_ / "askpass.sh";
  write_file(askpass, "#!/bin/sh\necho '" + passphrase + "'\n");
  chmod(askpass.c_str(), 0700);
  run("SSH_ASKPASS=" + askpass + " SSH_ASKPASS_REQUIRE=force DISPLAY=:0 ssh-add " + key.private_path +
      " </dev/null");
}

EchoServer::EchoServer(int pieces, int port) : pieces_(pieces) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;  // a port just given up by another echo server may be taken again at once
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr = loopback(port);
  REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listen_fd_, 16) == 0);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  REQUIRE(pipe(wake_) == 0);
  thread_ = std::thread([this] { serve(); });
}

EchoServer::~EchoServer() {
  if (write(wake_[1], "x", 1) != 1) std::abort();
  thread_.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) close(fd);
}

// Echoes every connection until it closes, all from this one thread (blocking writes are fine:
// the client reads concurrently).
void EchoServer::serve() {
  std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
  for (;;) {
    poll(fds.data(), fds.size(), -1);
    if (fds[0].revents) break;
    if (fds[1].revents) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      int one = 1;  // as PostgreSQL does: each piece leaves at once
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fds.push_back({fd, POLLIN, 0});
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      char buf[65536];
      ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
      if (n > 0 && echo(fds[i].fd, buf, static_cast<size_t>(n))) continue;
      close(fds[i].fd);
      fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i--));
    }
  }
  for (size_t i = 2; i < fds.size(); ++i) close(fds[i].fd);
}

bool EchoServer::echo(int fd, const char* data, size_t size) const {
  const auto pieces = static_cast<size_t>(pieces_);
  for (size_t piece = 0, sent = 0; piece < pieces; ++piece) {
    if (piece > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    size_t end = piece + 1 == pieces ? size : size * (piece + 1) / pieces;
    if (end > sent && send(fd, data + sent, end - sent, MSG_NOSIGNAL) != static_cast<ssize_t>(end - sent))
      return false;
    sent = end;
  }
  return true;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(0);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool eventually(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

tunnel::Options options_for(const SshServer& server, const KeyPair& key, const ClientEnv& env,
                            int target_port) {
  tunnel::Options o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.user = server.user();
  o.identity = key.private_path;
  o.known_hosts = env.home / "known_hosts";
  o.config_file = env.home / "no-such-config";
  o.targets = {{"127.0.0.1", target_port}};
  write_file(o.known_hosts, server.known_hosts_line() + "\n");
  return o;
}

int connect_unix(const tunnel::Tunnel& t, std::size_t target) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = t.socket_directory(target) + "/.s.PGSQL." + std::to_string(t.port(target));
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string echo_through(const tunnel::Tunnel& t, const std::string& data, std::size_t target) {
  int fd = connect_unix(t, target);
  if (fd < 0) return "(cannot connect to the tunnel's socket)";  // no REQUIRE: see support.hpp
  std::thread writer([&] {
    for (size_t sent = 0; sent < data.size();) {
      ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
  });
  std::string back;
  char buf[65536];
  while (back.size() < data.size()) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    back.append(buf, static_cast<size_t>(n));
  }
  writer.join();
  close(fd);
  return back;
}

std::string read_to_eof(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace tunnel_test

// Sanitizer hooks (unused without -fsanitize): libssh2 1.10 leaks one BIGNUM (56 bytes) each time
// it parses an ECDSA private key file, in gen_publickey_from_ecdsa_openssh_priv_data() (libssh2
// issue #2079). The tunnel cannot avoid it for ECDSA identity files; nothing else is suppressed.
// libcrypto has no frame pointers, so the suppression needs the slow unwinder to see libssh2.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming): name fixed by the runtime
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libssh2_userauth_publickey_fromfile_ex\n";
}
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming): name fixed by the runtime
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}
