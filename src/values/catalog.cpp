// The type catalog: built-in types by their fixed OIDs, extension types and domains as pg_type
// rows arrive from the database layer.
#include <array>

#include "values/kind.hpp"
#include "values/values.hpp"

namespace values {
namespace {

using Kind = Catalog::Kind;

// OIDs below this are assigned by PostgreSQL itself (FirstNormalObjectId); only there does a
// type's OID say which built-in it is. Above it, a type named "int4" or "json" may be anyone's.
constexpr Oid kFirstNormalObjectId = 16384;

struct Builtin {
  Oid oid;
  const char* name;  // format_type(oid, NULL)
  Kind kind;
  Oid array;  // the OID of its array type, 0 if it has none worth knowing
  char delimiter = ',';
};

constexpr std::array kBuiltins = {
    Builtin{16, "boolean", Kind::kBool, 1000},
    Builtin{17, "bytea", Kind::kBytea, 1001},
    Builtin{18, "\"char\"", Kind::kString, 1002},
    Builtin{19, "name", Kind::kString, 1003},
    Builtin{20, "bigint", Kind::kBigint, 1016},
    Builtin{21, "smallint", Kind::kInteger, 1005},
    Builtin{23, "integer", Kind::kInteger, 1007},
    Builtin{24, "regproc", Kind::kString, 1008},
    Builtin{25, "text", Kind::kString, 1009},
    Builtin{26, "oid", Kind::kInteger, 1028},
    Builtin{28, "xid", Kind::kString, 1011},
    Builtin{114, "json", Kind::kJson, 199},
    Builtin{142, "xml", Kind::kString, 143},
    Builtin{600, "point", Kind::kString, 1017},
    Builtin{601, "lseg", Kind::kString, 1018},
    Builtin{602, "path", Kind::kString, 1019},
    Builtin{603, "box", Kind::kString, 1020, ';'},
    Builtin{604, "polygon", Kind::kString, 1027},
    Builtin{628, "line", Kind::kString, 629},
    Builtin{650, "cidr", Kind::kString, 651},
    Builtin{700, "real", Kind::kFloat, 1021},
    Builtin{701, "double precision", Kind::kFloat, 1022},
    Builtin{705, "unknown", Kind::kString, 0},
    Builtin{718, "circle", Kind::kString, 719},
    Builtin{774, "macaddr8", Kind::kString, 775},
    Builtin{790, "money", Kind::kString, 791},
    Builtin{829, "macaddr", Kind::kString, 1040},
    Builtin{869, "inet", Kind::kString, 1041},
    Builtin{1042, "character", Kind::kString, 1014},
    Builtin{1043, "character varying", Kind::kString, 1015},
    Builtin{1082, "date", Kind::kString, 1182},
    Builtin{1083, "time without time zone", Kind::kString, 1183},
    Builtin{1114, "timestamp without time zone", Kind::kTimestamp, 1115},
    Builtin{1184, "timestamp with time zone", Kind::kTimestamptz, 1185},
    Builtin{1186, "interval", Kind::kString, 1187},
    Builtin{1266, "time with time zone", Kind::kString, 1270},
    Builtin{1560, "bit", Kind::kString, 1561},
    Builtin{1562, "bit varying", Kind::kString, 1563},
    Builtin{1700, "numeric", Kind::kNumeric, 1231},
    Builtin{2205, "regclass", Kind::kString, 2210},
    Builtin{2206, "regtype", Kind::kString, 2211},
    Builtin{2950, "uuid", Kind::kString, 2951},
    Builtin{3614, "tsvector", Kind::kString, 3643},
    Builtin{3615, "tsquery", Kind::kString, 3645},
    Builtin{3802, "jsonb", Kind::kJson, 3807},
    Builtin{3904, "int4range", Kind::kString, 3905},
    Builtin{3906, "numrange", Kind::kString, 3907},
    Builtin{3908, "tsrange", Kind::kString, 3909},
    Builtin{3910, "tstzrange", Kind::kString, 3911},
    Builtin{3912, "daterange", Kind::kString, 3913},
    Builtin{3926, "int8range", Kind::kString, 3927},
    Builtin{4072, "jsonpath", Kind::kString, 4073},
    Builtin{5069, "xid8", Kind::kString, 271},
};

// int2vector and oidvector are arrays to pg_type but print as "1 2 3"; the array parser sees no
// brace and falls back to the text.
struct Vector {
  Oid oid;
  const char* name;
  Oid element;
};
constexpr std::array kVectors = {Vector{22, "int2vector", 21}, Vector{30, "oidvector", 26}};

Kind builtin_kind(Oid oid) {
  for (const Builtin& b : kBuiltins) {
    if (b.oid == oid) return b.kind;
  }
  return Kind::kString;
}

Kind classify(const TypeRow& row) {
  if (row.base != 0) return Kind::kDomain;
  if (row.category == 'A' && row.element != 0) return Kind::kArray;
  if (row.type_name == "geometry" || row.type_name == "geography") return Kind::kGeometry;
  if (row.oid < kFirstNormalObjectId) return builtin_kind(row.oid);
  return Kind::kString;
}

}  // namespace

Catalog::Catalog() {
  for (const Builtin& b : kBuiltins) {
    by_oid_[b.oid] = Entry{b.name, b.kind, 0, 0, ','};
    if (b.array != 0) {
      by_oid_[b.array] = Entry{std::string(b.name) + "[]", Kind::kArray, b.oid, 0, b.delimiter};
    }
  }
  for (const Vector& v : kVectors) by_oid_[v.oid] = Entry{v.name, Kind::kArray, v.element, 0, ','};
}

void Catalog::add(const TypeRow& row) {
  by_oid_[row.oid] = Entry{row.display_name, classify(row), row.element, row.base, row.delimiter};
}

std::string_view Catalog::display_name(Oid oid) const {
  const Entry* entry = find(oid);
  return entry != nullptr ? std::string_view(entry->display_name) : std::string_view("unknown");
}

const Catalog::Entry* Catalog::find(Oid oid) const {
  auto it = by_oid_.find(oid);
  return it != by_oid_.end() ? &it->second : nullptr;
}

}  // namespace values
