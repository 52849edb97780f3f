#include <catch2/catch.hpp>

#include "support.hpp"

using values::Catalog;

TEST_CASE("values catalog names built-in types like format_type", "[values]") {
  const Catalog catalog;
  CHECK(catalog.display_name(16) == "boolean");
  CHECK(catalog.display_name(20) == "bigint");
  CHECK(catalog.display_name(23) == "integer");
  CHECK(catalog.display_name(18) == "\"char\"");
  CHECK(catalog.display_name(1042) == "character");
  CHECK(catalog.display_name(1184) == "timestamp with time zone");
  CHECK(catalog.display_name(1007) == "integer[]");
  CHECK(catalog.display_name(1185) == "timestamp with time zone[]");
  CHECK(catalog.display_name(1015) == "character varying[]");
  CHECK(catalog.display_name(3807) == "jsonb[]");
}

TEST_CASE("values catalog names a type it never saw unknown", "[values]") {
  const Catalog catalog;
  CHECK(catalog.display_name(16390) == "unknown");
  CHECK(catalog.find(16390) == nullptr);
}

TEST_CASE("values catalog learns PostGIS types by name whatever their OID", "[values]") {
  Catalog catalog;
  catalog.add({90001, "geometry", "geometry", 'U', 0, ':', 0});
  CHECK(catalog.display_name(90001) == "geometry");
  std::string out;
  values::append_json(out, "0101000000000000000000F03F0000000000000040", 90001, catalog);
  CHECK(out == R"({"type":"Point","coordinates":[1,2]})");
}

TEST_CASE("values catalog keeps a built-in's meaning when the database adds its row", "[values]") {
  Catalog catalog;
  catalog.add({1184, "timestamp with time zone", "timestamptz", 'D', 0, ',', 0});
  catalog.add({1185, "timestamp with time zone[]", "_timestamptz", 'A', 1184, ',', 0});
  std::string out;
  values::append_json(out, "{\"2024-03-01 12:34:56+00\"}", 1185, catalog);
  CHECK(out == R"(["2024-03-01T12:34:56Z"])");
}

TEST_CASE("values catalog does not trust a user type named like a built-in", "[values]") {
  Catalog catalog;
  catalog.add({90002, "myschema.json", "json", 'U', 0, ',', 0});
  catalog.add({90003, "myschema.int4", "int4", 'N', 0, ',', 0});
  std::string out;
  values::append_json(out, "not json", 90002, catalog);
  out.push_back(' ');
  values::append_json(out, "7", 90003, catalog);
  CHECK(out == R"("not json" "7")");
}

TEST_CASE("values catalog resolves a domain added before its base type", "[values]") {
  Catalog catalog;
  catalog.add({90010, "d_geom", "d_geom", 'U', 0, ',', 90011});
  catalog.add({90011, "geometry", "geometry", 'U', 0, ':', 0});
  std::string out;
  values::append_json(out, "0101000000000000000000F03F0000000000000040", 90010, catalog);
  CHECK(out == R"({"type":"Point","coordinates":[1,2]})");
}
