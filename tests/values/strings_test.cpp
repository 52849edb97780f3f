#include <catch2/catch.hpp>

#include "support.hpp"

using values_test::as_string;
using values_test::json_of;

TEST_CASE("values escapes quotes and backslashes in strings", "[values]") {
  CHECK(json_of(R"(a"b\c)", 25) == R"("a\"b\\c")");
  CHECK(as_string("") == R"("")");
}

TEST_CASE("values escapes control characters in strings", "[values]") {
  CHECK(json_of("tab\there\nnl", 25) == R"("tab\there\nnl")");
  CHECK(as_string("\b\f\r") == R"("\b\f\r")");
  CHECK(as_string(std::string_view("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST_CASE("values keeps valid multi-byte UTF-8 in strings", "[values]") {
  CHECK(json_of("héllo ✓", 1043) == "\"héllo ✓\"");
  CHECK(as_string("\xF0\x9F\x9A\x9A bus") == "\"\xF0\x9F\x9A\x9A bus\"");
  CHECK(as_string("\xF4\x8F\xBF\xBF") == "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF
}

TEST_CASE("values replaces invalid UTF-8 with U+FFFD", "[values]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(as_string("a\xFF"
                  "b") == "\"a" + fffd + "b\"");
  CHECK(as_string("\xC3") == "\"" + fffd + "\"");                                   // truncated sequence
  CHECK(as_string("\xC0\xAF") == "\"" + fffd + fffd + "\"");                        // overlong '/'
  CHECK(as_string("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");             // a surrogate
  CHECK(as_string("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // past U+10FFFF
  CHECK(as_string("\xE2\x9C") == "\"" + fffd + fffd + "\"");
  CHECK(nlohmann::json::accept(as_string("\x80\xBF\xFE\xF8\x88\x80\x80\x80\x80")));
}

TEST_CASE("values strings parse back to the text they were written from", "[values]") {
  const std::string text = "line\none \"quoted\" back\\slash \x01 é ✓ \xF0\x9F\x9A\x9A";
  CHECK(nlohmann::json::parse(as_string(text)).get<std::string>() == text);
}
