// The ~/.ssh/config reader on an arbitrary file. The first line of the input is the alias to
// resolve; the rest is the file.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memory_file.hpp"
#include "tunnel/ssh_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemoryFile file("ssh_config");
  static const tunnel::ConfigContext context{"/home/ana", "ana"};
  auto [alias, rest] = fuzz::split_first_line(std::string_view(reinterpret_cast<const char*>(data), size));
  file.assign(rest);
  tunnel::HostConfig config = tunnel::read_ssh_config(file.path(), std::string(alias), context);
  if (config.port < 0 || config.port > 65535) std::abort();
  // The alias as a pattern against itself matches when it has no wildcard-free mismatch: it must.
  if (alias.find_first_of("*?") == std::string_view::npos && !tunnel::host_pattern_matches(alias, alias))
    std::abort();
  (void)tunnel::expand_tilde(std::string(alias), context.home);
  return 0;
}
