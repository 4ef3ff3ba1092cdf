#include "mil/base/diagnostic.hpp"

namespace mil {

const char* severity_name(Severity s) {
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "info";
    case Severity::Hint:
        return "hint";
    }
    return "error";
}

} // namespace mil
