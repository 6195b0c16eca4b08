# Developer warnings applied to the project's own targets only (GEOS-style INTERFACE target).
add_library(antt_developer_flags INTERFACE)
add_library(antt::developer_flags ALIAS antt_developer_flags)
target_compile_options(antt_developer_flags INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-missing-field-initializers>
  $<$<BOOL:${ANTT_WARNINGS_AS_ERRORS}>:-Werror>)

# Release is RelWithDebInfo's -O2 without the debug info (a third less compile time; the same code, so benchmarks
# compare): scripts/build.sh's default.
set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG")
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG")

# Sanitizer build types: cmake -DCMAKE_BUILD_TYPE=ASAN (or UBSAN). Plain variables, not cache entries:
# project() already created empty CMAKE_<LANG>_FLAGS_<CONFIG> cache entries, which a CACHE set() would not replace.
set(CMAKE_CXX_FLAGS_ASAN "-O1 -g -fsanitize=address -fno-omit-frame-pointer")
set(CMAKE_C_FLAGS_ASAN "-O1 -g -fsanitize=address -fno-omit-frame-pointer")
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address")
set(CMAKE_SHARED_LINKER_FLAGS_ASAN "-fsanitize=address")
set(CMAKE_CXX_FLAGS_UBSAN "-O1 -g -fsanitize=undefined -fno-omit-frame-pointer")
set(CMAKE_C_FLAGS_UBSAN "-O1 -g -fsanitize=undefined -fno-omit-frame-pointer")
set(CMAKE_EXE_LINKER_FLAGS_UBSAN "-fsanitize=undefined")
set(CMAKE_SHARED_LINKER_FLAGS_UBSAN "-fsanitize=undefined")
# The fuzz build (scripts/fuzz.sh, -DCMAKE_BUILD_TYPE=FUZZ with ANTT_FUZZ=ON): optimised enough to run many inputs a
# second, assertions kept, line tables for the sanitizers' stacks. tests/fuzz adds the sanitizers to its targets.
set(CMAKE_CXX_FLAGS_FUZZ "-O1 -gline-tables-only -fno-omit-frame-pointer")
set(CMAKE_C_FLAGS_FUZZ "-O1 -gline-tables-only -fno-omit-frame-pointer")
