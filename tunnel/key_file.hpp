// What can be learnt about a private key file without its passphrase.
#pragma once

#include <optional>
#include <string>

namespace tunnel {

struct KeyFileInfo {
  bool encrypted = false;  // needs a passphrase (which this program never asks for)
  std::string type;        // "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"... or "" if unknown
};

// nullopt if the file cannot be read.
std::optional<KeyFileInfo> inspect_key_file(const std::string& path);

}  // namespace tunnel
