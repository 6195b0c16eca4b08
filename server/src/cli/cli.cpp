#include "antt/cli/cli.hpp"

#include <ostream>

namespace antt::cli {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  (void)args;
  (void)out;
  err << "anttmap: not implemented yet\n";
  return 2;
}

}  // namespace antt::cli
