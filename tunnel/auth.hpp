// Public-key login: the keys of a running ssh-agent first, then the identity files. Never prompts:
// stdin and stdout belong to the MCP protocol, so passphrase-protected keys must be in the agent.
#pragma once

#include <libssh2.h>

#include <optional>
#include <string>

#include "tunnel/endpoint.hpp"

namespace tunnel {

// nullopt once logged in; otherwise one line saying which keys were tried and what to do.
// The session must be in blocking mode (with a timeout).
std::optional<std::string> authenticate(LIBSSH2_SESSION* session, const Endpoint& endpoint);

}  // namespace tunnel
