#pragma once
// The `anttmap` command-line tool as a library function: `main` only forwards to run_cli,
// and tests call run_cli in-process with string streams (PROJ's projinfo_lib pattern).
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace antt::layers {
class LayerRegistry;
}

namespace antt::cli {

/// Runs the tool with `args` (without the program name); returns the process exit code.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// The same with the layers of `layers` instead of the standard ones (a program or test that adds
/// its own layer descriptors).
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            std::shared_ptr<const layers::LayerRegistry> layers);

}  // namespace antt::cli
