// registration.php: the name under which the module registers itself.
#include "participants.hpp"

#include "mil/syntax/php.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class RegistrationParticipant final : public Participant {
public:
    const char* name() const override { return "registration"; }
    bool serves(FileKind kind) const override { return kind == FileKind::Registration; }

    void index(const FileEntry& entry, FileFacts& facts) const override {
        // Nearly every registration.php is one call in one form, read without the tokenizer.
        if (auto plain = find_plain_module_registration(*entry.text)) {
            facts.registration = TextValue{std::move(plain->name), plain->name_range};
            return;
        }
        for (const auto& r : find_php_registrations(*entry.text)) {
            if (r.type != PhpComponentType::Module || !r.name_is_literal) continue;
            facts.registration = TextValue{r.name, r.name_range};
            return;
        }
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        const auto& reg = q.file.facts.registration;
        if (!reg || q.file.module_dir.empty()) return;
        const std::string dir = q.file.module_dir == "." ? std::string() : q.file.module_dir + "/";
        if (q.snapshot.file(dir + "etc/module.xml")) return;
        // Magento\Framework\Module\ModuleList\Loader::getModuleConfigs reads
        // "$modulePath/etc/module.xml" of every registered module with fileGetContents and no
        // existence check: the exception stops every command that loads the module list.
        Diagnostic d;
        d.range = reg->range;
        d.severity = Severity::Error;
        d.code = "missing-module-xml";
        d.message = fmt::format(
            "'{}' is registered here, but the module has no etc/module.xml: Magento reads "
            "etc/module.xml of every registered module without checking that it exists, so "
            "loading the module list fails, and with it every bin/magento command.",
            reg->value);
        out.push_back(std::move(d));
    }

    std::optional<HoverResult> hover(const Query& q) const override {
        const auto& reg = q.file.facts.registration;
        if (!reg || !reg->range.touches(q.offset)) return std::nullopt;
        const ModuleInfo* m = q.snapshot.module_by_name(reg->value);
        std::string md =
            fmt::format("**Module `{}`**\n\nMagento finds this module through this file and takes "
                        "its name from `etc/module.xml`; the two must agree.",
                        reg->value);
        if (m)
            md += fmt::format("\n\nLoad order: {} of {}", m->load_order + 1,
                              q.snapshot.modules.size());
        return HoverResult{md, reg->range};
    }

    void definition(const Query& q, std::vector<Location>& out) const override {
        const auto& reg = q.file.facts.registration;
        if (!reg || !reg->range.touches(q.offset)) return;
        for (const auto& m : q.snapshot.modules) {
            if (m.name != reg->value) continue;
            if (const FileEntry* mx = q.snapshot.file(m.dir + "/etc/module.xml");
                mx && mx->facts.module)
                out.push_back({mx->path, mx->facts.module->name.range});
        }
    }
};

} // namespace

const Participant& registration_participant() {
    static const RegistrationParticipant p;
    return p;
}

} // namespace mil
