#include "cli/baseline.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unordered_map>

namespace mil {

namespace {

using ojson = nlohmann::ordered_json;
constexpr int kBaselineVersion = 1;

} // namespace

std::string baseline_text(const std::vector<CheckFinding>& findings) {
    ojson entries = ojson::array();
    for (const CheckFinding& f : findings)
        entries.push_back({{"fingerprint", f.fingerprint},
                           {"code", to_valid_utf8(f.code)},
                           {"path", to_valid_utf8(f.path)},
                           {"message", to_valid_utf8(f.message)}});
    ojson doc = {{"version", kBaselineVersion},
                 {"tool", "magento-integration-ls"},
                 {"comment", "Findings accepted for now: `check` does not report them. Made by "
                             "`check --generate-baseline`; regenerate it when they are fixed."},
                 {"findings", std::move(entries)}};
    return doc.dump(2) + "\n";
}

std::optional<Baseline> parse_baseline(std::string_view text, std::string* error) {
    auto fail = [&](std::string message) -> std::optional<Baseline> {
        if (error) *error = std::move(message);
        return std::nullopt;
    };
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        return fail(fmt::format("not JSON (at byte {})", e.byte));
    }
    if (!doc.is_object()) return fail("not a JSON object");
    auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer() || *version != kBaselineVersion)
        return fail(fmt::format("\"version\" must be {}", kBaselineVersion));
    auto findings = doc.find("findings");
    if (findings == doc.end() || !findings->is_array())
        return fail("\"findings\" must be an array");
    Baseline b;
    b.entries.reserve(findings->size());
    std::size_t i = 0;
    for (const auto& item : *findings) {
        auto fp = item.is_object() ? item.find("fingerprint") : item.end();
        if (!item.is_object() || fp == item.end() || !fp->is_string())
            return fail(fmt::format("findings[{}] has no \"fingerprint\" string", i));
        BaselineEntry e;
        e.fingerprint = fp->get<std::string>();
        auto text_of = [&](const char* key) {
            auto it = item.find(key);
            return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        e.code = text_of("code");
        e.path = text_of("path");
        e.message = text_of("message");
        b.entries.push_back(std::move(e));
        ++i;
    }
    return b;
}

BaselineOutcome apply_baseline(const Baseline& baseline, std::vector<CheckFinding>& findings) {
    // How many findings each fingerprint may still hold back, and which entry it came from.
    std::unordered_map<std::string_view, std::vector<std::size_t>> open;
    for (std::size_t i = 0; i < baseline.entries.size(); ++i)
        open[baseline.entries[i].fingerprint].push_back(i);
    std::vector<bool> used(baseline.entries.size(), false);
    BaselineOutcome out;
    std::vector<CheckFinding> kept;
    kept.reserve(findings.size());
    for (CheckFinding& f : findings) {
        auto it = open.find(f.fingerprint);
        if (it != open.end() && !it->second.empty()) {
            used[it->second.back()] = true;
            it->second.pop_back();
            ++out.suppressed;
            continue;
        }
        kept.push_back(std::move(f));
    }
    findings = std::move(kept);
    for (std::size_t i = 0; i < baseline.entries.size(); ++i)
        if (!used[i]) out.unmatched.push_back(baseline.entries[i]);
    return out;
}

} // namespace mil
