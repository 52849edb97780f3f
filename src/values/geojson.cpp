// PostGIS hex EWKB (the text output of geometry and geography) -> GeoJSON (RFC 7946), as
// ST_AsGeoJSON writes it. The hex is untrusted: every count is checked against the bytes left.
#include <bit>
#include <charconv>
#include <cmath>

#include "values/kind.hpp"

namespace values::detail {
namespace {

constexpr std::uint32_t kZFlag = 0x80000000;     // EWKB: coordinates carry Z
constexpr std::uint32_t kMFlag = 0x40000000;     // EWKB: coordinates carry M
constexpr std::uint32_t kSridFlag = 0x20000000;  // EWKB: a 4-byte SRID follows the type
constexpr std::uint32_t kTypeMask = 0x0FFFFFFF;
constexpr std::uint32_t kIsoStep = 1000;      // ISO WKB: 1000 + type = Z, 2000 = M, 3000 = ZM
constexpr std::uint32_t kWgs84 = 4326;        // GeoJSON's default CRS: no "crs" member for it
constexpr std::size_t kMinGeometryBytes = 5;  // byte order + type
// GeometryCollections nest; PostGIS itself refuses to parse deeper than this.
constexpr int kMaxNesting = 32;

enum Type : std::uint32_t {
  kPoint = 1,
  kLineString,
  kPolygon,
  kMultiPoint,
  kMultiLineString,
  kMultiPolygon,
  kGeometryCollection,
};

constexpr std::string_view kTypeNames[] = {
    "",           "Point",           "LineString",   "Polygon",
    "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads bytes out of hex text; once a read fails, every later read fails too.
class HexReader {
 public:
  explicit HexReader(std::string_view hex) : hex_(hex), ok_(hex.size() % 2 == 0) {}

  std::size_t remaining() const { return ok_ ? hex_.size() / 2 - pos_ : 0; }
  bool ok() const { return ok_; }
  void invalidate() { ok_ = false; }

  std::uint64_t read(std::size_t bytes, bool little_endian) {
    if (remaining() < bytes) return fail();
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      const std::size_t at = 2 * (pos_ + (little_endian ? bytes - 1 - i : i));
      const int hi = hex_value(hex_[at]);
      const int lo = hex_value(hex_[at + 1]);
      if (hi < 0 || lo < 0) return fail();
      value = value << 8 | static_cast<std::uint64_t>(hi << 4 | lo);
    }
    pos_ += bytes;
    return value;
  }

 private:
  std::uint64_t fail() {
    invalidate();
    return 0;
  }

  std::string_view hex_;
  std::size_t pos_ = 0;
  bool ok_;
};

struct Header {
  bool little_endian = true;
  std::uint32_t type = 0;
  bool z = false;
  bool m = false;
  std::uint32_t srid = 0;
};

class GeoJsonWriter {
 public:
  GeoJsonWriter(std::string& out, std::string_view hex) : out_(out), in_(hex) {}

  bool write() {
    Header header;
    return read_header(header) && write_geometry(header, 0, true) && in_.ok() && in_.remaining() == 0;
  }

 private:
  bool read_header(Header& h) {
    const std::uint64_t order = in_.read(1, true);
    if (order > 1) return false;
    h.little_endian = order == 1;
    const auto word = static_cast<std::uint32_t>(in_.read(4, h.little_endian));
    h.z = (word & kZFlag) != 0;
    h.m = (word & kMFlag) != 0;
    h.type = word & kTypeMask;
    if (h.type >= kIsoStep) {
      const std::uint32_t iso = h.type / kIsoStep;
      if (iso > 3) return false;
      h.z = h.z || iso == 1 || iso == 3;
      h.m = h.m || iso >= 2;
      h.type %= kIsoStep;
    }
    if ((word & kSridFlag) != 0) h.srid = static_cast<std::uint32_t>(in_.read(4, h.little_endian));
    return in_.ok() && h.type >= kPoint && h.type <= kGeometryCollection;
  }

  bool write_geometry(const Header& h, int nesting, bool top) {
    if (nesting > kMaxNesting) return false;
    out_.append(R"({"type":")");
    out_.append(kTypeNames[h.type]);
    out_.push_back('"');
    if (top && h.srid != 0 && h.srid != kWgs84) append_crs(h.srid);
    if (h.type == kGeometryCollection) {
      out_.append(R"(,"geometries":)");
      if (!write_members(h, nesting)) return false;
    } else {
      out_.append(R"(,"coordinates":)");
      if (!write_coordinates(h)) return false;
    }
    out_.push_back('}');
    return true;
  }

  void append_crs(std::uint32_t srid) {
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, srid).ptr;
    out_.append(R"(,"crs":{"type":"name","properties":{"name":"EPSG:)");
    out_.append(digits, end);
    out_.append(R"("}})");
  }

  // The coordinates member of a Point, LineString, Polygon or Multi*.
  bool write_coordinates(const Header& h) {
    switch (h.type) {
      case kPoint:
        return write_point(h, true);
      case kLineString:
        return write_points(h);
      case kPolygon:
        return write_rings(h);
      default:
        return write_members(h, 0);
    }
  }

  // Multi* members are whole geometries of the matching simple type; a collection's are any.
  bool write_members(const Header& h, int nesting) {
    const std::uint32_t count = read_count(h, kMinGeometryBytes);
    out_.push_back('[');
    bool first = true;
    for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
      Header member;
      if (!read_header(member)) return false;
      if (h.type != kGeometryCollection && member.type != h.type - 3) return false;
      if (!first) out_.push_back(',');
      const std::size_t mark = out_.size();
      if (h.type == kGeometryCollection) {
        if (!write_geometry(member, nesting + 1, false)) return false;
      } else if (!write_coordinates(member)) {
        return false;
      }
      // GeoJSON has no empty position: an empty point in a MultiPoint is left out.
      if (h.type == kMultiPoint && out_.size() == mark + 2) {
        out_.resize(mark - (first ? 0 : 1));
        continue;
      }
      first = false;
    }
    out_.push_back(']');
    return in_.ok();
  }

  bool write_rings(const Header& h) {
    const std::uint32_t count = read_count(h, 4);
    out_.push_back('[');
    for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
      if (i != 0) out_.push_back(',');
      if (!write_points(h)) return false;
    }
    out_.push_back(']');
    return in_.ok();
  }

  bool write_points(const Header& h) {
    const std::uint32_t count = read_count(h, dimensions(h) * 8);
    out_.push_back('[');
    for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
      if (i != 0) out_.push_back(',');
      if (!write_point(h, false)) return false;
    }
    out_.push_back(']');
    return in_.ok();
  }

  // [x,y] or [x,y,z]; M is read and dropped. POINT EMPTY is all-NaN and becomes [] where allowed.
  bool write_point(const Header& h, bool may_be_empty) {
    double c[4] = {};
    const std::size_t n = dimensions(h);
    bool all_nan = true;
    for (std::size_t i = 0; i < n; ++i) {
      c[i] = std::bit_cast<double>(in_.read(8, h.little_endian));
      all_nan = all_nan && std::isnan(c[i]);
    }
    if (!in_.ok()) return false;
    if (all_nan && may_be_empty) {
      out_.append("[]");
      return true;
    }
    out_.push_back('[');
    const std::size_t kept = h.z ? 3 : 2;
    for (std::size_t i = 0; i < kept; ++i) {
      if (i != 0) out_.push_back(',');
      if (!append_double(c[i])) return false;
    }
    out_.push_back(']');
    return true;
  }

  bool append_double(double d) {
    if (!std::isfinite(d)) return false;  // JSON has no NaN or infinity
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, d).ptr;
    out_.append(digits, end);
    return true;
  }

  static std::size_t dimensions(const Header& h) { return 2 + (h.z ? 1 : 0) + (h.m ? 1 : 0); }

  // A count the rest of the input cannot hold is corrupt: fail before looping over it.
  std::uint32_t read_count(const Header& h, std::size_t min_bytes_each) {
    const auto count = static_cast<std::uint32_t>(in_.read(4, h.little_endian));
    if (count > in_.remaining() / min_bytes_each) in_.invalidate();
    return in_.ok() ? count : 0;
  }

  std::string& out_;
  HexReader in_;
};

}  // namespace

bool append_geojson(std::string& out, std::string_view hex) {
  return GeoJsonWriter(out, hex).write();
}

}  // namespace values::detail
