# Client tests: the server driven through real clients (a Node LSP client like VS Code's,
# headless Neovim) and checks of the editor packages (VS Code unit tests and .vsix, LSP4IJ
# template). A test whose tool or node_modules is missing exits 77 and is reported as skipped;
# run scripts/setup-node-deps.sh to install the npm dependencies. Each runs well under a minute;
# the timeout leaves room for a loaded machine (tsc, vsce).

find_program(MIL_NODE_EXECUTABLE node)
find_program(MIL_NVIM_EXECUTABLE nvim)
set(MIL_CLIENTS_SKIP 77)
set(MIL_CLIENTS_SERVER "$<TARGET_FILE:magento-integration-ls>")
set(MIL_CLIENTS_SRC "${CMAKE_SOURCE_DIR}")

# mil_client_test(NAME <name> TOOL <node|nvim> [RESOURCE_LOCK <lock>] [COST <seconds>]
#                 COMMAND <args...>)
# The COMMAND runs with the tool prepended; without the tool the test just reports a skip.
function(mil_client_test)
  cmake_parse_arguments(T "" "NAME;TOOL;RESOURCE_LOCK;COST" "COMMAND" ${ARGN})
  set(test_name "clients: ${T_NAME}")
  if(T_TOOL STREQUAL "node")
    set(tool "${MIL_NODE_EXECUTABLE}")
  else()
    set(tool "${MIL_NVIM_EXECUTABLE}")
  endif()
  if(tool)
    add_test(NAME "${test_name}" COMMAND "${tool}" ${T_COMMAND} WORKING_DIRECTORY "${MIL_CLIENTS_SRC}")
  else()
    add_test(NAME "${test_name}"
      COMMAND sh -c "echo 'SKIP: ${T_TOOL} not found'; exit ${MIL_CLIENTS_SKIP}")
  endif()
  set_tests_properties("${test_name}" PROPERTIES
    SKIP_RETURN_CODE ${MIL_CLIENTS_SKIP}
    TIMEOUT 120
    LABELS clients)
  if(T_RESOURCE_LOCK)
    set_tests_properties("${test_name}" PROPERTIES RESOURCE_LOCK "${T_RESOURCE_LOCK}")
  endif()
  if(T_COST) # about its seconds, so that a fresh CTest starts it first (tests/CMakeLists.txt)
    set_tests_properties("${test_name}" PROPERTIES COST "${T_COST}")
  endif()
endfunction()

# The server over stdio, with VS Code's capabilities (vscode-languageserver-protocol).
mil_client_test(NAME "node e2e" TOOL node COST 6
  COMMAND "${MIL_CLIENTS_SRC}/tests/e2e-node/e2e.test.mjs" "${MIL_CLIENTS_SERVER}")

# The Neovim plugin (editors/nvim) on the installed Neovim, headless.
mil_client_test(NAME "nvim e2e" TOOL nvim
  COMMAND --headless --clean -c "luafile ${MIL_CLIENTS_SRC}/tests/nvim/test.lua")
set_tests_properties("clients: nvim e2e" PROPERTIES ENVIRONMENT
  "MAGENTO_LS_SERVER=${MIL_CLIENTS_SERVER};MIL_SOURCE_DIR=${MIL_CLIENTS_SRC}")

# The LSP4IJ template: required fields, and file-name patterns that match served file kinds.
mil_client_test(NAME "jetbrains template" TOOL node
  COMMAND "${MIL_CLIENTS_SRC}/tests/e2e-node/jetbrains-template.test.mjs")

# The VS Code extension's unit tests (server path resolution, settings, file selection).
mil_client_test(NAME "vscode unit" TOOL node RESOURCE_LOCK editors-vscode COST 4
  COMMAND "${MIL_CLIENTS_SRC}/editors/vscode/scripts/unit-test.mjs")

# `npm run package`: the .vsix with the server binary, checked entry by entry.
mil_client_test(NAME "vscode vsix" TOOL node RESOURCE_LOCK editors-vscode COST 3
  COMMAND "${MIL_CLIENTS_SRC}/tests/e2e-node/vsix.test.mjs" "${MIL_CLIENTS_SERVER}"
          "${CMAKE_CURRENT_BINARY_DIR}/clients-vsix")

# `check --format sarif` of data/example against the SARIF 2.1.0 JSON Schema (Ajv), with a
# helpUri per rule.
mil_client_test(NAME "sarif schema" TOOL node
  COMMAND "${MIL_CLIENTS_SRC}/tests/e2e-node/sarif-schema.test.mjs" "${MIL_CLIENTS_SERVER}")
