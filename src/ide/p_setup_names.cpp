// Setup classes Magento never runs: a file that calls processIntegrationConfig() under a name
// that is not (exactly) one of the legacy setup classes, or outside the module's Setup/.
#include "participants.hpp"

#include <fmt/format.h>

namespace mil {

namespace {

class SetupNamesParticipant final : public Participant {
public:
    const char* name() const override { return "setup-names"; }
    bool serves(FileKind kind) const override {
        return kind == FileKind::SetupPhp || kind == FileKind::Php;
    }

    // A PHP file outside Setup/ named like a setup class: its calls, as the setup
    // participant reads them in Setup/ (never counted as creating an integration).
    void index(const FileEntry& entry, FileFacts& facts) const override {
        if (entry.kind == FileKind::Php && misnamed_setup_script(entry.path))
            index_setup_calls(entry, facts);
    }

    void diagnose(const Query& q, std::vector<Diagnostic>& out) const override {
        if (q.file.facts.setup_calls.empty()) return;
        auto wrong = misnamed_setup_script(q.file.path);
        if (!wrong) return;
        const std::string_view file = [&] {
            std::string_view p = q.file.path;
            return p.substr(p.rfind('/') + 1);
        }();
        // Magento\Setup\Model\Installer::getSchemaDataHandler (outside the corpus) builds the
        // class name from the module's name, `<Vendor>\<Module>\Setup\InstallData` and the
        // like, and runs it only if class_exists() autoloads it: Composer's PSR-4 loader maps
        // it to Setup/InstallData.php, a file name that is case-sensitive on Linux.
        Diagnostic d;
        d.range = q.file.facts.setup_calls.front().call_range;
        d.severity = Severity::Warning;
        d.code = "setup-script-not-run";
        if (wrong->outside_setup)
            d.message = fmt::format(
                "Magento never runs this file: setup:upgrade looks for the class "
                "<Vendor>\\<Module>\\Setup\\{0}, which the autoloader finds only in the module's "
                "Setup/{0}.php, and {1} is not in Setup/, so this processIntegrationConfig() "
                "call never creates the integration.",
                wrong->expected, file);
        else
            d.message = fmt::format(
                "Magento never runs Setup/{1}: setup:upgrade runs only the setup classes "
                "InstallSchema, UpgradeSchema, Recurring, InstallData, UpgradeData and "
                "RecurringData (and patches under Setup/Patch/), each autoloaded from the file "
                "of its exact name, and file names are case-sensitive on Linux. Name the file "
                "and its class {0} (Setup/{0}.php), or better, declare the integration in "
                "etc/integration.xml, which needs no setup script.",
                wrong->expected, file);
        out.push_back(std::move(d));
    }
};

} // namespace

const Participant& setup_names_participant() {
    static const SetupNamesParticipant p;
    return p;
}

} // namespace mil
