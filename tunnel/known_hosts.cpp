#include "tunnel/known_hosts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "tunnel/base64.hpp"
#include "tunnel/handles.hpp"

namespace tunnel {
namespace {

struct KeyType {
  int hostkey_type;  // LIBSSH2_HOSTKEY_TYPE_*
  int known_bit;     // LIBSSH2_KNOWNHOST_KEY_*
  const char* name;
};

// libssh2 1.10 can verify these; best first, as in OpenSSH's default HostKeyAlgorithms.
constexpr std::array<KeyType, 5> kKeyTypes{{
    {LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
    {LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
}};

struct Loaded {
  KnownHostsPtr hosts;
  std::set<std::string> revoked;  // base64 key blobs from `@revoked` lines
};

// Line by line, so that one entry libssh2 cannot parse (a certificate authority, a security-key
// type) does not hide the rest of the file as libssh2_knownhost_readfile would.
Loaded load(LIBSSH2_SESSION* session, const std::string& path) {
  Loaded loaded{KnownHostsPtr(libssh2_knownhost_init(session)), {}};
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("@revoked", 0) == 0) {
      std::istringstream fields(line);
      std::string marker, hosts, type, blob;
      if (fields >> marker >> hosts >> type >> blob) loaded.revoked.insert(blob);
      continue;
    }
    if (line.empty() || line[0] == '#' || line[0] == '@') continue;
    libssh2_knownhost_readline(loaded.hosts.get(), line.c_str(), line.size(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
  }
  return loaded;
}

// Whether known_hosts has an entry of this key type for `name`: checking a key that cannot match
// answers MISMATCH exactly when such an entry exists (libssh2 compares keys of the same type only).
bool knows_type(LIBSSH2_KNOWNHOSTS* hosts, const std::string& name, const KeyType& type) {
  int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_BASE64 | type.known_bit;
  return libssh2_knownhost_checkp(hosts, name.c_str(), -1, "-", 1, mask, nullptr) ==
         LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
}

std::string other_known_types(LIBSSH2_KNOWNHOSTS* hosts, const std::string& name) {
  std::string types;
  for (const auto& type : kKeyTypes) {
    if (knows_type(hosts, name, type)) types += (types.empty() ? "" : ", ") + std::string(type.name);
  }
  return types;
}

std::optional<std::string> append_line(const std::string& path, const std::string& line) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    mkdir(path.substr(0, slash).c_str(), 0700);  // like ssh: ~/.ssh
  Fd fd(open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return "ssh: cannot record the host key in " + path + ": " + std::strerror(errno);
  std::string text = line + "\n";
  char last = '\n';
  off_t size = lseek(fd.get(), 0, SEEK_END);
  if (size > 0 && pread(fd.get(), &last, 1, size - 1) == 1 && last != '\n') text = "\n" + text;
  if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return "ssh: cannot record the host key in " + path + ": " + std::strerror(errno);
  }
  return std::nullopt;
}

std::string changed_message(const std::string& where, const std::string& what, const Endpoint& e) {
  return "ssh: WARNING: the host key of " + where + " has CHANGED (" + what +
         "): someone may be intercepting the connection, or the host was reinstalled; refusing "
         "(also with " +
         e.names.accept_new +
         "). If the host's admin confirms the new fingerprint, remove the old entry with `ssh-keygen -R " +
         known_hosts_name(e.hostname, e.port) + " -f " + e.known_hosts + "` and connect again";
}

}  // namespace

std::string known_hosts_name(const std::string& host, int port) {
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

std::string sha256_fingerprint(LIBSSH2_SESSION* session) {
  const char* hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256);
  return hash ? "SHA256:" + base64_encode(std::string_view(hash, 32), false) : "SHA256:?";
}

std::string hostkey_preference(LIBSSH2_SESSION* session, const Endpoint& endpoint) {
  Loaded loaded = load(session, endpoint.known_hosts);
  std::string name = known_hosts_name(endpoint.hostname, endpoint.port);
  std::string known, others;
  for (const auto& type : kKeyTypes) {
    std::string& list = loaded.hosts && knows_type(loaded.hosts.get(), name, type) ? known : others;
    list += (list.empty() ? "" : ",") + std::string(type.name);
  }
  return known.empty() ? others : others.empty() ? known : known + "," + others;
}

Result<std::string> verify_host_key(LIBSSH2_SESSION* session, const Endpoint& e) {
  size_t len = 0;
  int raw_type = 0;
  const char* key = libssh2_session_hostkey(session, &len, &raw_type);
  const KeyType* type = nullptr;
  for (const auto& t : kKeyTypes) type = t.hostkey_type == raw_type ? &t : type;
  if (!key || !type)
    return Error{"ssh: " + e.address() + " offered a host key type this client cannot check"};

  std::string where = e.address();
  std::string blob = base64_encode(std::string_view(key, len));
  std::string what = std::string(type->name) + " " + sha256_fingerprint(session);
  std::string name = known_hosts_name(e.hostname, e.port);
  Loaded loaded = load(session, e.known_hosts);
  if (!loaded.hosts) return Error{"ssh: cannot check the host key of " + where + ": out of memory"};
  if (loaded.revoked.count(blob)) {
    return Error{"ssh: the host key of " + where + " (" + what + ") is marked @revoked in " + e.known_hosts +
                 "; refusing"};
  }
  int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | type->known_bit;
  int check = libssh2_knownhost_checkp(loaded.hosts.get(), name.c_str(), -1, key, len, mask, nullptr);
  if (check == LIBSSH2_KNOWNHOST_CHECK_MATCH) return what + " matches known_hosts (" + e.known_hosts + ")";
  if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) return Error{changed_message(where, "now " + what, e)};
  if (check != LIBSSH2_KNOWNHOST_CHECK_NOTFOUND) return Error{"ssh: cannot check the host key of " + where};
  std::string others = other_known_types(loaded.hosts.get(), name);
  if (!others.empty()) return Error{changed_message(where, "now " + what + ", known_hosts has " + others, e)};

  std::string line = name + " " + type->name + " " + blob;
  if (!e.accept_new) {
    return Error{
        "ssh: the host key of " + where + " is not known (" + what +
        "). If the host's admin confirms that fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), "
        "add this line to " +
        e.known_hosts + ": " + line + " -- or connect once with " + e.names.accept_new};
  }
  if (auto failed = append_line(e.known_hosts, line)) return Error{*failed};
  return what + " was not known: recorded in " + e.known_hosts + " (" + e.names.accept_new + ")";
}

}  // namespace tunnel
