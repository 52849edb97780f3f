// The guard's JSON reader against nlohmann's, which it replaced: the same documents accepted, and
// each read into the same values.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "guard/tree.hpp"  // private to guard/: tested here as LevelDB tests its internals

namespace {

using guard::Tree;
using nlohmann::json;

// Only for documents of modest depth (the tests' own), so recursion is fine here.
json to_json(Tree::Node node) {
  if (node.is_object()) {
    json object = json::object();
    for (Tree::Node member : node) object[std::string(member.key())] = to_json(member);
    return object;
  }
  if (node.is_array()) {
    json array = json::array();
    for (Tree::Node item : node) array.push_back(to_json(item));
    return array;
  }
  if (node.is_string()) return std::string(node.string());
  if (node.is_number()) return node.integer() ? json(*node.integer()) : json(node.number().value_or(-1.5));
  if (node.is_boolean()) return node.is_true();
  return nullptr;
}

void check_same_as_nlohmann(const std::string& text) {
  CAPTURE(text);
  const bool accepted = json::accept(text);
  auto tree = Tree::parse(text);
  REQUIRE(tree.has_value() == accepted);
  if (!accepted) return;
  CHECK(to_json(tree->root()) == json::parse(text));
}

json random_value(std::mt19937& random, int depth) {
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  switch (depth > 4 ? pick(4) : pick(6)) {
    case 0:
      return pick(2) == 0;
    case 1:
      return pick(1000) - 500;
    case 2:
      return (pick(100000) - 50000) / 7.0;
    case 3: {
      static constexpr const char* kPieces[] = {"a",    "Z",    " ", "\"", "\\", "/",          "\n",   "\t",
                                                "\x01", "\x1f", "é", "€",  "😀",  "SelectStmt", "sval", ""};
      std::string text;
      for (int i = pick(6); i > 0; --i) text += kPieces[pick(16)];
      return text;
    }
    case 4: {
      json array = json::array();
      for (int i = pick(4); i > 0; --i) array.push_back(random_value(random, depth + 1));
      return array;
    }
    default: {
      json object = json::object();
      for (int i = pick(4); i > 0; --i)
        object["k" + std::to_string(pick(50))] = random_value(random, depth + 1);
      return object;
    }
  }
}

}  // namespace

// What libpg_query makes of SELECT 1.
constexpr const char* kSelectOne =
    R"({"version":150001,"stmts":[{"stmt":{"SelectStmt":{"targetList":[{"ResTarget":{"val":)"
    R"({"A_Const":{"ival":{"ival":1},"location":7}},"location":7}}],"limitOption":"LIMIT_OPTION_DEFAULT",)"
    R"("op":"SETOP_NONE"}}}]})";

TEST_CASE("tree: accepts what nlohmann accepts, and reads the same values", "[guard][tree]") {
  for (const char* text : {
           R"({"a":[1,-2.5e3,true,null,"x\"y\\z\u00e9\ud83d\ude00\/"],"b":{},"c":[]})",
           " [ 1 , [ [ ] ] , { \"k\" : \"v\" } ] ",
           kSelectOne,
           "\"raw é € 😀\"",
           "0",
           "-0.0e-7",
           R"({"\u0041\n":1})",
           "[1,]",
           R"({"a":1,})",
           R"({"a" 1})",
           R"({"a":1}})",
           "[01]",
           "[1.]",
           "[.5]",
           "[1e]",
           "[-]",
           R"(["\ud800"])",
           R"(["\udc00"])",
           R"(["\ud800\u0041"])",
           R"(["\x"])",
           R"(["\u12G4"])",
           "[\"a\x01\"]",
           "[\"\xC0\x80\"]",
           "[\"\xED\xA0\x80\"]",
           "[\"\xF4\x90\x80\x80\"]",
           "[\"\xE2\x82\"]",
           "[\"\x80\"]",
           "{} x",
           "",
           "tru",
           "nul",
           "\"abc",
           "[",
           "{\"a\":",
       }) {
    check_same_as_nlohmann(text);
  }
}

TEST_CASE("tree: random documents read back as nlohmann wrote them", "[guard][tree]") {
  std::mt19937 random(20261130);
  for (int i = 0; i < 2000; ++i) {
    const json value = random_value(random, 0);
    check_same_as_nlohmann(value.dump());
    check_same_as_nlohmann(value.dump(1, '\t', /*ensure_ascii=*/true));
  }
}

TEST_CASE("tree: a missing member answers every question with no, and nesting needs no recursion",
          "[guard][tree]") {
  auto tree = Tree::parse(R"({"a":{"b":[10,"x"]}})");
  REQUIRE(tree);
  const Tree::Node missing = tree->root()["nope"]["deeper"];
  CHECK_FALSE(missing.exists());
  CHECK_FALSE(missing.is_structured());
  CHECK(missing.size() == 0);
  CHECK(missing.string().empty());
  CHECK_FALSE(missing.integer());
  CHECK_FALSE(missing.begin() != missing.end());
  const Tree::Node b = tree->root()["a"]["b"];
  CHECK(b.at(0).integer() == 10);
  CHECK(b.back().string() == "x");
  CHECK_FALSE(b.at(2).exists());
  CHECK(b.key() == "b");

  constexpr int kDepth = 200'000;  // far past what a recursive reader's stack would take
  auto deep = Tree::parse(std::string(kDepth, '[') + std::string(kDepth, ']'));
  REQUIRE(deep);
  int depth = 0;
  for (Tree::Node node = deep->root(); node.is_array(); node = node.at(0)) ++depth;
  CHECK(depth == kDepth);
  CHECK_FALSE(Tree::parse(std::string(kDepth, '[') + std::string(kDepth - 1, ']')));
}
