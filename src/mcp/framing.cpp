#include "mcp/framing.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace mcp {

LineReader::Fill LineReader::fill() {
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  char chunk[64 * 1024];
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, stop_fd_ >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) return Fill::kEnd;
    if (stop_fd_ >= 0 && fds[1].revents) return Fill::kStop;
    if (!fds[0].revents) continue;
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return Fill::kEnd;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return Fill::kMore;
  }
}

LineReader::Status LineReader::next(std::string& line) {
  bool skipping = false;
  for (;;) {
    std::size_t newline = buffer_.find('\n', start_);
    if (newline != std::string::npos) {
      if (skipping || newline - start_ > kMaxLineBytes) {
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
    Fill filled = eof_ ? Fill::kEnd : fill();
    if (filled == Fill::kStop) return Status::kStop;
    if (filled == Fill::kEnd) {
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
