// Rows as JSON objects, shared by JSON lines and GeoJSON properties.
#include "export/json_rows.hpp"

#include <unordered_set>

namespace exports {

JsonKeys::JsonKeys(std::span<const Column> columns) {
  std::unordered_set<std::string> taken;
  for (const Column& column : columns) {
    std::string name = column.name;
    for (int n = 2; !taken.insert(name).second; ++n) name = column.name + "_" + std::to_string(n);
    std::string key;
    values::append_json_string(key, name);
    key.push_back(':');
    keys_.push_back(std::move(key));
    types_.push_back(column.type);
  }
}

void append_object(std::string& out, const JsonKeys& keys, Row values, const values::Catalog& catalog,
                   std::size_t skip) {
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i) {
    if (i == skip) continue;
    if (!first) out.push_back(',');
    first = false;
    out.append(keys.key(i));
    if (values[i]) {
      values::append_json(out, *values[i], keys.type(i), catalog);
    } else {
      out.append("null");
    }
  }
  out.push_back('}');
}

}  // namespace exports
