// The participants, one per file kind (internal to the core; see mil/participant.hpp).
#pragma once

#include "mil/ide/participant.hpp"
#include "mil/syntax/xml.hpp"

namespace mil {

const Participant& xml_syntax_participant();
const Participant& acl_participant();
const Participant& module_participant();
const Participant& integration_participant();
const Participant& schema_participant();
const Participant& webapi_participant();
const Participant& menu_participant();
const Participant& system_participant();
const Participant& ui_component_participant();
const Participant& acl_complete_participant();
const Participant& symbols_participant();
const Participant& integration_names_participant();
const Participant& php_acl_participant();
const Participant& registration_participant();
const Participant& composer_participant();
const Participant& setup_participant();
const Participant& php_constants_participant();
const Participant& deployment_config_participant();
const Participant& setup_names_participant();

// Small helpers over the tolerant XML tree shared by the participants.
inline TextValue attr_value(const XmlElement& e, std::string_view name) {
    if (const XmlAttribute* a = e.attribute(name)) return {a->value, a->value_range};
    return {};
}
inline TextValue text_value(const XmlElement& e) {
    return {e.text, e.text_range};
}
inline bool has_attr(const XmlElement& e, std::string_view name) {
    return e.attribute(name) != nullptr;
}

bool is_xml_kind(FileKind k);

// Whether a module is one of Magento's own packages (vendor/magento/..., or app/code/Magento
// in a git checkout), not any module that merely names itself Magento_*.
inline bool magento_own_module(const ModuleInfo& m) {
    if (m.name.rfind("Magento_", 0) != 0) return false;
    const std::string dir = "/" + m.dir + "/";
    return dir.find("/vendor/magento/") != std::string::npos ||
           dir.find("/app/code/Magento/") != std::string::npos;
}

// The processIntegrationConfig() calls of a PHP file, into its facts.
void index_setup_calls(const FileEntry& entry, FileFacts& facts);

// The processIntegrationConfig() calls of a setup script, with `Class::NAME` names that the
// file alone could not resolve looked up among the string constants of the other PHP files
// of its module in the snapshot (by qualified class name, else by a unique short name).
std::vector<SetupCall> resolve_setup_calls(const Snapshot& snapshot, const FileEntry& file);

} // namespace mil
