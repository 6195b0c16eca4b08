# Script mode (cmake -P): writes OUT, a C++ source with each of INPUTS ("|"-separated) as a raw
# string, looked up by file name through NAMESPACE::embedded_file(name) declared in HEADER.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(body "#include \"${HEADER}\"\n#include <map>\n#include <string>\nnamespace ${NAMESPACE} {\nstd::string_view embedded_file(std::string_view name) {\n  static const std::map<std::string, std::string_view, std::less<>> files = {\n")
foreach(input IN LISTS INPUTS)
  get_filename_component(name ${input} NAME)
  file(READ ${input} content)
  string(APPEND body "    {\"${name}\", R\"antt_embed(${content})antt_embed\"},\n")
endforeach()
string(APPEND body "  };\n  auto found = files.find(name);\n  return found == files.end() ? std::string_view{} : found->second;\n}\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT} "${body}")
