// Repairing the escapes of a JSON message that a strict parser refuses, so that a message a
// client wrote with a lone surrogate escape ("\ud83d", as some clients send for half of a
// pasted emoji) or another refused escape is not lost: each refused escape inside a string
// becomes U+FFFD (one UTF-16 code unit, as the lone surrogate was, so positions the client
// computes stay right). Raw bytes are left alone: a body that is not UTF-8 stays refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mil {

// The text with every refused escape replaced; nullopt when there was none.
std::optional<std::string> repair_json_strings(std::string_view text);

} // namespace mil
