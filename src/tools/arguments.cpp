// Checks tool arguments against the tool's own inputSchema, so that schema and checks never differ.
#include "tools/tool.hpp"

namespace tools {
namespace {

std::string_view json_type(const nlohmann::json& value) {
  if (value.is_string()) return "string";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_boolean()) return "boolean";
  if (value.is_object()) return "object";
  if (value.is_array()) return "array";
  return "null";
}

std::optional<std::string> check_value(const std::string& name, const nlohmann::json& value,
                                       const nlohmann::json& schema) {
  std::string wanted = schema.value("type", "");
  if (json_type(value) != wanted) {
    return "'" + name + "' must be " + (wanted == "integer" ? "an " : "a ") + wanted + ", not " +
           std::string(json_type(value)) + " " + value.dump();
  }
  if (value.is_number_integer()) {
    auto number = value.get<long long>();
    if (schema.contains("minimum") && number < schema["minimum"].get<long long>())
      return "'" + name + "' must be at least " + schema["minimum"].dump();
  }
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end())
    return "'" + name + "' must be one of " + schema["enum"].dump() + ", not " + value.dump();
  if (value.is_string() && schema.contains("maxLength") &&
      value.get_ref<const std::string&>().size() > schema["maxLength"].get<std::size_t>())
    return "'" + name + "' is longer than " + schema["maxLength"].dump() + " characters";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_arguments(const nlohmann::json& arguments, const nlohmann::json& schema) {
  if (!arguments.is_object()) return "arguments must be a JSON object";
  const auto& properties = schema["properties"];
  for (const auto& required : schema.value("required", nlohmann::json::array()))
    if (!arguments.contains(required.get<std::string>()))
      return "missing required argument '" + required.get<std::string>() + "'";
  for (const auto& [name, value] : arguments.items()) {
    if (!properties.contains(name)) {
      std::string known;
      for (const auto& [property, unused] : properties.items())
        known.append(known.empty() ? "" : ", ").append(property);
      return "unknown argument '" + name + "' (this tool takes: " + known + ")";
    }
    if (auto wrong = check_value(name, value, properties[name])) return wrong;
  }
  return std::nullopt;
}

}  // namespace tools
