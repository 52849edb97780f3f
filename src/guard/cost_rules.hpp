// Functions whose cost one argument makes unbounded and that run without checking for cancel
// (PostGIS's densify fractions, segment lengths, generated point and segment counts). Internal to
// guard/.
#pragma once

#include <optional>
#include <string>

#include "guard/tree.hpp"

namespace guard {

// Why this call may not run as written, or nothing. `call` is a FuncCall node's fields. Such an
// argument must be a literal within a bound that keeps the work small: a model can always write
// one, and a column or expression could hold any value.
std::optional<std::string> why_call_costs_too_much(Tree::Node call);

}  // namespace guard
