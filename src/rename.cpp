// Rename of an ACL id across every file that declares or names it.
#include "mil/engine.hpp"

namespace mil {

RenameResult Engine::rename(const std::string&, Offset, const std::string&) const {
    RenameResult r;
    r.error = "Rename is not available here.";
    return r;
}

} // namespace mil
