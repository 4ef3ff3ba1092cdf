// One severity parser for every front end (LSP settings, the check settings file).
#include "mil/model/rules.hpp"

#include <catch2/catch.hpp>

using mil::parse_severity_setting;
using mil::Severity;

TEST_CASE("severity words of the settings", "[settings]") {
    std::optional<Severity> sev;
    CHECK(parse_severity_setting("error", &sev));
    CHECK(sev == Severity::Error);
    CHECK(parse_severity_setting("warning", &sev));
    CHECK(sev == Severity::Warning);
    CHECK(parse_severity_setting("info", &sev));
    CHECK(sev == Severity::Info);
    sev.reset();
    CHECK(parse_severity_setting("information", &sev));
    CHECK(sev == Severity::Info);
    CHECK(parse_severity_setting("hint", &sev));
    CHECK(sev == Severity::Hint);
    CHECK(parse_severity_setting("off", &sev));
    CHECK_FALSE(sev);
    sev = Severity::Error;
    CHECK(parse_severity_setting("none", &sev));
    CHECK_FALSE(sev);
    sev = Severity::Warning;
    CHECK_FALSE(parse_severity_setting("Error", &sev)); // the words are lower case
    CHECK_FALSE(parse_severity_setting("fatal", &sev));
    CHECK(sev == Severity::Warning); // untouched
}
