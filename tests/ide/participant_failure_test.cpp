// A participant that throws is reported with its name, the file and what failed, and counted.
#include "mil/ide/entry.hpp"
#include "mil/ide/participant.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

namespace {

struct Throwing : mil::Participant {
    const char* name() const override { return "throwing"; }
    bool serves(mil::FileKind) const override { return true; }
};

std::string g_seen;

} // namespace

TEST_CASE("participant failure: the sink gets the participant, the file and the message") {
    g_seen.clear();
    mil::set_participant_failure_sink(
        [](std::string_view participant, std::string_view path, std::string_view what) {
            g_seen = std::string(participant) + "|" + std::string(path) + "|" + std::string(what);
        });
    const std::size_t before = mil::participant_failures();
    Throwing p;
    try {
        throw std::runtime_error("bad offset 12");
    } catch (...) {
        mil::report_participant_failure(p, "/m/etc/acl.xml");
    }
    CHECK(g_seen == "throwing|/m/etc/acl.xml|bad offset 12");
    CHECK(mil::participant_failures() == before + 1);

    // Not an std::exception: still reported.
    try {
        throw 42;
    } catch (...) {
        mil::report_participant_failure(p, "/m/etc/module.xml");
    }
    CHECK(g_seen == "throwing|/m/etc/module.xml|unknown exception");
    mil::set_participant_failure_sink(nullptr);
}
