// export/-private: rows as JSON objects, shared by JSON lines and GeoJSON properties.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "export/writers.hpp"

namespace exports {

// The object keys of a row, rendered once: the column names as JSON strings, a repeated name
// made unique with "_2", "_3"...
class JsonKeys {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  JsonKeys() = default;
  explicit JsonKeys(std::span<const Column> columns);
  std::size_t size() const { return keys_.size(); }
  const std::string& key(std::size_t i) const { return keys_[i]; }  // "\"name\":"
  values::Oid type(std::size_t i) const { return types_[i]; }

 private:
  std::vector<std::string> keys_;
  std::vector<values::Oid> types_;
};

// {"a":1,"b":null}: every column but `skip` (kNone to keep all).
void append_object(std::string& out, const JsonKeys& keys, Row values, const values::Catalog& catalog,
                   std::size_t skip);

}  // namespace exports
