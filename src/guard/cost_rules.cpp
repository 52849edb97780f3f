#include "guard/cost_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

namespace guard {
namespace {

using Node = Tree::Node;

// A fraction f makes work grow as 1/f (points along a line) or 1/f² (GEOS's Fréchet matrix, held
// in malloc outside PostgreSQL's memory accounting); a count makes it grow as the count.
enum class Bound { kMinimum, kMaximum };

struct CostParameter {
  std::string_view function;  // lower case, unqualified
  std::size_t index;          // 0-based position of the argument
  Bound bound;
  double limit;
  std::string_view what;     // the argument, as the manual names it
  std::string_view instead;  // what to write instead
};

// From PostGIS's manual: every function with a densify/segmentize-style parameter or a generated
// point or segment count. A bound is generous for analytics and small for the machine.
constexpr std::array kCostParameters = {
    // 1/f² cells: f = 0.001 is a million; the 0.00001 that took a 23.6 GB cluster down is 10^10.
    CostParameter{"st_frechetdistance", 2, Bound::kMinimum, 0.001, "densifyFrac",
                  "ST_FrechetDistance(a, b) without it, or a fraction of at least 0.001"},
    CostParameter{"st_hausdorffdistance", 2, Bound::kMinimum, 0.001, "densifyFrac",
                  "ST_HausdorffDistance(a, b) without it, or a fraction of at least 0.001"},
    CostParameter{"st_lineinterpolatepoints", 1, Bound::kMinimum, 0.00001, "a_fraction",
                  "a fraction of at least 0.00001 (at most 100,000 points)"},
    // Degrees or metres: 0.00001 is about a metre on a degree-based geometry.
    CostParameter{"st_segmentize", 1, Bound::kMinimum, 0.00001, "max_segment_length",
                  "a literal length of at least 0.00001, suited to the geometry's units"},
    CostParameter{"st_generatepoints", 1, Bound::kMaximum, 100000, "npoints", "at most 100,000 points"},
    CostParameter{"st_buffer", 2, Bound::kMaximum, 1000, "num_seg_quarter_circle",
                  "at most 1,000 segments per quarter circle (8 is the default)"},
    CostParameter{"st_minimumboundingcircle", 1, Bound::kMaximum, 1000, "num_segs_per_qt_circ",
                  "at most 1,000 segments per quarter circle (48 is the default)"},
};

// The style-string form: ST_Buffer(g, r, 'quad_segs=N …') and ST_OffsetCurve(g, d, 'quad_segs=N').
constexpr double kMaxQuadSegments = 1000;

std::string lower_name(Node funcname) {
  if (!funcname.is_array()) return "";
  std::string name(funcname.back()["String"]["sval"].string());
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

// The literal's A_Const fields, through any casts ('0.1'::float8, 8::int); missing otherwise.
Node literal(Node argument) {
  Node node = argument;
  while (node["TypeCast"].exists()) node = node["TypeCast"]["arg"];
  return node["A_Const"];
}

std::optional<double> number(Node argument) {
  const Node constant = literal(argument);
  if (const Node i = constant["ival"]["ival"]; i.is_number()) return i.number();
  if (constant["ival"].exists()) return 0.0;  // libpg_query leaves a zero ival out
  Node f = constant["fval"]["fval"];
  if (!f.is_string()) f = constant["sval"]["sval"];  // '0.5'::float8
  if (!f.is_string()) return std::nullopt;
  const std::string_view text = f.string();
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> string(Node argument) {
  const Node s = literal(argument)["sval"]["sval"];
  return s.is_string() ? std::optional(std::string(s.string())) : std::nullopt;
}

std::string shown(double value) {
  std::string text = std::to_string(value);
  while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) text.pop_back();
  return text;
}

std::optional<std::string> check_parameter(const CostParameter& p, Node argument) {
  std::optional<double> value = number(argument);
  bool within = value && (p.bound == Bound::kMinimum ? *value >= p.limit : *value <= p.limit && *value >= 0);
  if (within) return std::nullopt;
  std::string got = value ? "it is " + shown(*value) : "it is not a numeric literal";
  return std::string(p.function) + "'s " + std::string(p.what) +
         " sets how much work it does, unbounded and without checking for cancel (" + got + "); write " +
         std::string(p.instead);
}

// 'quad_segs=64 endcap=round' -> 64.
std::optional<double> quad_segments(const std::string& style) {
  auto at = style.find("quad_segs=");
  if (at == std::string::npos) return std::nullopt;
  double value = 0;
  const char* begin = style.data() + at + 10;
  auto [end, error] = std::from_chars(begin, style.data() + style.size(), value);
  return error == std::errc() && end != begin ? std::optional(value) : std::optional(1e18);
}

std::optional<std::string> check_style(const std::string& function, Node argument) {
  if (function != "st_buffer" && function != "st_offsetcurve") return std::nullopt;
  std::optional<std::string> style = string(argument);
  if (!style) return std::nullopt;  // ST_Buffer's numeric form is a CostParameter
  auto segments = quad_segments(*style);
  if (!segments || *segments <= kMaxQuadSegments) return std::nullopt;
  return function +
         "'s quad_segs sets how many points it generates, without checking for cancel; write "
         "quad_segs=N with N at most 1000 (8 is the default)";
}

}  // namespace

std::optional<std::string> why_call_costs_too_much(Tree::Node call) {
  const std::string function = lower_name(call["funcname"]);
  const Node args = call["args"];
  if (function.empty() || !args.is_array()) return std::nullopt;
  if (args.size() > 2)
    if (auto refusal = check_style(function, args.at(2))) return refusal;
  for (const CostParameter& p : kCostParameters) {
    if (p.function != function || args.size() <= p.index) continue;
    if (function == "st_buffer" && string(args.at(p.index))) continue;  // the style-string form
    if (auto refusal = check_parameter(p, args.at(p.index))) return refusal;
  }
  return std::nullopt;
}

}  // namespace guard
