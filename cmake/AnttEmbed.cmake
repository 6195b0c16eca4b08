# antt_embed_files(TARGET t NAMESPACE ns HEADER "antt/x/embedded.hpp" INCLUDE_DIR dir FILES f...):
# a static library whose ns::embedded_file(name) returns each file's text, so the installed tool
# needs no data directory.
function(antt_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;HEADER;INCLUDE_DIR" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_embedded.cpp)
  set(inputs "")
  foreach(file IN LISTS ARG_FILES)
    list(APPEND inputs ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  endforeach()
  string(REPLACE ";" "|" input_list "${inputs}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DINPUTS=${input_list}" -DNAMESPACE=${ARG_NAMESPACE}
            -DHEADER=${ARG_HEADER} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "Embedding ${ARG_FILES}"
    VERBATIM)
  add_library(${ARG_TARGET} STATIC ${out})
  target_include_directories(${ARG_TARGET} PUBLIC ${ARG_INCLUDE_DIR})
endfunction()
