// The buffered output file every text format writes through, and the notes every writer keeps.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "export/writers.hpp"

namespace exports {
namespace {

// Big enough that a write(2) per 64 KiB is noise next to formatting the rows; small enough that
// the buffer never matters to memory.
constexpr std::size_t kBufferBytes = std::size_t{64} * 1024;

}  // namespace

fam::Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return fam::Failure{fam::FailureKind::kInvalid,
                        "open " + path.string() + ": " + std::strerror(error) +
                            "; check the export directory exists and is writable, then export again",
                        ""};
  }
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path));
}

OutputFile::OutputFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<fam::Failure> OutputFile::write(std::string_view bytes) {
  if (failure_) return failure_;
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) return flush();
  return std::nullopt;
}

std::optional<fam::Failure> OutputFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write", errno);
    done += static_cast<std::size_t>(n);
  }
  size_ += done;
  buffer_.clear();
  return std::nullopt;
}

std::optional<fam::Failure> OutputFile::restart() {
  buffer_.clear();
  failure_.reset();
  size_ = 0;
  if (::ftruncate(fd_, 0) != 0) return fail("truncate", errno);
  if (::lseek(fd_, 0, SEEK_SET) != 0) return fail("seek", errno);
  return std::nullopt;
}

fam::Result<std::uint64_t> OutputFile::finish() {
  if (failure_) return *failure_;
  if (auto failure = flush()) return *failure;
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return *fail("close", errno);
  return size_;
}

std::optional<fam::Failure> OutputFile::fail(std::string_view doing, int error) {
  failure_ =
      fam::Failure{fam::FailureKind::kInvalid,
                   std::string(doing) + " " + path_.string() + ": " + std::strerror(error) +
                       (error == ENOSPC ? "; free some disk space or export to another directory, then "
                                          "export again"
                                        : "; check the export directory, then export again"),
                   ""};
  return failure_;
}

void Notes::add(std::string note) {
  if (std::find(notes_.begin(), notes_.end(), note) == notes_.end()) notes_.push_back(std::move(note));
}

}  // namespace exports
