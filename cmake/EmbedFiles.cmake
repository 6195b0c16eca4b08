# Writes OUT: a C++ source with each of INPUTS as a raw string, looked up by file name.
set(body "#include \"antt/sample/embedded.hpp\"\n#include <map>\n#include <string>\nnamespace antt::sample {\nstd::string_view embedded_file(std::string_view name) {\n  static const std::map<std::string, std::string_view, std::less<>> files = {\n")
foreach(input IN LISTS INPUTS)
  get_filename_component(name ${input} NAME)
  file(READ ${input} content)
  string(APPEND body "    {\"${name}\", R\"antt_embed(${content})antt_embed\"},\n")
endforeach()
string(APPEND body "  };\n  auto found = files.find(name);\n  return found == files.end() ? std::string_view{} : found->second;\n}\n}  // namespace antt::sample\n")
file(WRITE ${OUT} "${body}")
