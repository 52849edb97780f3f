// PostGIS hex EWKB -> GeoJSON (RFC 7946), as ST_AsGeoJSON writes it: a sink of the EWKB walker.
#include <charconv>
#include <cmath>

#include "values/ewkb.hpp"
#include "values/kind.hpp"

namespace values {
namespace {

using ewkb::Header;
using ewkb::Position;
using ewkb::Role;

constexpr std::uint32_t kWgs84 = 4326;  // GeoJSON's default CRS: no "crs" member for it

constexpr std::string_view kTypeNames[] = {
    "",           "Point",           "LineString",   "Polygon",
    "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"};

class GeoJsonSink {
 public:
  GeoJsonSink(std::string& out, bool with_crs) : out_(out), with_crs_(with_crs) {}

  // [x,y] or [x,y,z]; M is dropped. POINT EMPTY is [] alone, and left out of a MultiPoint
  // (GeoJSON has no empty position).
  bool point(const Header& h, Role role, const Position& p) {
    if (role == Role::kPart) return p.empty() || vertex(h, p);
    start(h, role);
    out_.append(R"(,"coordinates":)");
    if (p.empty()) {
      out_.append("[]");
    } else if (!coordinates(h, p)) {
      return false;
    }
    out_.push_back('}');
    return true;
  }

  void open(const Header& h, Role role, std::uint32_t /*count*/) {
    if (role == Role::kPart) {
      separate();
    } else {
      start(h, role);
      out_.append(h.type == ewkb::kGeometryCollection ? R"(,"geometries":)" : R"(,"coordinates":)");
    }
    out_.push_back('[');
  }

  void close(const Header& /*h*/, Role role, std::uint32_t /*count*/) {
    out_.push_back(']');
    if (role != Role::kPart) out_.push_back('}');
  }

  void open_ring(std::uint32_t /*count*/) {
    separate();
    out_.push_back('[');
  }
  void close_ring(std::uint32_t /*count*/) { out_.push_back(']'); }

  bool vertex(const Header& h, const Position& p) {
    separate();
    return coordinates(h, p);
  }

 private:
  void start(const Header& h, Role role) {
    if (role != Role::kTop) separate();
    out_.append(R"({"type":")");
    out_.append(kTypeNames[h.type]);
    out_.push_back('"');
    if (role == Role::kTop && with_crs_ && h.srid != 0 && h.srid != kWgs84) append_crs(h.srid);
  }

  // Inside a list every item but the first follows a comma.
  void separate() {
    if (out_.back() != '[') out_.push_back(',');
  }

  void append_crs(std::uint32_t srid) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, srid).ptr;
    out_.append(R"(,"crs":{"type":"name","properties":{"name":"EPSG:)");
    out_.append(digits, end);
    out_.append(R"("}})");
  }

  bool coordinates(const Header& h, const Position& p) {
    out_.push_back('[');
    const std::size_t kept = h.z ? 3 : 2;
    for (std::size_t i = 0; i < kept; ++i) {
      if (i != 0) out_.push_back(',');
      if (!std::isfinite(p.c[i])) return false;  // JSON has no NaN or infinity
      char digits[32];
      const auto end = std::to_chars(digits, digits + sizeof digits, p.c[i]).ptr;
      out_.append(digits, end);
    }
    out_.push_back(']');
    return true;
  }

  std::string& out_;
  bool with_crs_;
};

bool write_geojson(std::string& out, std::string_view hex, bool with_crs) {
  const std::size_t mark = out.size();
  GeoJsonSink sink(out, with_crs);
  if (ewkb::Walker<GeoJsonSink>(sink, hex).walk()) return true;
  out.resize(mark);
  return false;
}

}  // namespace

bool append_geojson_geometry(std::string& out, std::string_view hex_ewkb) {
  return write_geojson(out, hex_ewkb, false);
}

namespace detail {

bool append_geojson(std::string& out, std::string_view hex) {
  return write_geojson(out, hex, true);
}

}  // namespace detail
}  // namespace values
