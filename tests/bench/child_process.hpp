// A child process whose stdin, stdout and stderr are pipes to us, with every wait bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// A file descriptor, closed when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct ExitReport {
  int status = 0;        // exit code, or 128 + signal
  long max_rss_kib = 0;  // this child's own peak resident set, from wait4()
  bool killed = false;   // it did not exit in time and was killed
};

// One line read from the child, and when its first byte reached us.
struct Line {
  std::string text;
  Clock::time_point first_byte;
};

class ChildProcess {
 public:
  // Starts argv[0] (a path) with argv; throws if it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // kills and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Writes all of `bytes` to its stdin; false if it closed its stdin or stopped reading before `deadline`.
  bool send(std::string_view bytes, Clock::time_point deadline);
  // The next line of its stdout, without the newline; nullopt at end of file (then output_closed())
  // or at `deadline`.
  std::optional<Line> read_line(Clock::time_point deadline);
  // VmHWM: the peak resident set so far, in KiB (0 if /proc cannot tell).
  long peak_rss_kib() const;
  bool output_closed() const { return output_closed_; }
  void close_input() { in_.reset(); }
  // Waits for it to exit; kills it at `deadline`.
  ExitReport wait_exit(Clock::time_point deadline);
  // The tail of what it has written to stderr so far.
  std::string stderr_text();
  // When its first stderr byte reached us (seen while waiting in read_line), if any did.
  std::optional<Clock::time_point> first_stderr_byte() const { return first_stderr_byte_; }

 private:
  bool read_more(Clock::time_point deadline);
  void drain_stderr();

  pid_t pid_ = -1;
  bool reaped_ = false;
  bool output_closed_ = false;
  Fd in_, out_, err_;
  std::string buffer_;       // stdout read but not yet returned as a line
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
  Clock::time_point first_byte_{};
  std::string err_text_;
  std::optional<Clock::time_point> first_stderr_byte_;
};

}  // namespace bench
