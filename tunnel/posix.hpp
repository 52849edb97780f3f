// Descriptor settings made with calls every POSIX system has. Linux could set them atomically
// (pipe2, accept4, SOCK_NONBLOCK | SOCK_CLOEXEC, MSG_NOSIGNAL), but macOS lacks those; one code
// path keeps what the tests run on Linux the same as what ships for macOS.
#pragma once

namespace tunnel {

// Makes fd close-on-exec and non-blocking; false (errno set) if fcntl failed. The program starts
// no child processes, so the moment between creating fd and this call cannot leak it into one.
bool set_cloexec_nonblock(int fd);

// Writes to a socket whose peer has gone fail with EPIPE instead of raising SIGPIPE, where the
// system offers that per socket (SO_NOSIGPIPE: macOS, BSD). Elsewhere a no-op: Linux has no such
// option, and link.cpp passes MSG_NOSIGNAL on every send instead.
void set_nosigpipe(int socket);

}  // namespace tunnel
