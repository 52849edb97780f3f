// JSON-RPC and MCP message shapes, versions and error codes. Private to mcp/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcp/server.hpp"

namespace mcp {

using nlohmann::json;

// The current revision: stateless, version and capabilities in every request's _meta.
constexpr std::string_view kModernVersion = "2026-07-28";
constexpr std::string_view kVersionKey = "io.modelcontextprotocol/protocolVersion";
// Revisions with the initialize handshake that real clients still speak, newest first.
const std::vector<std::string>& legacy_versions();
// Every version this server speaks, newest first.
json supported_versions();

enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kUnsupportedProtocolVersion = -32022,
};

// The version initialize answers with: the client's when we speak it, else our newest legacy one.
std::string negotiate_legacy(const json& params);

// nullopt: the request may be served; otherwise the error response for it. A request needs a
// supported version in _meta, unless the process was opened with initialize (legacy era).
std::optional<std::string> version_error(const json& id, const json& params, bool legacy_session);

std::string error_response(const json& id, int code, std::string_view message, json data = nullptr);
// `result` gets resultType and the server's identity in _meta.
std::string result_response(const json& id, json result, const ServerInfo& info);
// A tools/call result, written as text: the structured JSON is embedded once as structuredContent
// and once, escaped, as the text copy that clients without structured output show the model.
std::string tool_response(const json& id, const tools::CallResult& result, const ServerInfo& info);

std::string notification(std::string_view method, json params);
// The place of an MCP log level among the eight syslog levels, "debug" = 0; nullopt if unknown.
std::optional<int> log_level_rank(const json& level);
constexpr std::string_view kLogLevelKey = "io.modelcontextprotocol/logLevel";

json discover_result(const ServerInfo& info);
json initialize_result(const ServerInfo& info, const std::string& version);

}  // namespace mcp
