// etc/module.xml read into the facts the index keeps (ModuleDecl), two ways that agree.
#pragma once

#include "mil/model/model.hpp"

#include <optional>
#include <string_view>

namespace mil {

// From parse_xml's tree: the first <module> under the <config> root; nullopt when there is
// none (or the root is not <config>).
std::optional<ModuleDecl> module_decl_from_tree(std::string_view text);

// The same in one pass without the tree (walk_plain), for a plain document whose values
// read hold no entity; nullopt (outer) when it is not such a document: use the tree then.
std::optional<std::optional<ModuleDecl>> module_decl_plain(std::string_view text);

} // namespace mil
