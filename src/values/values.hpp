// PostgreSQL values in text format -> JSON text an analyst (and a model) can use.
// Writes straight into an output buffer: results are serialised as they are read, never as a tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace values {

using Oid = std::uint32_t;

// One row of pg_type, as the database layer reads it once per process.
struct TypeRow {
  Oid oid = 0;
  std::string display_name;  // format_type(oid, NULL): "timestamp with time zone", "integer[]"
  std::string type_name;     // pg_type.typname: "timestamptz", "_int4", "geometry"
  char category = 'U';       // pg_type.typcategory
  Oid element = 0;           // pg_type.typelem for arrays, else 0
  char delimiter = ',';      // pg_type.typdelim of the element type, for array literals
  Oid base = 0;              // pg_type.typbasetype for domains, else 0
};

// What every type OID means for JSON. Built once, then read-only and shared between threads.
class Catalog {
 public:
  // A catalog that knows PostgreSQL's built-in types (fixed OIDs) but no extension types.
  Catalog();
  void add(const TypeRow& row);
  // The name to show for a column of this type; "unknown" for an OID never added.
  std::string_view display_name(Oid oid) const;

  // What values/ knows of one type; private to values/ (Kind is defined in values/kind.hpp).
  enum class Kind : std::uint8_t;
  struct Entry {
    std::string display_name;
    Kind kind{};
    Oid element = 0;  // arrays: the element type
    Oid base = 0;     // domains: the base type (followed when converting)
    char delimiter = ',';
  };
  // nullptr for an OID never added.
  const Entry* find(Oid oid) const;

 private:
  std::unordered_map<Oid, Entry> by_oid_;
};

// Appends the JSON form of one value to `out`.
//   integers -> numbers (int8 beyond +-2^53 -> strings); numeric -> exact strings;
//   float -> numbers (NaN/Infinity -> strings); bool -> true/false; timestamptz -> ISO-8601 UTC
//   "...Z" (the session runs with TimeZone UTC, DateStyle ISO); timestamp -> ISO-8601 as stored;
//   date/time/interval -> ISO-8601 (IntervalStyle iso_8601); uuid, text -> strings;
//   json/jsonb -> embedded JSON; arrays -> JSON arrays (nested, NULL -> null);
//   bytea (hex output) -> base64 string; PostGIS geometry/geography (hex EWKB) -> GeoJSON with a
//   "crs" member when the SRID is not 4326; anything else -> its text as a string.
// `text` is the value's text output; SQL NULL is written by the caller as null.
void append_json(std::string& out, std::string_view text, Oid type, const Catalog& catalog);
// The same with the type looked up once (catalog.find(type), which may be nullptr): for a column's
// values, written one after another.
void append_json(std::string& out, std::string_view text, const Catalog::Entry* type, const Catalog& catalog);

// Appends `s` as a JSON string literal (quoted, escaped; invalid UTF-8 replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view s);

// Appends `s` as it is, but with each byte that is not part of well-formed UTF-8 replaced by U+FFFD.
void append_valid_utf8(std::string& out, std::string_view s);

// What a column's values are, for writers that type their cells (CSV, spreadsheets): the type's
// kind with domains followed to their base, and the built-in date/time types told apart.
enum class Family : std::uint8_t {
  kText,  // text, uuid, enums, and anything without a better family
  kInteger,
  kBigint,
  kFloat,
  kNumeric,
  kBool,
  kDate,         // date (1082)
  kTime,         // time (1083), timetz (1266)
  kTimestamp,    // timestamp without time zone
  kTimestamptz,  // timestamp with time zone
  kInterval,     // interval (1186)
  kJson,         // json, jsonb
  kBytea,
  kGeometry,  // PostGIS geometry and geography
  kArray,
};
Family family(Oid type, const Catalog& catalog);

// DateStyle ISO timestamps -> ISO-8601 without quotes: timestamptz "2026-11-28 10:00:00.123+00" ->
// 2026-11-28T10:00:00.123Z, timestamp "2026-11-28 10:00:00" -> 2026-11-28T10:00:00. False, with
// `out` unchanged, for any other text (infinity, BC, offsets with seconds).
bool append_iso_timestamptz(std::string& out, std::string_view text);
bool append_iso_timestamp(std::string& out, std::string_view text);

// PostGIS hex EWKB (geometry and geography text output). Each returns false, with `out` unchanged,
// for malformed input.
//   append_geojson_geometry: the RFC 7946 geometry object, without a "crs" member whatever the SRID.
//   append_wkt: OGC/ISO WKT in ST_AsText's layout but with exact coordinates, no SRID: "POINT(36.8 -1.2)",
//     "POINT Z (1 2 3)", "MULTIPOLYGON(((0 0,1 0,1 1,0 0)))", "LINESTRING EMPTY".
bool append_geojson_geometry(std::string& out, std::string_view hex_ewkb);
bool append_wkt(std::string& out, std::string_view hex_ewkb);
// The SRID the EWKB header gives, 0 when it gives none; nullopt when the header is malformed.
std::optional<std::uint32_t> ewkb_srid(std::string_view hex_ewkb);

}  // namespace values
