#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bench {
namespace {

constexpr std::size_t kReadChunk = 1 << 18;     // large results arrive as megabytes: few syscalls
constexpr std::size_t kStderrKept = std::size_t{16} * 1024;  // enough for any startup complaint

int millis_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

std::pair<Fd, Fd> make_pipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  return {Fd(ends[0]), Fd(ends[1])};
}

pid_t spawn(const std::vector<std::string>& argv, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  std::vector<char*> raw;
  raw.reserve(argv.size() + 1);
  for (const auto& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  pid_t pid = -1;
  int failed = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(failed));
  return pid;
}

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

void Fd::reset(int fd) {
  // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): false positive (clang 14)
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  auto [in_read, in_write] = make_pipe();
  auto [out_read, out_write] = make_pipe();
  auto [err_read, err_write] = make_pipe();
  pid_ = spawn(argv, in_read.get(), out_write.get(), err_write.get());
  in_ = std::move(in_write);
  out_ = std::move(out_read);
  err_ = std::move(err_read);
  // Non-blocking, so that a child that stops reading (or writing) costs us a deadline, not a hang.
  for (int fd : {in_.get(), out_.get(), err_.get()}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (reaped_ || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

bool ChildProcess::send(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    ssize_t n = write(in_.get(), bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;  // EPIPE: it closed its stdin
    pollfd writable{in_.get(), POLLOUT, 0};
    if (poll(&writable, 1, millis_until(deadline)) == 0 && Clock::now() >= deadline) return false;
  }
  return true;
}

std::optional<Line> ChildProcess::read_line(Clock::time_point deadline) {
  for (;;) {
    if (auto newline = buffer_.find('\n', scanned_); newline != std::string::npos) {
      Line line{buffer_.substr(0, newline), first_byte_};
      buffer_.erase(0, newline + 1);
      scanned_ = 0;
      if (!buffer_.empty()) first_byte_ = Clock::now();  // the next line has begun already
      return line;
    }
    scanned_ = buffer_.size();
    if (!read_more(deadline)) return std::nullopt;
  }
}

// Waits for stdout data (collecting stderr meanwhile) and appends it; false at end of file or deadline.
bool ChildProcess::read_more(Clock::time_point deadline) {
  for (;;) {
    pollfd fds[2] = {{out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}};
    int ready = poll(fds, err_.get() >= 0 ? 2 : 1, millis_until(deadline));
    if (ready < 0 && errno != EINTR) return false;
    if (ready == 0 && Clock::now() >= deadline) return false;
    if (fds[1].revents) drain_stderr();
    if (!fds[0].revents) continue;
    std::size_t had = buffer_.size();
    buffer_.resize(had + kReadChunk);
    ssize_t n = read(out_.get(), buffer_.data() + had, kReadChunk);
    buffer_.resize(had + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n > 0 && had == 0) first_byte_ = Clock::now();
    if (n > 0) return true;
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      output_closed_ = true;
      return false;
    }
  }
}

void ChildProcess::drain_stderr() {
  char chunk[4096];
  ssize_t n;
  while ((n = read(err_.get(), chunk, sizeof chunk)) > 0) {
    if (!first_stderr_byte_) first_stderr_byte_ = Clock::now();
    err_text_.append(chunk, static_cast<std::size_t>(n));
  }
  if (n == 0) err_.reset();  // closed: stop polling it
  if (err_text_.size() > kStderrKept) err_text_.erase(0, err_text_.size() - kStderrKept);
}

std::string ChildProcess::stderr_text() {
  if (err_.get() >= 0) drain_stderr();
  return err_text_;
}

long ChildProcess::peak_rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmHWM:" && status >> value) return value;
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

ExitReport ChildProcess::wait_exit(Clock::time_point deadline) {
  ExitReport report;
  int status = 0;
  rusage usage{};
  while (wait4(pid_, &status, WNOHANG, &usage) == 0) {
    if (Clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      wait4(pid_, &status, 0, &usage);
      report.killed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reaped_ = true;
  report.status = exit_code(status);
  report.max_rss_kib = usage.ru_maxrss;  // Linux reports KiB
  return report;
}

}  // namespace bench
