#include "tunnel/ssh_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

namespace tunnel {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Splits a config line into keyword and arguments: `Key value`, `Key=value`, "quoted args".
std::vector<std::string> split_line(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && (std::isspace(static_cast<unsigned char>(line[i])) || line[i] == '=')) ++i;
  };
  for (skip_space(); i < line.size(); skip_space()) {
    if (line[i] == '#') break;
    std::string word;
    if (line[i] == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) word += line[i];
      ++i;
    } else {
      bool allow_equals = !words.empty();  // only the keyword ends at '='
      for (; i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])); ++i) {
        if (line[i] == '=' && !allow_equals) break;
        word += line[i];
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

bool host_line_matches(const std::vector<std::string>& patterns, const std::string& alias) {
  bool matched = false;
  for (size_t i = 1; i < patterns.size(); ++i) {
    std::string_view p = patterns[i];
    bool negated = !p.empty() && p[0] == '!';
    if (negated) p.remove_prefix(1);
    if (host_pattern_matches(p, alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

// %d home, %u local user, %h host name, %r remote user, %% a percent sign.
std::string expand_tokens(const std::string& value, const ConfigContext& ctx, const std::string& host,
                          const std::string& remote_user) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    switch (value[++i]) {
      case 'd':
        out += ctx.home;
        break;
      case 'u':
        out += ctx.local_user;
        break;
      case 'h':
        out += host;
        break;
      case 'r':
        out += remote_user;
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%', out += value[i];
    }
  }
  return out;
}

}  // namespace

// Greedy, with one backtrack point (the last `*`): linear for ordinary patterns and at worst
// pattern x host steps, where trying every split at each `*` was exponential in the stars.
bool host_pattern_matches(std::string_view pattern, std::string_view host) {
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  size_t p = 0, h = 0, star = std::string_view::npos, star_host = 0;
  while (h < host.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_host = h;
    } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], host[h]))) {
      ++p, ++h;
    } else if (star != std::string_view::npos) {
      p = star + 1;  // let the last `*` take one more character
      h = ++star_host;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string expand_tilde(const std::string& path, const std::string& home) {
  if (path == "~") return home;
  if (path.rfind("~/", 0) == 0) return home + path.substr(1);
  return path;
}

HostConfig read_ssh_config(const std::string& path, const std::string& alias, const ConfigContext& context) {
  HostConfig config;
  std::vector<std::string> raw_identities;
  std::ifstream in(path);
  bool active = true;  // lines before the first Host/Match apply to every host
  for (std::string line; std::getline(in, line);) {
    auto words = split_line(line);
    if (words.empty()) continue;
    std::string keyword = lower(words[0]);
    if (keyword == "host") {
      active = host_line_matches(words, alias);
    } else if (keyword == "match") {
      active = false;  // Match criteria are not evaluated: the block is skipped
    } else if (!active || words.size() < 2) {
      continue;
    } else if (keyword == "hostname" && config.hostname.empty()) {
      config.hostname = words[1];
    } else if (keyword == "user" && config.user.empty()) {
      config.user = words[1];
    } else if (keyword == "port" && config.port == 0) {
      int port = 0;
      auto [end, ec] = std::from_chars(words[1].data(), words[1].data() + words[1].size(), port);
      if (ec == std::errc() && end == words[1].data() + words[1].size() && port > 0 && port < 65536)
        config.port = port;
    } else if (keyword == "identityfile") {
      raw_identities.push_back(words[1]);
    }
  }
  config.hostname = expand_tokens(config.hostname, context, alias, config.user);
  std::string host = config.hostname.empty() ? alias : config.hostname;
  for (const auto& raw : raw_identities) {
    config.identity_files.push_back(
        expand_tilde(expand_tokens(raw, context, host, config.user), context.home));
  }
  return config;
}

}  // namespace tunnel
