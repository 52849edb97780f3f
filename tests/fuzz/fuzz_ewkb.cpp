// values' EWKB readers (hex EWKB -> GeoJSON, WKT, SRID) on arbitrary input. The first byte chooses
// the form of the rest: odd, raw bytes the harness writes as upper-case hex (so that the fuzzer
// mutates the geometry, not its spelling); even, the text as given (bad hex, odd lengths).
// Each reader either appends well-formed output or returns false with its output unchanged.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "values/values.hpp"

namespace {

std::string hex_of(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

constexpr std::string_view kBefore = "[1,";  // what a caller may already have in its buffer

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string text = (data[0] & 1) ? hex_of(rest) : std::string(rest);

  std::optional<std::uint32_t> srid = values::ewkb_srid(text);

  std::string geojson(kBefore);
  bool geojson_ok = values::append_geojson_geometry(geojson, text);
  if (!geojson_ok && geojson != kBefore) std::abort();  // false must leave `out` unchanged
  if (geojson_ok) {
    auto parsed = nlohmann::json::parse(geojson.substr(kBefore.size()), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("type")) std::abort();
  }

  std::string wkt(kBefore);
  bool wkt_ok = values::append_wkt(wkt, text);
  if (!wkt_ok && wkt != kBefore) std::abort();

  // A header that cannot be read cannot start a geometry.
  if (!srid && (geojson_ok || wkt_ok)) std::abort();
  return 0;
}
