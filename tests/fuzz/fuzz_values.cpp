// values::append_json for every type family (the first byte picks the type, the rest is the value's
// text as the server would print it), and the string writers: the output is always exactly one
// well-formed JSON value in valid UTF-8 on one line, whatever the text. json and jsonb are the
// exception the contract makes: their text (and their arrays' elements) is embedded as the
// server's guarantee that it is JSON, so of them only "one line, no crash" is checked.
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "../values/database_catalog.hpp"
#include "values/values.hpp"

namespace {

using namespace values_test;  // the extension types' OIDs and the catalog that knows them

// One or more types of each family: built-in scalars, their arrays, domains, extension types, and
// an OID nobody added.
constexpr values::Oid kTypes[] = {
    21,
    23,
    20,
    26,
    700,
    701,
    1700,
    16,
    1082,
    1083,
    1266,
    1114,
    1184,
    1186,
    114,
    3802,
    17,
    25,
    2950,
    18,
    19,
    600,
    1005,
    1007,
    1016,
    1021,
    1022,
    1231,
    1000,
    1182,
    1183,
    1115,
    1185,
    1187,
    199,
    3807,
    1001,
    1009,
    2951,
    kGeometry,
    kGeometryArray,
    kGeography,
    kBox2d,
    kPosint,
    kPosintArray,
    kIntarr,
    kTags,
    kMood,
    kMoodArray,
    999999,
};

void require_valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();  // throws on invalid UTF-8
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
}

// A number beyond a double's range ("1e+638" as float8 text, which PostgreSQL never prints) is
// valid JSON by RFC 8259's grammar; nlohmann refuses it as out_of_range (406), which is let pass.
void require_one_json_value(const std::string& text) {
  try {
    (void)nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
  require_valid_utf8(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const values::Catalog catalog = database_catalog();
  if (size == 0) return 0;
  values::Oid type = kTypes[data[0] % std::size(kTypes)];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string json;
  values::append_json(json, text, type, catalog);
  if (json.find_first_of("\r\n") != std::string::npos) std::abort();  // a message is one line
  bool embeds_json = values::family(type, catalog) == values::Family::kJson || type == 199 || type == 3807;
  if (!embeds_json) require_one_json_value(json);  // json[] and jsonb[] embed their elements too

  std::string quoted;
  values::append_json_string(quoted, text);
  require_one_json_value(quoted);

  std::string cleaned;
  values::append_valid_utf8(cleaned, text);
  require_valid_utf8(cleaned);

  for (auto append : {values::append_iso_timestamptz, values::append_iso_timestamp}) {
    std::string iso = "x";
    if (!append(iso, text) && iso != "x") std::abort();  // false must leave `out` unchanged
    require_valid_utf8(iso);
  }
  return 0;
}
