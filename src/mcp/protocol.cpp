#include "mcp/protocol.hpp"

#include "values/values.hpp"

namespace mcp {
namespace {

// Lists change only with a new binary; clients may cache them for an hour.
constexpr long kListTtlMs = 3'600'000;

json server_identity(const ServerInfo& info) {
  return {{"name", info.name}, {"title", info.title}, {"version", info.version}};
}

// Long calls may become tasks: the 2026-07-28 extension, or the core capability of 2025-11-25
// (the only earlier revision that has tasks).
json capabilities(std::string_view version) {
  json all = {{"tools", {{"listChanged", false}}},
              {"resources", {{"listChanged", false}}},
              {"logging", json::object()}};
  // Hosts that render views still speak both eras: the views are offered in each.
  all["extensions"][kUiExtension] = {{"mimeTypes", {"text/html;profile=mcp-app"}}};
  if (version == kModernVersion) all["extensions"][kTasksExtension] = json::object();
  if (version == kFirstTasksVersion)
    all["tasks"] = {{"list", json::object()},
                    {"cancel", json::object()},
                    {"requests", {{"tools", {{"call", json::object()}}}}}};
  return all;
}

constexpr std::string_view kServerInfoKey = "io.modelcontextprotocol/serverInfo";

}  // namespace

const std::vector<std::string>& legacy_versions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return versions;
}

json supported_versions() {
  json all = json::array({kModernVersion});
  for (const auto& v : legacy_versions()) all.push_back(v);
  return all;
}

std::string negotiate_legacy(const json& params) {
  if (params.is_object() && params.contains("protocolVersion") && params["protocolVersion"].is_string()) {
    const auto& requested = params["protocolVersion"].get_ref<const std::string&>();
    for (const auto& v : legacy_versions())
      if (v == requested) return v;
  }
  return legacy_versions().front();
}

std::optional<std::string> version_error(const json& id, const json& params, bool legacy_session) {
  const json* meta = params.is_object() && params.contains("_meta") ? &params["_meta"] : nullptr;
  if (meta && meta->is_object() && meta->contains(kVersionKey)) {
    // Any version we speak is served as declared; the request carries all it needs.
    const json& requested = (*meta)[std::string(kVersionKey)];
    for (const auto& version : supported_versions())
      if (requested == version) return std::nullopt;
    return error_response(id, kUnsupportedProtocolVersion, "Unsupported protocol version",
                          {{"supported", supported_versions()}, {"requested", requested}});
  }
  if (legacy_session) return std::nullopt;
  return error_response(
      id, kInvalidParams,
      "missing _meta \"io.modelcontextprotocol/protocolVersion\": send it with every request "
      "(protocol 2026-07-28), or open the session with initialize");
}

std::string error_response(const json& id, int code, std::string_view message, json data) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string result_response(const json& id, json result, const ServerInfo& info) {
  if (!result.contains("resultType")) result["resultType"] = "complete";
  result["_meta"][kServerInfoKey] = server_identity(info);
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string raw_response(const json& id, std::string_view result_object) {
  std::string out = R"({"jsonrpc":"2.0","id":)" + id.dump() + R"(,"result":)";
  out += result_object;
  return out += '}';
}

namespace {

// `,"_meta":{<serverInfo key>:{"name":…,"title":…,"version":…}}}`, the close of a result whose
// _meta holds only the server's identity, written as server_identity(info) would be dumped.
void append_identity_meta(std::string& out, const ServerInfo& info) {
  out += R"(,"_meta":{")";
  out += kServerInfoKey;
  out += R"(":{"name":)";
  values::append_json_string(out, info.name);
  out += R"(,"title":)";
  values::append_json_string(out, info.title);
  out += R"(,"version":)";
  values::append_json_string(out, info.version);
  out += "}}}";
}

// Appends a tools/call result object to `out`: the answer is copied once, into the line that carries
// it (a 10,000-row answer is megabytes).
void append_tool_result(std::string& out, const tools::CallResult& result, const ServerInfo& info,
                        const json& meta) {
  const std::string& text = result ? result->text : result.failure().message;
  // Room for the escaped text, the answer, the envelope and the newline the writer adds.
  out.reserve(out.size() + text.size() + text.size() / 8 + (result ? result->structured.size() : 0) + 512);
  out += R"({"resultType":"complete","content":[{"type":"text","text":)";
  values::append_json_string(out, text);
  out += '}';
  if (result) {
    for (const std::string& link : result->links) out += ',' + link;
  }
  out += ']';
  if (result && !result->structured.empty()) {  // an answer for a view alone has none
    out += R"(,"structuredContent":)";
    out += result->structured;
  }
  out += R"(,"isError":)";
  out += result ? "false" : "true";
  const bool more_meta = meta.is_object() || (result && !result->meta.empty());
  if (!more_meta) return append_identity_meta(out, info);  // most answers: no JSON tree to build
  json all_meta = meta.is_object() ? meta : json::object();
  if (result && !result->meta.empty()) all_meta.update(json::parse(result->meta));
  all_meta[kServerInfoKey] = server_identity(info);
  out += R"(,"_meta":)" + all_meta.dump(-1, ' ', false, json::error_handler_t::replace);
  out += '}';
}

}  // namespace

std::string tool_result(const tools::CallResult& result, const ServerInfo& info, const json& meta) {
  std::string out;
  append_tool_result(out, result, info, meta);
  return out;
}

std::string tool_response(const json& id, const tools::CallResult& result, const ServerInfo& info) {
  std::string out = R"({"jsonrpc":"2.0","id":)" + id.dump() + R"(,"result":)";
  append_tool_result(out, result, info, nullptr);
  return out += '}';
}

std::string notification(std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::optional<int> log_level_rank(const json& level) {
  static const std::vector<std::string> levels = {"debug", "info",     "notice", "warning",
                                                  "error", "critical", "alert",  "emergency"};
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (level == levels[i]) return static_cast<int>(i);
  return std::nullopt;
}

json meta_field(const json& params, std::string_view key) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  auto found = meta->find(key);
  return found != meta->end() ? *found : json();
}

bool declares_extension(const json& params, std::string_view name) {
  json capabilities = meta_field(params, "io.modelcontextprotocol/clientCapabilities");
  if (!capabilities.is_object()) return false;
  auto extensions = capabilities.find("extensions");
  return extensions != capabilities.end() && extensions->is_object() && extensions->contains(name);
}

json discover_result(const ServerInfo& info) {
  return {{"supportedVersions", supported_versions()},
          {"capabilities", capabilities(kModernVersion)},
          {"instructions", info.instructions},
          {"ttlMs", kListTtlMs},
          {"cacheScope", "public"}};
}

json initialize_result(const ServerInfo& info, const std::string& version) {
  return {{"protocolVersion", version},
          {"capabilities", capabilities(version)},
          {"serverInfo", server_identity(info)},
          {"instructions", info.instructions}};
}

}  // namespace mcp
