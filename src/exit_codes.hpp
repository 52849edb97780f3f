// The exit codes of fleet-analytics-mcp: the one list that the code and --help follow (the README,
// the man page and docs/ANALYTICS_MCP.md spell it out for people).
// The server itself starts even when its database is down and answers each tool call with the
// reason, so 3, 4 and 5 are the `query` command's: a script can tell "try again later" (3, 5) from
// "the operator must fix the role" (4) and from "fix the SQL" (1).
#pragma once

#include <array>

namespace fam {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;         // it ran and said no: a doctor check, the SQL, an internal error
constexpr int kExitUsage = 2;          // bad options, the code getopt-style tools use for them
constexpr int kExitDatabase = 3;       // `query`: the database could not be reached or read
constexpr int kExitWritableRole = 4;   // `query`: the role could change data (no --allow-writable-role)
constexpr int kExitTunnel = 5;         // `query`: the SSH tunnel could not be opened
constexpr int kExitInterrupted = 130;  // `query` stopped by Ctrl-C: 128 + SIGINT, as shells report it

struct ExitCode {
  int code;
  const char* meaning;
};

// What each code means, as --help prints it.
constexpr std::array<ExitCode, 7> kExitCodes = {{
    {kExitOk, "ok"},
    {kExitFailed, "a doctor check or a query failed (or an internal error)"},
    {kExitUsage, "bad options or configuration (one line on stderr says which)"},
    {kExitDatabase, "`query`: the database could not be reached"},
    {kExitWritableRole, "`query`: the role could change data"},
    {kExitTunnel, "`query`: the SSH tunnel could not be opened"},
    {kExitInterrupted, "`query`: interrupted (Ctrl-C)"},
}};

}  // namespace fam
