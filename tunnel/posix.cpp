#include "tunnel/posix.hpp"

#include <fcntl.h>
#include <sys/socket.h>

namespace tunnel {

bool set_cloexec_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

void set_nosigpipe([[maybe_unused]] int socket) {
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
}

}  // namespace tunnel
