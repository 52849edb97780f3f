// The hex EWKB reader shared by the GeoJSON and WKT writers.
#include "values/ewkb.hpp"
#include "values/values.hpp"

namespace values::ewkb {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::uint64_t HexReader::read(std::size_t bytes, bool little_endian) {
  if (remaining() < bytes) {
    invalidate();
    return 0;
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    const std::size_t at = 2 * (pos_ + (little_endian ? bytes - 1 - i : i));
    const int hi = hex_value(hex_[at]);
    const int lo = hex_value(hex_[at + 1]);
    if (hi < 0 || lo < 0) {
      invalidate();
      return 0;
    }
    value = value << 8 | static_cast<std::uint64_t>(hi << 4 | lo);
  }
  pos_ += bytes;
  return value;
}

bool HexReader::read_header(Header& h) {
  const std::uint64_t order = read(1, true);
  if (order > 1) return false;
  h.little_endian = order == 1;
  const auto word = static_cast<std::uint32_t>(read(4, h.little_endian));
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
  if ((word & kSridFlag) != 0) h.srid = static_cast<std::uint32_t>(read(4, h.little_endian));
  return ok() && h.type >= kPoint && h.type <= kGeometryCollection;
}

Position HexReader::read_position(const Header& h) {
  Position p;
  p.n = dimensions(h);
  for (std::size_t i = 0; i < p.n; ++i) p.c[i] = std::bit_cast<double>(read(8, h.little_endian));
  return p;
}

std::uint32_t HexReader::read_count(const Header& h, std::size_t min_bytes_each) {
  const auto count = static_cast<std::uint32_t>(read(4, h.little_endian));
  if (count > remaining() / min_bytes_each) invalidate();
  return ok() ? count : 0;
}

}  // namespace values::ewkb

namespace values {

std::optional<std::uint32_t> ewkb_srid(std::string_view hex_ewkb) {
  ewkb::HexReader in(hex_ewkb);
  ewkb::Header header;
  if (!in.read_header(header)) return std::nullopt;
  return header.srid;
}

}  // namespace values
