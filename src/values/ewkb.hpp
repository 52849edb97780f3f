// values/-private: one reader of PostGIS hex EWKB (the text output of geometry and geography) that
// walks a geometry and tells a sink what it finds; GeoJSON (geojson.cpp) and WKT (wkt.cpp) are two
// sinks. The hex is untrusted: every count is checked against the bytes left.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace values::ewkb {

constexpr std::uint32_t kZFlag = 0x80000000;     // EWKB: coordinates carry Z
constexpr std::uint32_t kMFlag = 0x40000000;     // EWKB: coordinates carry M
constexpr std::uint32_t kSridFlag = 0x20000000;  // EWKB: a 4-byte SRID follows the type
constexpr std::uint32_t kTypeMask = 0x0FFFFFFF;
constexpr std::uint32_t kIsoStep = 1000;      // ISO WKB: 1000 + type = Z, 2000 = M, 3000 = ZM
constexpr std::size_t kMinGeometryBytes = 5;  // byte order + type
constexpr std::size_t kRingCountBytes = 4;    // an empty ring is its point count alone
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

struct Header {
  bool little_endian = true;
  std::uint32_t type = 0;
  bool z = false;
  bool m = false;
  std::uint32_t srid = 0;  // 0: none given
};

// Where a geometry sits: the whole value, a member of a GeometryCollection (a full geometry with
// its type), or a part of a Multi* (coordinates only).
enum class Role { kTop, kMember, kPart };

// x, y, then z and m when the header has them.
struct Position {
  double c[4] = {};
  std::size_t n = 2;
  bool empty() const {
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isnan(c[i])) return false;
    }
    return true;  // POINT EMPTY is all-NaN
  }
};

inline std::size_t dimensions(const Header& h) {
  return 2 + (h.z ? 1 : 0) + (h.m ? 1 : 0);
}

int hex_value(char c);

// Reads bytes out of hex text; once a read fails, every later read fails too.
class HexReader {
 public:
  explicit HexReader(std::string_view hex) : hex_(hex), ok_(hex.size() % 2 == 0) {}

  std::size_t remaining() const { return ok_ ? hex_.size() / 2 - pos_ : 0; }
  bool ok() const { return ok_; }
  void invalidate() { ok_ = false; }
  std::uint64_t read(std::size_t bytes, bool little_endian);
  bool read_header(Header& h);
  Position read_position(const Header& h);
  // A count the rest of the input cannot hold is corrupt: fail before looping over it.
  std::uint32_t read_count(const Header& h, std::size_t min_bytes_each);

 private:
  std::string_view hex_;
  std::size_t pos_ = 0;
  bool ok_;
};

// Walks one geometry and calls, on `Sink`:
//   bool point(const Header&, Role, const Position&)       a whole Point (top, member or part)
//   void open(const Header&, Role, std::uint32_t count)    any other geometry, with its count of
//   void close(const Header&, Role, std::uint32_t count)     points, rings, parts or members
//   void open_ring(std::uint32_t count) / close_ring(std::uint32_t count)
//   bool vertex(const Header&, const Position&)            a point of a line string or ring
// A sink returns false to give up (e.g. a coordinate its format cannot hold).
template <class Sink>
class Walker {
 public:
  Walker(Sink& sink, std::string_view hex) : sink_(sink), in_(hex) {}

  bool walk() {
    Header header;
    return in_.read_header(header) && geometry(header, 0, Role::kTop) && in_.ok() && in_.remaining() == 0;
  }

 private:
  bool geometry(const Header& h, int nesting, Role role) {
    if (nesting > kMaxNesting) return false;
    if (h.type == kPoint) {
      const Position p = in_.read_position(h);
      return in_.ok() && sink_.point(h, role, p);
    }
    const std::uint32_t count = in_.read_count(h, min_bytes_each(h));
    if (!in_.ok()) return false;
    sink_.open(h, role, count);
    for (std::uint32_t i = 0; i < count; ++i) {
      if (!element(h, nesting) || !in_.ok()) return false;
    }
    sink_.close(h, role, count);
    return true;
  }

  bool element(const Header& h, int nesting) {
    switch (h.type) {
      case kLineString:
        return vertex(h);
      case kPolygon:
        return ring(h);
      default:
        break;
    }
    Header member;
    if (!in_.read_header(member)) return false;
    if (h.type == kGeometryCollection) return geometry(member, nesting + 1, Role::kMember);
    return member.type == h.type - 3 && geometry(member, nesting, Role::kPart);  // MultiX holds Xs
  }

  bool ring(const Header& h) {
    const std::uint32_t count = in_.read_count(h, dimensions(h) * 8);
    if (!in_.ok()) return false;
    sink_.open_ring(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      if (!vertex(h)) return false;
    }
    sink_.close_ring(count);
    return true;
  }

  bool vertex(const Header& h) {
    const Position p = in_.read_position(h);
    return in_.ok() && sink_.vertex(h, p);
  }

  static std::size_t min_bytes_each(const Header& h) {
    switch (h.type) {
      case kLineString:
        return dimensions(h) * 8;
      case kPolygon:
        return kRingCountBytes;
      default:
        return kMinGeometryBytes;
    }
  }

  Sink& sink_;
  HexReader in_;
};

}  // namespace values::ewkb
