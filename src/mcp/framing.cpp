#include "mcp/framing.hpp"

#include <unistd.h>

#include <cerrno>

namespace mcp {

bool LineReader::fill() {
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  char chunk[64 * 1024];
  for (;;) {
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
}

LineReader::Status LineReader::next(std::string& line) {
  bool skipping = false;
  for (;;) {
    std::size_t newline = buffer_.find('\n', start_);
    if (newline != std::string::npos) {
      if (skipping) {
        start_ = newline + 1;
        return Status::kTooLong;
      }
      line.assign(buffer_, start_, newline - start_);
      start_ = newline + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return Status::kLine;
    }
    if (buffer_.size() - start_ > kMaxLineBytes) {
      skipping = true;
      buffer_.clear();
      start_ = 0;
    }
    if (eof_ || !fill()) {
      eof_ = true;
      if (skipping) return Status::kTooLong;
      if (start_ >= buffer_.size()) return Status::kEnd;
      line.assign(buffer_, start_);  // a last message without its newline still counts
      start_ = buffer_.size();
      return Status::kLine;
    }
  }
}

void LineWriter::write_line(std::string message) {
  message += '\n';
  std::lock_guard lock(mutex_);
  std::size_t done = 0;
  while (!broken_ && done < message.size()) {
    ssize_t wrote = write(fd_, message.data() + done, message.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0)
      broken_ = true;  // the client went away; nothing more can be said
    else
      done += static_cast<std::size_t>(wrote);
  }
}

}  // namespace mcp
