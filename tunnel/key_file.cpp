#include "tunnel/key_file.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

#include "tunnel/base64.hpp"

namespace tunnel {
namespace {

constexpr std::string_view kOpensshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpensshEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kOpensshMagic{"openssh-key-v1\0", 15};

// Reads one SSH wire-format string (uint32 length + bytes) from `in`, advancing it.
std::optional<std::string_view> take_string(std::string_view& in) {
  if (in.size() < 4) return std::nullopt;
  std::uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(in[i]);
  if (in.size() - 4 < len) return std::nullopt;
  std::string_view out = in.substr(4, len);
  in.remove_prefix(4 + len);
  return out;
}

// openssh-key-v1: magic, cipher, kdf, kdf options, key count, public key blob (type first), ...
KeyFileInfo inspect_openssh(const std::string& text) {
  auto begin = text.find(kOpensshBegin) + kOpensshBegin.size();
  auto end = text.find(kOpensshEnd);
  auto blob = base64_decode(std::string_view(text).substr(begin, end == std::string::npos ? 0 : end - begin));
  KeyFileInfo info;
  if (!blob || blob->compare(0, kOpensshMagic.size(), kOpensshMagic) != 0) return info;
  std::string_view in(*blob);
  in.remove_prefix(kOpensshMagic.size());
  auto cipher = take_string(in);
  info.encrypted = cipher && *cipher != "none";
  if (take_string(in) && take_string(in) && in.size() >= 4) {
    in.remove_prefix(4);
    if (auto pub = take_string(in)) {
      if (auto type = take_string(*pub)) info.type = std::string(*type);
    }
  }
  return info;
}

}  // namespace

std::optional<KeyFileInfo> inspect_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.find(kOpensshBegin) != std::string::npos) return inspect_openssh(text);
  KeyFileInfo info;  // PEM: "Proc-Type: 4,ENCRYPTED" or "BEGIN ENCRYPTED PRIVATE KEY"
  info.encrypted = text.find("ENCRYPTED") != std::string::npos;
  if (text.find("BEGIN RSA PRIVATE KEY") != std::string::npos) info.type = "ssh-rsa";
  if (text.find("BEGIN EC PRIVATE KEY") != std::string::npos) info.type = "ecdsa-sha2-nistp256";
  return info;
}

}  // namespace tunnel
