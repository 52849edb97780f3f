// The dispatcher: one type kind -> one converter, and the string fallback when a converter
// does not recognise its input.
#include "values/values.hpp"

#include "values/kind.hpp"

namespace values {
namespace detail {

// PostgreSQL nests domains and arrays only a few levels deep; a longer chain means a cycle.
constexpr int kMaxChain = 16;

namespace {

const Catalog::Entry* resolve_domains(const Catalog& catalog, const Catalog::Entry* entry) {
  for (int hops = 0; entry != nullptr && entry->kind == Kind::kDomain; ++hops) {
    if (hops == kMaxChain) return nullptr;
    entry = catalog.find(entry->base);
  }
  return entry;
}

bool convert(std::string& out, std::string_view text, const Catalog::Entry& entry, const Catalog& catalog,
             int depth) {
  switch (entry.kind) {
    case Kind::kInteger:
      return append_number(out, text);
    case Kind::kBigint:
      return append_bigint(out, text);
    case Kind::kFloat:
      return append_number(out, text);
    case Kind::kBool:
      return append_bool(out, text);
    case Kind::kJson:
      append_raw_json(out, text);
      return true;
    case Kind::kBytea:
      return append_bytea_base64(out, text);
    case Kind::kTimestamptz:
      return append_timestamptz(out, text);
    case Kind::kTimestamp:
      return append_timestamp(out, text);
    case Kind::kArray:
      return depth < kMaxChain && append_array(out, text, entry, catalog, depth);
    case Kind::kGeometry:
      return append_geojson(out, text);
    case Kind::kString:
    case Kind::kNumeric:
    case Kind::kDomain:
      break;
  }
  return false;
}

}  // namespace

void append_value(std::string& out, std::string_view text, const Catalog::Entry* entry,
                  const Catalog& catalog, int depth) {
  entry = resolve_domains(catalog, entry);
  const std::size_t mark = out.size();
  if (entry != nullptr && convert(out, text, *entry, catalog, depth)) return;
  out.resize(mark);
  append_json_string(out, text);
}

}  // namespace detail

void append_json(std::string& out, std::string_view text, Oid type, const Catalog& catalog) {
  detail::append_value(out, text, catalog.find(type), catalog, 0);
}

void append_json(std::string& out, std::string_view text, const Catalog::Entry* type,
                 const Catalog& catalog) {
  detail::append_value(out, text, type, catalog, 0);
}

namespace {

// Built-in OIDs whose kind is kString but whose values a spreadsheet can type.
constexpr Oid kDateOid = 1082;
constexpr Oid kTimeOid = 1083;
constexpr Oid kTimetzOid = 1266;
constexpr Oid kIntervalOid = 1186;

Family string_family(Oid type) {
  switch (type) {
    case kDateOid:
      return Family::kDate;
    case kTimeOid:
    case kTimetzOid:
      return Family::kTime;
    case kIntervalOid:
      return Family::kInterval;
    default:
      return Family::kText;
  }
}

}  // namespace

Family family(Oid type, const Catalog& catalog) {
  const Catalog::Entry* entry = catalog.find(type);
  for (int hops = 0; entry != nullptr && entry->kind == detail::Kind::kDomain; ++hops) {
    if (hops == detail::kMaxChain) return Family::kText;
    type = entry->base;
    entry = catalog.find(type);
  }
  if (entry == nullptr) return Family::kText;
  switch (entry->kind) {
    case detail::Kind::kInteger:
      return Family::kInteger;
    case detail::Kind::kBigint:
      return Family::kBigint;
    case detail::Kind::kFloat:
      return Family::kFloat;
    case detail::Kind::kNumeric:
      return Family::kNumeric;
    case detail::Kind::kBool:
      return Family::kBool;
    case detail::Kind::kJson:
      return Family::kJson;
    case detail::Kind::kBytea:
      return Family::kBytea;
    case detail::Kind::kTimestamptz:
      return Family::kTimestamptz;
    case detail::Kind::kTimestamp:
      return Family::kTimestamp;
    case detail::Kind::kArray:
      return Family::kArray;
    case detail::Kind::kGeometry:
      return Family::kGeometry;
    case detail::Kind::kString:
    case detail::Kind::kDomain:
      break;
  }
  return string_family(type);
}

}  // namespace values
