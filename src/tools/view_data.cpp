// view_data: what a map or chart view draws, fetched by the view itself (visibility "app": hosts
// never show it to the model). Its answer is the data as JSON text, for the view alone, so it is
// exempt from the answer budget that keeps a model's answers small.
#include "tools/views.hpp"

namespace tools {
namespace {

CallResult run(const nlohmann::json& arguments, Context& context) {
  auto data = context.views.find(arguments["handle"].get<std::string>());
  if (!data)
    return invalid(
        "this view's data is no longer kept (the 16 newest views keep theirs for 8 hours); ask "
        "for the map or chart again");
  return Answer{"", std::move(*data), {}};
}

}  // namespace

Tool view_data_tool() {
  Tool tool{"view_data",
            "Data of a map or chart view",
            "For the map and chart views only: the rows a view draws, by the handle in its tool's answer.",
            nlohmann::json::parse(R"({
              "type": "object",
              "properties": {"handle": {"type": "string", "maxLength": 40}},
              "required": ["handle"],
              "additionalProperties": false
            })"),
            nullptr,
            run};
  tool.app_only = true;
  return tool;
}

}  // namespace tools
