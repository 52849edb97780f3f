// A file that lives in memory (memfd), for harnesses whose target reads a path or a descriptor.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

class MemoryFile {
 public:
  explicit MemoryFile(const char* name) : fd_(memfd_create(name, MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  int fd() const { return fd_; }
  // A path that opens this file afresh (its own offset): for code that takes a file name.
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  // Replaces the contents, and leaves the descriptor's offset at the start.
  void assign(std::string_view data) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    for (std::size_t done = 0; done < data.size();) {
      ssize_t wrote = pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(done));
      if (wrote <= 0) std::abort();
      done += static_cast<std::size_t>(wrote);
    }
    lseek(fd_, 0, SEEK_SET);
  }

  std::string contents() const {
    std::string text;
    char chunk[65536];
    for (off_t at = 0;;) {
      ssize_t got = pread(fd_, chunk, sizeof chunk, at);
      if (got <= 0) return text;
      text.append(chunk, static_cast<std::size_t>(got));
      at += got;
    }
  }

 private:
  int fd_;
};

// The first line of `data` (without its newline), and what follows it.
inline std::pair<std::string_view, std::string_view> split_first_line(std::string_view data) {
  auto newline = data.find('\n');
  if (newline == std::string_view::npos) return {data, {}};
  return {data.substr(0, newline), data.substr(newline + 1)};
}

}  // namespace fuzz
