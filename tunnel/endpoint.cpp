#include "tunnel/endpoint.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "tunnel/ssh_config.hpp"

namespace tunnel {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
  return value && *value ? value : fallback;
}

ConfigContext local_context() {
  const passwd* pw = getpwuid(getuid());  // NOLINT(concurrency-mt-unsafe): read once, copied
  std::string pw_home = pw && pw->pw_dir ? pw->pw_dir : "/";
  std::string pw_name = pw && pw->pw_name ? pw->pw_name : "";
  return {env_or("HOME", pw_home), env_or("USER", pw_name)};
}

}  // namespace

Result<Endpoint> resolve_endpoint(const Options& options) {
  const SettingNames& names = options.names;
  if (options.host.empty()) return Error{"ssh: no SSH host given (" + names.host + ")"};
  bool unnamed = std::any_of(options.targets.begin(), options.targets.end(),
                             [](const Target& t) { return t.host.empty(); });
  if (options.targets.empty() || unnamed)
    return Error{"ssh: no database host to forward to: name one in " + names.target};
  ConfigContext ctx = local_context();
  std::string config_path = options.config_file.empty() ? ctx.home + "/.ssh/config" : options.config_file;
  HostConfig config = read_ssh_config(expand_tilde(config_path, ctx.home), options.host, ctx);

  Endpoint e;
  e.names = names;
  e.hostname = config.hostname.empty() ? options.host : config.hostname;
  e.port = options.port > 0 ? options.port : config.port > 0 ? config.port : 22;
  e.user = !options.user.empty() ? options.user : !config.user.empty() ? config.user : ctx.local_user;
  if (e.user.empty()) return Error{"ssh: no SSH user: set " + names.user + " (or User in ~/.ssh/config)"};
  if (!options.identity.empty()) {
    e.identities = {expand_tilde(options.identity, ctx.home)};
    e.identities_defaulted = false;
  } else if (!config.identity_files.empty()) {
    e.identities = config.identity_files;
    e.identities_defaulted = false;
  } else {
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"})
      e.identities.push_back(ctx.home + "/.ssh/" + name);
  }
  e.known_hosts =
      expand_tilde(options.known_hosts.empty() ? "~/.ssh/known_hosts" : options.known_hosts, ctx.home);
  e.accept_new = options.accept_new;
  e.targets = options.targets;
  e.timeout = options.connect_timeout;
  return e;
}

}  // namespace tunnel
