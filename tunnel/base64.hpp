// Base64 as OpenSSH uses it: key blobs in known_hosts, SHA256 fingerprints (unpadded).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tunnel {

std::string base64_encode(std::string_view bytes, bool pad = true);
// Whitespace is skipped; any other character outside the alphabet makes it fail.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace tunnel
