// Public-key login: the keys of a running ssh-agent first, then the identity files. Never prompts:
// stdin and stdout belong to the MCP protocol, so passphrase-protected keys must be in the agent.
#pragma once

#include <libssh2.h>

#include <string>

#include "tunnel/endpoint.hpp"
#include "tunnel/result.hpp"

namespace tunnel {

// Once logged in, the key that did it ("agent key alice@laptop", "/home/alice/.ssh/id_ed25519");
// otherwise one line saying which keys were tried and what to do.
// The session must be in blocking mode (with a timeout).
Result<std::string> authenticate(LIBSSH2_SESSION* session, const Endpoint& endpoint);

// The keys authenticate() will offer, in order: "ssh-agent (/tmp/ssh-x/agent.1), /home/alice/.ssh/id_ed25519"
// (the default ~/.ssh/id_* files only if they exist), or "none (...)".
std::string describe_keys(const Endpoint& endpoint);

}  // namespace tunnel
