// Newline-delimited messages on file descriptors. Private to mcp/.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace mcp {

// Reads one line at a time; a line longer than the limit is reported, then skipped whole.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  enum class Status { kLine, kTooLong, kEnd };
  Status next(std::string& line);

 private:
  bool fill();
  int fd_;
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

}  // namespace mcp
