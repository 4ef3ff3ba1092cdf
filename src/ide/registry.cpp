#include "participants.hpp"

namespace mil {

const std::vector<const Participant*>& participants() {
    static const std::vector<const Participant*> all = {
        &xml_syntax_participant(),   &schema_participant(),        &module_participant(),
        &acl_participant(),          &integration_participant(),   &webapi_participant(),
        &menu_participant(),         &system_participant(),        &ui_component_participant(),
        &acl_complete_participant(), &symbols_participant(),       &integration_names_participant(),
        &php_acl_participant(),      &registration_participant(),  &composer_participant(),
        &setup_participant(),        &php_constants_participant(), &deployment_config_participant(),
        &setup_names_participant(),
    };
    return all;
}

bool is_xml_kind(FileKind k) {
    switch (k) {
    case FileKind::Integration:
    case FileKind::IntegrationConfig:
    case FileKind::IntegrationApi:
    case FileKind::Acl:
    case FileKind::ModuleXml:
    case FileKind::Webapi:
    case FileKind::Menu:
    case FileKind::System:
    case FileKind::UiComponent:
        return true;
    default:
        return false;
    }
}

} // namespace mil
