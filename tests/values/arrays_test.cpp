#include <catch2/catch.hpp>

#include "support.hpp"

using values_test::json_of;

TEST_CASE("values writes a one-dimensional array as a JSON array", "[values]") {
  CHECK(json_of("{1,2}", 1007) == "[1,2]");
  CHECK(json_of("{t,f}", 1000) == "[true,false]");
  CHECK(json_of("{1.5,NaN}", 1231) == R"(["1.5","NaN"])");
  CHECK(json_of("{NaN,1.25}", 1022) == R"(["NaN",1.25])");
  CHECK(json_of("{9007199254740993,1}", 1016) == R"(["9007199254740993",1])");
}

TEST_CASE("values writes a multi-dimensional array as nested JSON arrays", "[values]") {
  CHECK(json_of("{{1,2},{3,4}}", 1007) == "[[1,2],[3,4]]");
  CHECK(json_of("{{{a}}}", 1009) == R"([[["a"]]])");
  CHECK(json_of("{{NULL,2}}", 1007) == "[[null,2]]");
}

TEST_CASE("values writes NULL array elements as null and quoted \"NULL\" as a string", "[values]") {
  CHECK(json_of(R"({"a b","x\"y",NULL,"NULL","back\\slash",""," lead","{}"})", 1009) ==
        R"(["a b","x\"y",null,"NULL","back\\slash",""," lead","{}"])");
}

TEST_CASE("values reads quoted array elements with delimiters and braces inside", "[values]") {
  CHECK(json_of(R"({{"a,b",c},{"d}","e{"}})", 1009) == R"([["a,b","c"],["d}","e{"]])");
  CHECK(json_of("{\"a\\\\b\",\"tab\t\",é}", 1009) == "[\"a\\\\b\",\"tab\\t\",\"é\"]");
}

TEST_CASE("values writes an empty array as []", "[values]") {
  CHECK(json_of("{}", 1007) == "[]");
  CHECK(json_of("{}", 1009) == "[]");
}

TEST_CASE("values skips an array's dimension prefix", "[values]") {
  CHECK(json_of("[0:1]={1,2}", 1007) == "[1,2]");
  CHECK(json_of("[1:1][-2:-1]={{1,2}}", 1007) == "[[1,2]]");
}

TEST_CASE("values splits array elements on the element type's delimiter", "[values]") {
  CHECK(json_of("{(1,1),(0,0);(3,3),(2,2)}", 1020) == R"js(["(1,1),(0,0)","(3,3),(2,2)"])js");
  CHECK(json_of("{0101000000000000000000F03F0000000000000040:010100000000000000000008400000000000001040}",
                values_test::kGeometryArray) ==
        R"([{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[3,4]}])");
  CHECK(json_of("{0101000020E6100000000000000000F03F0000000000000040:"
                "0101000020E610000000000000000008400000000000001040}",
                values_test::kGeographyArray) ==
        R"([{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[3,4]}])");
}

TEST_CASE("values converts array elements by their element type", "[values]") {
  CHECK(json_of(R"({"2024-03-01 12:34:56.789+00",NULL})", 1185) == R"(["2024-03-01T12:34:56.789Z",null])");
  CHECK(json_of(R"({"\\x4869"})", 1001) == R"(["SGk="])");
  CHECK(json_of(R"({"{\"a\": 1}","[1, 2]"})", 3807) == R"([{"a": 1},[1, 2]])");
  CHECK(json_of("{2024-03-01,infinity}", 1182) == R"(["2024-03-01","infinity"])");
  CHECK(json_of("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", 2951) ==
        R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])");
  CHECK(json_of("{P1DT2H}", 1187) == R"(["P1DT2H"])");
}

TEST_CASE("values follows arrays of domains and domains over arrays", "[values]") {
  CHECK(json_of("{1,2}", values_test::kPosintArray) == "[1,2]");
  CHECK(json_of("{3,4}", values_test::kIntarr) == "[3,4]");
  CHECK(json_of("{ok,sad}", values_test::kMoodArray) == R"(["ok","sad"])");
}

TEST_CASE("values writes int2vector's space-separated text as a string", "[values]") {
  CHECK(json_of("1 2", 22) == R"("1 2")");
}
