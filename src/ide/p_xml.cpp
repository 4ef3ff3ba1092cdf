// xml-syntax for every XML file the server serves.
#include "participants.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class XmlSyntax final : public Participant {
public:
    const char* name() const override { return "xml-syntax"; }
    bool serves(FileKind kind) const override { return is_xml_kind(kind); }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        const std::string& text = *q.file.text;
        const auto& err = q.xml_syntax();
        if (!err) return;
        Diagnostic d;
        Offset at = std::min<Offset>(err->offset, static_cast<Offset>(text.size()));
        // Mark the character where the parser stopped (or the last one at the end of file).
        if (at >= text.size() && at > 0) --at;
        d.range = {at, std::min<Offset>(at + 1, static_cast<Offset>(text.size()))};
        d.severity = Severity::Error;
        d.code = "xml-syntax";
        d.message =
            fmt::format("Malformed XML: {}. Magento cannot read this file and fails when it merges "
                        "the configuration.",
                        err->message);
        out.push_back(std::move(d));
    }
};

} // namespace

const Participant& xml_syntax_participant() {
    static const XmlSyntax p;
    return p;
}

} // namespace mil
