// The analytics tools the server offers. Adding a tool = one file + one row in registry.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "db/db.hpp"

namespace tools {

struct Limits {
  long max_rows = 10000;  // the ceiling no call may exceed (--max-rows)
  // A few huge cells must not flood the model's context: past this the result is cut (rows) and
  // a value larger than max_value_bytes is replaced by a note saying how to select less of it.
  std::size_t max_result_bytes = 8u << 20;
  std::size_t max_value_bytes = 64u << 10;
};

// The answer to one tools/call: `json` is the structuredContent object, or, when is_error, the
// message that tells the model what to change.
struct CallResult {
  std::string json;
  bool is_error = false;
};

class Toolbox {
 public:
  Toolbox(db::Database& database, Limits limits);

  // The `tools` array of tools/list, as JSON text (built once).
  const std::string& list_json() const { return list_json_; }
  bool has(std::string_view name) const;
  // Validates `arguments` against the tool's inputSchema, then runs it. Thread-safe.
  CallResult call(std::string_view name, const nlohmann::json& arguments, const db::CancelToken& cancel);

 private:
  db::Database& database_;
  Limits limits_;
  std::string list_json_;
};

}  // namespace tools
