#include "tunnel/auth.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "tunnel/handles.hpp"
#include "tunnel/key_file.hpp"

namespace tunnel {
namespace {

// libssh2 1.10 signs with RSA keys only as "ssh-rsa" (SHA-1); rsa-sha2-256/512 arrived in 1.11.
constexpr const char* kRsaHint =
    " (RSA keys: libssh2 1.10 can only sign with ssh-rsa/SHA-1, which OpenSSH 8.8+ refuses; use an ed25519 "
    "key)";

struct Attempts {
  std::vector<std::string> tried;   // "agent:alice@laptop", "/home/a/.ssh/id_ed25519"
  std::vector<std::string> locked;  // identity files that need a passphrase
  std::string notes;                // agent problems, unreadable files
  bool rsa = false;                 // an RSA key was refused
  bool lost = false;                // the connection died meanwhile
};

bool session_lost(LIBSSH2_SESSION* session) {
  int err = libssh2_session_last_errno(session);
  return err == LIBSSH2_ERROR_SOCKET_SEND || err == LIBSSH2_ERROR_SOCKET_RECV ||
         err == LIBSSH2_ERROR_SOCKET_DISCONNECT || err == LIBSSH2_ERROR_TIMEOUT ||
         err == LIBSSH2_ERROR_SOCKET_TIMEOUT;
}

// $SSH_AUTH_SOCK, or null when no agent is configured.
const char* agent_socket() {
  const char* sock = std::getenv("SSH_AUTH_SOCK");  // NOLINT(concurrency-mt-unsafe): read-only use
  return sock && *sock ? sock : nullptr;
}

// The agent key that logged in ("agent key alice@laptop"), if one did.
std::optional<std::string> try_agent(LIBSSH2_SESSION* session, const std::string& user, Attempts& a) {
  const char* sock = agent_socket();
  if (!sock) return std::nullopt;
  AgentPtr agent(libssh2_agent_init(session));
  if (!agent || libssh2_agent_connect(agent.get()) != 0 || libssh2_agent_list_identities(agent.get()) != 0) {
    a.notes += "; the ssh-agent at SSH_AUTH_SOCK=" + std::string(sock) + " did not answer";
    return std::nullopt;
  }
  libssh2_agent_publickey* identity = nullptr;
  while (libssh2_agent_get_identity(agent.get(), &identity, identity) == 0) {
    std::string comment = identity->comment && *identity->comment ? identity->comment : "(no comment)";
    if (libssh2_agent_userauth(agent.get(), user.c_str(), identity) == 0) return "agent key " + comment;
    a.tried.push_back("agent:" + comment);
    std::string_view blob(reinterpret_cast<const char*>(identity->blob), identity->blob_len);
    a.rsa |= blob.substr(4, 7) == "ssh-rsa";
    if ((a.lost = session_lost(session))) return std::nullopt;
  }
  return std::nullopt;
}

bool try_file(LIBSSH2_SESSION* session, const std::string& user, const std::string& path, bool defaulted,
              Attempts& a) {
  if (access(path.c_str(), F_OK) != 0) {
    if (!defaulted) a.notes += "; identity file " + path + " does not exist";
    return false;
  }
  auto info = inspect_key_file(path);
  if (!info) {
    a.notes += "; cannot read identity file " + path;
    return false;
  }
  if (info->encrypted) {
    a.locked.push_back(path);
    return false;
  }
  std::string pub = path + ".pub";
  const char* pub_arg = access(pub.c_str(), R_OK) == 0 ? pub.c_str() : nullptr;
  int rc = libssh2_userauth_publickey_fromfile_ex(session, user.c_str(), static_cast<unsigned>(user.size()),
                                                  pub_arg, path.c_str(), "");
  if (rc == 0) return true;
  a.tried.push_back(path);
  a.rsa |= info->type == "ssh-rsa";
  if (rc == LIBSSH2_ERROR_FILE) a.notes += "; " + path + " is not a private key this client can read";
  a.lost = session_lost(session);
  return false;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string failure(const Endpoint& e, const Attempts& a) {
  std::string who = e.user + "@" + e.address();
  if (a.lost) return "ssh: connection to " + e.address() + " lost while logging in";
  if (a.tried.empty() && !a.locked.empty()) {
    return "ssh: " + join(a.locked) +
           " needs a passphrase and no ssh-agent offers it: load it with `ssh-add " + a.locked.front() +
           "` (this program cannot prompt: stdin belongs to the MCP client)" + a.notes;
  }
  if (a.tried.empty()) {
    return "ssh: no key to log in as " + who +
           ": no ssh-agent keys (SSH_AUTH_SOCK) and no identity file (looked for " + join(e.identities) +
           "); create one with `ssh-keygen -t ed25519` and send the .pub file to the host's admin, or give "
           "its path with " +
           e.names.identity +
           a.notes;
  }
  std::string out = "ssh: " + e.address() + " refused every key for user " + e.user + " (tried " +
                    join(a.tried) +
                    "); ask the host's admin to authorise your public key (scripts/tunnel_account.sh add)";
  if (!a.locked.empty()) out += "; not tried (needs a passphrase, use ssh-add): " + join(a.locked);
  return out + (a.rsa ? kRsaHint : "") + a.notes;
}

}  // namespace

std::string describe_keys(const Endpoint& e) {
  std::vector<std::string> keys;
  if (const char* sock = agent_socket()) keys.push_back("ssh-agent (" + std::string(sock) + ")");
  for (const auto& path : e.identities) {
    if (!e.identities_defaulted || access(path.c_str(), F_OK) == 0) keys.push_back(path);
  }
  return keys.empty() ? "none (no ssh-agent, no identity file)" : join(keys);
}

Result<std::string> authenticate(LIBSSH2_SESSION* session, const Endpoint& e) {
  const char* methods = libssh2_userauth_list(session, e.user.c_str(), static_cast<unsigned>(e.user.size()));
  if (!methods) {
    if (libssh2_userauth_authenticated(session)) return std::string("no key (the server asked for none)");
    return Error{"ssh: connection to " + e.address() + " lost while logging in"};
  }
  if (std::string_view(methods).find("publickey") == std::string_view::npos) {
    return Error{"ssh: " + e.address() + " does not accept public-key login for " + e.user + " (offers " +
                 methods + ")"};
  }
  Attempts attempts;
  if (auto agent_key = try_agent(session, e.user, attempts)) return *agent_key;
  for (const auto& path : e.identities) {
    if (attempts.lost) break;
    if (try_file(session, e.user, path, e.identities_defaulted, attempts)) return path;
  }
  return Error{failure(e, attempts)};
}

}  // namespace tunnel
