// values/-private: what each type kind means, and the converters the dispatcher in values.cpp calls.
// Every `bool append_*` either appends a complete JSON value and returns true, or returns false;
// on false the caller truncates `out` back and writes the text as a JSON string instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "values/values.hpp"

namespace values {

enum class Catalog::Kind : std::uint8_t {
  kString,       // anything without a better JSON form: text, uuid, date, time, interval, enums...
  kInteger,      // int2, int4, oid: always within a double's exact range
  kBigint,       // int8: a number up to 2^53, a string beyond
  kFloat,        // float4, float8: numbers; NaN and infinities as strings
  kNumeric,      // exact decimal: always a string, so no digit is lost
  kBool,         // "t" / "f"
  kJson,         // json, jsonb: embedded as is
  kBytea,        // hex output -> base64
  kTimestamptz,  // -> ISO-8601 with "Z"
  kTimestamp,    // -> ISO-8601 without a zone
  kArray,        // element, delimiter
  kGeometry,     // PostGIS geometry / geography: hex EWKB -> GeoJSON
  kDomain,       // base
};

namespace detail {

using Kind = Catalog::Kind;

// Arrays convert their elements through the dispatcher; `depth` counts those hops so that a
// hostile catalog (an array of itself, a cycle of domains) cannot recurse without end.
void append_value(std::string& out, std::string_view text, const Catalog::Entry* entry,
                  const Catalog& catalog, int depth);

bool is_json_number(std::string_view text);
bool append_bigint(std::string& out, std::string_view text);
bool append_number(std::string& out, std::string_view text);
bool append_bool(std::string& out, std::string_view text);
void append_raw_json(std::string& out, std::string_view text);
bool append_bytea_base64(std::string& out, std::string_view text);
bool append_timestamptz(std::string& out, std::string_view text);
bool append_timestamp(std::string& out, std::string_view text);
bool append_array(std::string& out, std::string_view text, const Catalog::Entry& array,
                  const Catalog& catalog, int depth);
bool append_geojson(std::string& out, std::string_view hex);

}  // namespace detail
}  // namespace values
