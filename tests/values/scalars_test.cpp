#include <catch2/catch.hpp>

#include "support.hpp"

using values_test::json_of;

TEST_CASE("values writes int2, int4 and oid as numbers", "[values]") {
  CHECK(json_of("-32768", 21) == "-32768");
  CHECK(json_of("2147483647", 23) == "2147483647");
  CHECK(json_of("0", 23) == "0");
  CHECK(json_of("4294967295", 26) == "4294967295");
}

TEST_CASE("values writes int8 up to 2^53 as a number", "[values]") {
  CHECK(json_of("9007199254740992", 20) == "9007199254740992");
  CHECK(json_of("-9007199254740992", 20) == "-9007199254740992");
  CHECK(json_of("42", 20) == "42");
}

TEST_CASE("values writes int8 beyond 2^53 as a string", "[values]") {
  CHECK(json_of("9007199254740993", 20) == R"("9007199254740993")");
  CHECK(json_of("-9007199254740993", 20) == R"("-9007199254740993")");
  CHECK(json_of("9223372036854775807", 20) == R"("9223372036854775807")");
  CHECK(json_of("-9223372036854775808", 20) == R"("-9223372036854775808")");
}

TEST_CASE("values writes numeric as an exact string", "[values]") {
  CHECK(json_of("12.50", 1700) == R"("12.50")");
  CHECK(json_of("0.0", 1700) == R"("0.0")");
  CHECK(json_of("123456789012345678901234567890.000000001", 1700) ==
        R"("123456789012345678901234567890.000000001")");
  CHECK(json_of("NaN", 1700) == R"("NaN")");
  CHECK(json_of("Infinity", 1700) == R"("Infinity")");
  CHECK(json_of("-Infinity", 1700) == R"("-Infinity")");
}

TEST_CASE("values writes floats as printed with extra_float_digits=1", "[values]") {
  CHECK(json_of("1.1", 701) == "1.1");
  CHECK(json_of("0.1", 700) == "0.1");
  CHECK(json_of("1e+300", 701) == "1e+300");
  CHECK(json_of("1e-05", 701) == "1e-05");
  CHECK(json_of("1.5e-10", 700) == "1.5e-10");
  CHECK(json_of("-0", 701) == "-0");
}

TEST_CASE("values writes float NaN and infinities as strings", "[values]") {
  CHECK(json_of("NaN", 701) == R"("NaN")");
  CHECK(json_of("Infinity", 700) == R"("Infinity")");
  CHECK(json_of("-Infinity", 701) == R"("-Infinity")");
}

TEST_CASE("values writes booleans as true and false", "[values]") {
  CHECK(json_of("t", 16) == "true");
  CHECK(json_of("f", 16) == "false");
}

TEST_CASE("values embeds json and jsonb as they are", "[values]") {
  CHECK(json_of(R"({"a": [1, 2.50, "x"]})", 3802) == R"({"a": [1, 2.50, "x"]})");
  CHECK(json_of(R"({"a" : 1})", 114) == R"({"a" : 1})");
  CHECK(json_of("null", 3802) == "null");
  CHECK(json_of(R"("a\nb")", 3802) == R"("a\nb")");
}

TEST_CASE("values keeps json's line breaks out of the newline-delimited output", "[values]") {
  CHECK(json_of("{\"a\":\r\n  [1,\n2]}", 114) == "{\"a\":    [1, 2]}");
}

TEST_CASE("values writes bytea as base64", "[values]") {
  CHECK(json_of(R"(\x48656c6c6f)", 17) == R"("SGVsbG8=")");
  CHECK(json_of(R"(\x)", 17) == R"("")");
  CHECK(json_of(R"(\x4869)", 17) == R"("SGk=")");
  CHECK(json_of(R"(\x486921)", 17) == R"("SGkh")");
  CHECK(json_of(R"(\x00FFfe)", 17) == R"("AP/+")");
}

TEST_CASE("values writes other scalar types as their text", "[values]") {
  CHECK(json_of("$12.34", 790) == R"("$12.34")");
  CHECK(json_of("192.168.0.1/24", 869) == R"("192.168.0.1/24")");
  CHECK(json_of("10.0.0.0/8", 650) == R"("10.0.0.0/8")");
  CHECK(json_of("08:00:2b:01:02:03", 829) == R"("08:00:2b:01:02:03")");
  CHECK(json_of("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 2950) == R"("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")");
  CHECK(json_of("ab  ", 1042) == R"("ab  ")");
  CHECK(json_of("x", 18) == R"("x")");
  CHECK(json_of("pg_class", 19) == R"("pg_class")");
  CHECK(json_of("(3,4),(1,2)", 603) == "\"(3,4),(1,2)\"");
  CHECK(json_of("<a>x</a>", 142) == R"("<a>x</a>")");
  CHECK(json_of("ok", values_test::kMood) == R"("ok")");
}

TEST_CASE("values writes a domain like its base type", "[values]") {
  CHECK(json_of("5", values_test::kPosint) == "5");
  CHECK(json_of("{3,4}", values_test::kIntarr) == "[3,4]");
  CHECK(json_of(R"({a,"b c"})", values_test::kTags) == R"(["a","b c"])");
}

TEST_CASE("values writes the text of a type it was never told about as a string", "[values]") {
  CHECK(json_of("42", 999999) == R"("42")");
  CHECK(json_of("t", 999999) == R"("t")");
}

TEST_CASE("values falls back to a string when a value is not in its type's format", "[values]") {
  CHECK(json_of("1.", 23) == R"("1.")");
  CHECK(json_of("", 23) == R"("")");
  CHECK(json_of("12abc", 20) == R"("12abc")");
  CHECK(json_of("", 20) == R"("")");
  CHECK(json_of("-", 20) == R"("-")");
  CHECK(json_of("99999999999999999999999", 20) == R"("99999999999999999999999")");
  CHECK(json_of("inf", 701) == R"("inf")");
  CHECK(json_of("+1", 701) == R"("+1")");
  CHECK(json_of(".5", 701) == R"(".5")");
  CHECK(json_of("1e", 701) == R"("1e")");
  CHECK(json_of("true", 16) == R"("true")");
  CHECK(json_of("", 16) == R"("")");
  CHECK(json_of(R"(\x486)", 17) == R"("\\x486")");
  CHECK(json_of(R"(\x4g)", 17) == R"("\\x4g")");
  CHECK(json_of(R"(Hello\000)", 17) == R"("Hello\\000")");
}
