// The MCP Apps views as MCP resources: what resources/list lists and resources/read returns.
#include "tools/views.hpp"
#include "views/views.hpp"

namespace tools {
namespace {

using nlohmann::json;

constexpr std::string_view kViewMimeType = "text/html;profile=mcp-app";
// The map view's settings, which read_resource fills in (src/views/map.html holds it as is).
constexpr std::string_view kMapSettings = R"({"tiles":null})";

struct ViewResource {
  std::string_view uri;
  std::string_view name;
  std::string_view title;
  std::string_view description;
  std::string_view (*html)();
};

const ViewResource kViews[] = {
    {kMapUri, "map", "Fleet map",
     "Draws the rows of show_map: points, lines and polygons coloured by a column, with popups and a time "
     "slider",
     views::map_html},
    {kChartUri, "chart", "Fleet chart", "Plots the series of show_chart along a time axis",
     views::chart_html},
};

// The origin a tile URL template loads from, as CSP names it: "https://{s}.tile.example.org/{z}/…"
// -> "https://*.tile.example.org".
std::string tile_origin(std::string_view url) {
  std::size_t host = url.find("://");
  host = host == std::string_view::npos ? 0 : host + 3;
  std::string origin(url.substr(0, url.find('/', host)));
  if (std::size_t open = origin.find('{'); open != std::string::npos)
    origin.replace(open, origin.find('}', open) - open + 1, "*");
  return origin;
}

// JSON that can sit inside a <script> element: "</" would end it.
std::string script_safe(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3))
    text.insert(at + 1, "\\");
  return text;
}

}  // namespace

std::string Toolbox::resources_json() const {
  json list = json::array();
  for (const ViewResource& view : kViews)
    list.push_back({{"uri", view.uri},
                    {"name", view.name},
                    {"title", view.title},
                    {"description", view.description},
                    {"mimeType", kViewMimeType}});
  return list.dump();
}

std::optional<std::string> Toolbox::read_resource(std::string_view uri) const {
  for (const ViewResource& view : kViews) {
    if (view.uri != uri) continue;
    std::string html(view.html());
    json ui = {{"prefersBorder", true}};
    if (view.uri == kMapUri && !tiles_.url.empty()) {
      json settings = {{"tiles", {{"url", tiles_.url}, {"attribution", tiles_.attribution}}}};
      if (std::size_t at = html.find(kMapSettings); at != std::string::npos)
        html.replace(at, kMapSettings.size(), script_safe(settings));
      ui["csp"] = {{"resourceDomains", {tile_origin(tiles_.url)}}};
    }
    json contents = json::array({{{"uri", view.uri},
                                  {"mimeType", kViewMimeType},
                                  {"text", std::move(html)},
                                  {"_meta", {{"ui", std::move(ui)}}}}});
    return contents.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return std::nullopt;
}

}  // namespace tools
