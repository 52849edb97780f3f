// Names a statement the way its SQL reads ("DELETE", "DROP TABLE", "SET", "ROLLBACK TO"), so refusals
// say what was sent. Internal to guard/.
#pragma once

#include <string>
#include <string_view>

#include "guard/tree.hpp"

namespace guard {

// `node_type` is the parse tree's node name ("DeleteStmt"), `fields` that node's object.
std::string statement_name(std::string_view node_type, Tree::Node fields);

}  // namespace guard
