// Shared by the values/ tests: catalogs as a real database would fill them, and a converter that
// also checks its output is one well-formed JSON value.
#pragma once

#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "database_catalog.hpp"
#include "values/values.hpp"

namespace values_test {

inline const values::Catalog& catalog() {
  static const values::Catalog shared = database_catalog();
  return shared;
}

// The JSON text for one value; fails the test if it is not exactly one JSON value.
inline std::string json_of(std::string_view text, values::Oid type, const values::Catalog& with = catalog()) {
  std::string out;
  values::append_json(out, text, type, with);
  INFO("output: " << out);
  CHECK(nlohmann::json::accept(out));
  return out;
}

// The same, written as a JSON string literal: what every fallback looks like.
inline std::string as_string(std::string_view text) {
  std::string out;
  values::append_json_string(out, text);
  return out;
}

}  // namespace values_test
