#pragma once
// The `anttmap` command-line tool as a library function: `main` only forwards to run_cli,
// and tests call run_cli in-process with string streams (PROJ's projinfo_lib pattern).
#include <iosfwd>
#include <string>
#include <vector>

namespace antt::cli {

/// Runs the tool with `args` (without the program name); returns the process exit code.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace antt::cli
