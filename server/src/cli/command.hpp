#pragma once
// The CLI's small framework: each command is a descriptor (name, usage, options, run function)
// in one registry; global options (--db, --tool, --json, --quiet) may stand anywhere.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <istream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"

namespace antt::cli {

struct OptionSpec {
  std::string name;  ///< without the leading dashes
  bool takes_value = true;
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::vector<std::string> positional;

  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::optional<std::string> get(const std::string& name) const;
  /// The value as an integer; throws UsageError naming the option when it is not one.
  std::optional<int> get_int(const std::string& name) const;
};

/// What a command needs from its surroundings; passed explicitly, no globals.
struct Context {
  std::ostream& out;
  std::ostream& err;
  std::istream* in = nullptr;  ///< what `--password-stdin` reads; nullptr: the process' stdin
  std::string db_path = "anttmap.sqlite";
  store::Actor actor;
  std::shared_ptr<const layers::LayerRegistry> layers;  ///< the published layers
  bool json = false;
  bool quiet = false;
  bool interactive = false;  ///< stderr is a terminal: progress bars are drawn

  std::unique_ptr<store::Store> open_store(bool create = false) const;
  /// The layer named `name`; UsageError naming the known ones otherwise.
  const layers::LayerDescriptor& layer(const std::string& name) const;
  /// A progress callback drawing a bar on stderr when interactive (else a no-op).
  std::function<void(double)> progress(const std::string& label) const;
};

struct Command {
  std::string name;
  std::string usage;    ///< e.g. "import FILE --kind KIND [options]"
  std::string summary;  ///< one line, Vietnamese / English
  std::vector<OptionSpec> options;
  std::function<int(Context&, const ParsedArgs&)> run;
  std::string details;  ///< extra help text
};

/// Every command of the tool (defined in the commands_*.cpp files).
std::vector<Command> all_commands();

// Command groups, one per file.
std::vector<Command> store_commands();    // init, backup, restore, audit
std::vector<Command> data_commands();     // sample, import, export
std::vector<Command> status_commands();   // status
std::vector<Command> analysis_commands(); // stats, validate
std::vector<Command> report_commands();   // report
std::vector<Command> styles_commands();   // styles
std::vector<Command> layers_commands();   // layers
std::vector<Command> unit_commands();     // unit, years
std::vector<Command> record_commands();   // record, hotspot, cluster
std::vector<Command> lineage_commands();  // lineage
std::vector<Command> plan_commands();     // plan
std::vector<Command> serve_commands();    // serve, seed
std::vector<Command> access_commands();   // user, key

/// Prints one JSON document on its own line (the --json output of every command).
void print_json(std::ostream& out, const std::string& json_text);

/// The output file of a command: --output FILE, or -o FILE (the framework knows long options only,
/// so `-o FILE` arrives as two positionals); nothing when neither is given. UsageError for any other
/// positional argument.
std::optional<std::string> output_argument(const ParsedArgs& args, const std::string& command);

/// A hotspot designation as the commands print it.
nlohmann::json hotspot_json(const store::HotspotDesignation& hotspot);

}  // namespace antt::cli
