// Host key verification against an OpenSSH known_hosts file (plain, hashed `|1|` and `[host]:port`
// entries, `@revoked` markers), with OpenSSH's StrictHostKeyChecking=yes / accept-new semantics.
#pragma once

#include <libssh2.h>

#include <string>

#include "tunnel/endpoint.hpp"
#include "tunnel/result.hpp"

namespace tunnel {

// For libssh2_session_method_pref(LIBSSH2_METHOD_HOSTKEY) before the handshake: the key types
// known_hosts already lists for this host first (as OpenSSH orders them), then the others.
std::string hostkey_preference(LIBSSH2_SESSION* session, const Endpoint& endpoint);

// After the handshake. The key is known ("ssh-ed25519 SHA256:... matches known_hosts (FILE)") or
// was unknown and got recorded because of accept_new ("... recorded in FILE"); otherwise the error
// says why it was refused and what to do. A changed key is always refused.
Result<std::string> verify_host_key(LIBSSH2_SESSION* session, const Endpoint& endpoint);

// "SHA256:<base64 without padding>" as `ssh-keygen -l` prints it.
std::string sha256_fingerprint(LIBSSH2_SESSION* session);

// The name OpenSSH records for a host: `host` on port 22, `[host]:port` otherwise.
std::string known_hosts_name(const std::string& host, int port);

}  // namespace tunnel
