// The catalog a real database fills for the values/ tests and the fuzzer (tests/fuzz): the
// extension types' OIDs as that database assigned them, and their pg_type rows.
#pragma once

#include "values/values.hpp"

namespace values_test {

// OIDs as PostgreSQL 15 + PostGIS 3.3 assigned them in the database the fixtures came from.
constexpr values::Oid kGeometry = 16390;
constexpr values::Oid kGeometryArray = 16398;
constexpr values::Oid kGeography = 17077;
constexpr values::Oid kGeographyArray = 17083;
constexpr values::Oid kBox3d = 16417;
constexpr values::Oid kBox2d = 16421;
constexpr values::Oid kPosint = 17429;       // CREATE DOMAIN posint AS int
constexpr values::Oid kPosintArray = 17428;  // posint[]
constexpr values::Oid kIntarr = 17432;       // CREATE DOMAIN intarr AS int[]
constexpr values::Oid kTags = 17434;         // CREATE DOMAIN tags AS text[]
constexpr values::Oid kMood = 17436;         // CREATE TYPE mood AS ENUM ('ok','sad')
constexpr values::Oid kMoodArray = 17435;

// The rows `SELECT ... FROM pg_type` returned for those types.
inline values::Catalog database_catalog() {
  values::Catalog catalog;
  catalog.add({kGeometry, "geometry", "geometry", 'U', 0, ':', 0});
  catalog.add({kGeometryArray, "geometry[]", "_geometry", 'A', kGeometry, ':', 0});
  catalog.add({kGeography, "geography", "geography", 'U', 0, ':', 0});
  catalog.add({kGeographyArray, "geography[]", "_geography", 'A', kGeography, ':', 0});
  catalog.add({kBox3d, "box3d", "box3d", 'U', 0, ',', 0});
  catalog.add({kBox2d, "box2d", "box2d", 'U', 0, ',', 0});
  catalog.add({kPosint, "posint", "posint", 'N', 0, ',', 23});
  catalog.add({kPosintArray, "posint[]", "_posint", 'A', kPosint, ',', 0});
  catalog.add({kIntarr, "intarr", "intarr", 'A', 0, ',', 1007});
  catalog.add({kTags, "tags", "tags", 'A', 0, ',', 1009});
  catalog.add({kMood, "mood", "mood", 'E', 0, ',', 0});
  catalog.add({kMoodArray, "mood[]", "_mood", 'A', kMood, ',', 0});
  return catalog;
}

}  // namespace values_test
