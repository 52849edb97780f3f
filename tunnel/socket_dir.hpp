// The local endpoint: a listening Unix socket `<dir>/.s.PGSQL.<port>` in a fresh 0700 directory
// (under $XDG_RUNTIME_DIR if set, else /tmp), so only this user can connect. Never a TCP port.
#pragma once

#include <memory>
#include <string>

#include "tunnel/handles.hpp"
#include "tunnel/result.hpp"

namespace tunnel {

class SocketDir {
 public:
  static Result<std::unique_ptr<SocketDir>> create(int port);
  ~SocketDir();  // closes the socket, removes it and the directory
  SocketDir(const SocketDir&) = delete;
  SocketDir& operator=(const SocketDir&) = delete;

  const std::string& directory() const { return directory_; }
  int listen_fd() const { return listener_.get(); }  // -1 while closed

  // Closes the socket and removes it, so that a client's connect() fails (as at a host that is
  // down) and libpq passes on to its next host; the directory stays. No-op when already closed.
  void close();
  // Listens again after close(); "" when listening, else why not.
  std::string reopen();

 private:
  SocketDir(std::string directory, std::string path)
      : directory_(std::move(directory)), path_(std::move(path)) {}
  std::string listen_at_path();
  std::string directory_;
  std::string path_;
  Fd listener_;
};

}  // namespace tunnel
