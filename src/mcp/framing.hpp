// Newline-delimited messages on file descriptors. Private to mcp/.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace mcp {

// Reads one line at a time; a line longer than the limit is reported, then skipped whole.
class LineReader {
 public:
  // `stop_fd` (or -1): once readable, reading stops with kStop, e.g. when a signal asks the server
  // to stop while it waits for input.
  LineReader(int fd, int stop_fd) : fd_(fd), stop_fd_(stop_fd) {}
  enum class Status { kLine, kTooLong, kEnd, kStop };
  Status next(std::string& line);

 private:
  enum class Fill { kMore, kEnd, kStop };
  Fill fill();
  int fd_;
  int stop_fd_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool eof_ = false;
};

// Writes whole lines from any thread; each message is one write of one line.
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void write_line(std::string message);

 private:
  int fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

// Longest message accepted: a generous SQL text plus its envelope.
constexpr std::size_t kMaxLineBytes = 16u << 20;
// The same, as the error message says it.
constexpr const char* kMaxLineText = "16 MiB";

}  // namespace mcp
