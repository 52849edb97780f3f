// PostGIS hex EWKB -> OGC / ISO WKT in ST_AsText's layout ("POINT(1 2)", "POINT Z (1 2 3)",
// "LINESTRING EMPTY"), without the SRID, each coordinate in the shortest form that reads back exactly
// (up to 17 digits, where ST_AsText rounds to 15): a sink of the EWKB walker.
#include <charconv>
#include <cmath>

#include "values/ewkb.hpp"
#include "values/values.hpp"

namespace values {
namespace {

using ewkb::Header;
using ewkb::Position;
using ewkb::Role;

constexpr std::string_view kTypeNames[] = {
    "",           "POINT",           "LINESTRING",   "POLYGON",
    "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};

class WktSink {
 public:
  explicit WktSink(std::string& out) : out_(out) {}

  bool point(const Header& h, Role role, const Position& p) {
    start(h, role, p.empty());
    if (p.empty()) return true;
    if (!coordinates(p)) return false;
    out_.push_back(')');
    return true;
  }

  void open(const Header& h, Role role, std::uint32_t count) { start(h, role, count == 0); }
  void close(const Header& /*h*/, Role /*role*/, std::uint32_t count) {
    if (count != 0) out_.push_back(')');
  }

  void open_ring(std::uint32_t count) {
    separate();
    out_.append(count == 0 ? "EMPTY" : "(");
  }
  void close_ring(std::uint32_t count) {
    if (count != 0) out_.push_back(')');
  }

  bool vertex(const Header& /*h*/, const Position& p) {
    separate();
    return coordinates(p);
  }

 private:
  // "POINT Z (" / "POINT(" / "POINT EMPTY"; a part of a Multi* is only "(" or "EMPTY".
  void start(const Header& h, Role role, bool empty) {
    if (role != Role::kTop) separate();
    if (role == Role::kPart) {
      out_.append(empty ? "EMPTY" : "(");
      return;
    }
    out_.append(kTypeNames[h.type]);
    const bool tagged = h.z || h.m;
    if (tagged) out_.append(h.z && h.m ? " ZM" : h.z ? " Z" : " M");
    out_.append(empty ? " EMPTY" : tagged ? " (" : "(");
  }

  // Inside parentheses every item but the first follows a comma.
  void separate() {
    if (out_.back() != '(') out_.push_back(',');
  }

  bool coordinates(const Position& p) {
    for (std::size_t i = 0; i < p.n; ++i) {
      if (i != 0) out_.push_back(' ');
      if (!std::isfinite(p.c[i])) return false;
      char digits[32];
      const auto end = std::to_chars(digits, digits + sizeof digits, p.c[i]).ptr;
      out_.append(digits, end);
    }
    return true;
  }

  std::string& out_;
};

}  // namespace

bool append_wkt(std::string& out, std::string_view hex_ewkb) {
  const std::size_t mark = out.size();
  WktSink sink(out);
  if (ewkb::Walker<WktSink>(sink, hex_ewkb).walk()) return true;
  out.resize(mark);
  return false;
}

}  // namespace values
