// The MCP Apps views (io.modelcontextprotocol/ui): complete HTML documents, built in.
#pragma once
#include <string_view>
namespace views {
std::string_view map_html();
std::string_view chart_html();
}  // namespace views
