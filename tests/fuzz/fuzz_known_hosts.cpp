// The known_hosts reader on an arbitrary file: hostkey_preference loads it line by line (our
// `@revoked` and comment handling, then libssh2_knownhost_readline per line) and asks, per key type,
// whether the host is known. The first line of the input is the host and port to look up
// ("127.0.0.1 2222"); the rest is the file. verify_host_key needs a server's key (a handshake), so
// the tunnel tests cover it against a real sshd instead.
#include <libssh2.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memory_file.hpp"
#include "tunnel/endpoint.hpp"
#include "tunnel/known_hosts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static LIBSSH2_SESSION* session = [] {
    if (libssh2_init(0) != 0) std::abort();
    return libssh2_session_init();
  }();
  static fuzz::MemoryFile file("known_hosts");
  if (!session) std::abort();

  auto [first, rest] = fuzz::split_first_line(std::string_view(reinterpret_cast<const char*>(data), size));
  tunnel::Endpoint endpoint;
  endpoint.hostname = std::string(first);
  if (auto space = first.rfind(' '); space != std::string_view::npos) {
    endpoint.hostname = std::string(first.substr(0, space));
    std::from_chars(first.data() + space + 1, first.data() + first.size(), endpoint.port);
  }
  file.assign(rest);
  endpoint.known_hosts = file.path();

  std::string preference = tunnel::hostkey_preference(session, endpoint);
  // Every key type this client can check, each once, whatever the file says.
  if (preference.size() != std::string_view("ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
                                            "ecdsa-sha2-nistp521,ssh-rsa")
                               .size())
    std::abort();
  return 0;
}
