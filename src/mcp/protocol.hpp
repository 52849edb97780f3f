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
// The legacy revision with tasks in the core protocol; 2026-07-28 has them as an extension.
constexpr std::string_view kFirstTasksVersion = "2025-11-25";
constexpr std::string_view kTasksExtension = "io.modelcontextprotocol/tasks";
// MCP Apps: views in the chat, which hosts that render them declare.
constexpr std::string_view kUiExtension = "io.modelcontextprotocol/ui";
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
  kResourceNotFound = -32002,
  kMissingClientCapability = -32021,
  kUnsupportedProtocolVersion = -32022,
};

// The version initialize answers with: the client's when we speak it, else our newest legacy one.
std::string negotiate_legacy(const json& params);

// nullopt: the request may be served; otherwise the error response for it. A request needs a
// supported version in _meta, unless the process was opened with initialize (legacy era).
std::optional<std::string> version_error(const json& id, const json& params, bool legacy_session);

std::string error_response(const json& id, int code, std::string_view message, json data = nullptr);
// `result` gets the server's identity in _meta, and resultType "complete" unless it has one.
std::string result_response(const json& id, json result, const ServerInfo& info);
// A response whose result object is already JSON text.
std::string raw_response(const json& id, std::string_view result_object);
// A CallToolResult object, written as text: the structured JSON once as structuredContent, the
// text block beside it. `meta` holds more _meta fields (e.g. the related task), or is null.
std::string tool_result(const tools::CallResult& result, const ServerInfo& info, const json& meta = nullptr);
std::string tool_response(const json& id, const tools::CallResult& result, const ServerInfo& info);

std::string notification(std::string_view method, json params);
// The place of an MCP log level among the eight syslog levels, "debug" = 0; nullopt if unknown.
std::optional<int> log_level_rank(const json& level);
constexpr std::string_view kLogLevelKey = "io.modelcontextprotocol/logLevel";

// A field of a request's _meta, or null.
json meta_field(const json& params, std::string_view key);
// Whether a 2026-07-28 request declares the client extension `name` in its per-request capabilities.
bool declares_extension(const json& params, std::string_view name);

json discover_result(const ServerInfo& info);
json initialize_result(const ServerInfo& info, const std::string& version);

}  // namespace mcp
