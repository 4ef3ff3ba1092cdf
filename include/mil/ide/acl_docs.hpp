// The texts about one ACL id that need only the snapshot: completion documentation, hover,
// the path shown for a file. Apart from acl_support.hpp so that the engine (which makes
// completion documentation on demand) does not depend on the participants' helpers, which
// depend on the engine's types. Implemented in src/ide/acl_support.cpp.
#pragma once

#include "mil/model/index.hpp"

#include <string>
#include <string_view>

namespace mil {

// The documentation of an ACL id's completion item: where it sits in the tree, its module.
std::string acl_completion_documentation(const AclTree& tree, const AclNode& node);

// Markdown for hovering an ACL id.
std::string acl_hover(const Snapshot& s, std::string_view id);

// The path as shown to users: relative to the Magento root when inside it.
std::string display_path(const Snapshot& s, std::string_view path);

} // namespace mil
