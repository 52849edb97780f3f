// The part of OpenSSH's ~/.ssh/config that says where an alias goes: HostName, User, Port and
// IdentityFile inside `Host` blocks. `Match` blocks and other keywords are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tunnel {

struct HostConfig {
  std::string hostname;                     // empty = the alias itself
  int port = 0;                             // 0 = not set
  std::string user;                         // empty = not set
  std::vector<std::string> identity_files;  // in file order, `~` and %d/%u/%h/%r expanded
};

struct ConfigContext {
  std::string home;        // for `~` and %d
  std::string local_user;  // for %u
};

// Applies OpenSSH's rules to `alias`: the first value obtained for each keyword wins, a `Host` line
// matches if one of its patterns matches and no `!pattern` does. A missing file gives {}.
HostConfig read_ssh_config(const std::string& path, const std::string& alias, const ConfigContext& context);

// OpenSSH host patterns: `*` any run of characters, `?` exactly one; case-insensitive.
bool host_pattern_matches(std::string_view pattern, std::string_view host);

// `~/x` and `~` become paths under `home`.
std::string expand_tilde(const std::string& path, const std::string& home);

}  // namespace tunnel
