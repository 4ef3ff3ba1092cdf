# Turns the files under data/docs and data/catalog into a C++ source, so that the server binary
# carries its documentation and catalogue and needs no data folder at run time.
# Invoked in script mode: cmake -DDATA_DIR=... -DOUT=... -P embed_data.cmake
file(GLOB_RECURSE files RELATIVE ${DATA_DIR} ${DATA_DIR}/docs/* ${DATA_DIR}/catalog/*)
list(SORT files)
set(body "// Generated from data/ by cmake/embed_data.cmake. Do not edit.\n#include \"mil/base/embedded.hpp\"\nnamespace mil {\nnamespace {\n")
set(table "")
set(i 0)
foreach(f ${files})
  file(READ ${DATA_DIR}/${f} content)
  string(APPEND body "const char kData${i}[] = R\"mil_data(${content})mil_data\";\n")
  string(APPEND table "    {\"${f}\", std::string_view(kData${i}, sizeof(kData${i}) - 1)},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "} // namespace\nconst std::vector<EmbeddedFile>& embedded_files() {\n  static const std::vector<EmbeddedFile> files = {\n${table}  };\n  return files;\n}\n} // namespace mil\n")
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
