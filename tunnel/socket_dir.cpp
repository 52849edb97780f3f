#include "tunnel/socket_dir.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tunnel/posix.hpp"

namespace tunnel {
namespace {

// libpq opens one connection per worker; a short queue is enough while the session reconnects.
constexpr int kBacklog = 64;

std::string base_directory() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");  // NOLINT(concurrency-mt-unsafe): read-only use
  return runtime && *runtime ? runtime : "/tmp";
}

}  // namespace

Result<std::unique_ptr<SocketDir>> SocketDir::create(int port) {
  std::string tmpl = base_directory() + "/fleet-tunnel-XXXXXX";
  std::vector<char> buffer(tmpl.begin(), tmpl.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) {  // mkdtemp makes it 0700
    return Error{"tunnel: cannot create a directory " + tmpl + ": " + std::strerror(errno)};
  }
  std::string dir = buffer.data();
  std::unique_ptr<SocketDir> sd(new SocketDir(dir, dir + "/.s.PGSQL." + std::to_string(port)));
  if (std::string error = sd->listen_at_path(); !error.empty()) return Error{error};
  return sd;
}

std::string SocketDir::listen_at_path() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) {
    return "tunnel: socket path " + path_ + " is too long; set XDG_RUNTIME_DIR to a shorter directory";
  }
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  listener_ = Fd(socket(AF_UNIX, SOCK_STREAM, 0));
  int fd = listener_.get();
  if (fd < 0 || !set_cloexec_nonblock(fd) || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, kBacklog) != 0) {
    std::string error = "tunnel: cannot listen on " + path_ + ": " + std::strerror(errno);
    listener_.reset();
    return error;
  }
  return "";
}

void SocketDir::close() {
  if (!listener_) return;
  listener_.reset();
  unlink(path_.c_str());
}

std::string SocketDir::reopen() {
  if (listener_) return "";
  unlink(path_.c_str());  // a failed bind may have left it
  return listen_at_path();
}

SocketDir::~SocketDir() {
  listener_.reset();
  unlink(path_.c_str());
  rmdir(directory_.c_str());
}

}  // namespace tunnel
