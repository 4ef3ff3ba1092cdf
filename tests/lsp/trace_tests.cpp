// The trace of a session (--trace FILE): a short session through the in-memory harness
// writes Chrome trace events that load as JSON, whose spans nest on every thread and name
// the steps of a start; without a trace nothing is recorded.
#include "lsp_harness.hpp"

#include "mil/base/trace.hpp"
#include "platform/trace_file.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

using namespace mil;
using namespace mil::test;

namespace {

json load_trace(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    json t = json::parse(in, nullptr, false);
    REQUIRE(t.is_object());
    REQUIRE(t["traceEvents"].is_array());
    return t;
}

struct SpanTimes {
    std::string name;
    double begin, end; // microseconds
};

// The "X" events of each thread.
std::map<long long, std::vector<SpanTimes>> spans_by_thread(const json& trace) {
    std::map<long long, std::vector<SpanTimes>> out;
    for (const auto& e : trace["traceEvents"]) {
        REQUIRE(e["ph"].is_string());
        REQUIRE(e["pid"].is_number_integer());
        REQUIRE(e["tid"].is_number_integer());
        REQUIRE(e["name"].is_string());
        if (e["ph"] != "X") continue;
        REQUIRE(e["ts"].is_number());
        REQUIRE(e["dur"].is_number());
        const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
        CHECK(dur >= 0);
        out[e["tid"].get<long long>()].push_back({e["name"].get<std::string>(), ts, ts + dur});
    }
    return out;
}

// A span that overlaps another on its thread lies inside it; returns the first that does
// not ("" when all nest).
std::string first_bad_nesting(std::vector<SpanTimes> spans) {
    constexpr double kSlack = 0.0015; // ts and dur are written in exact nanoseconds
    std::sort(spans.begin(), spans.end(), [](const SpanTimes& a, const SpanTimes& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<const SpanTimes*> open;
    for (const auto& s : spans) {
        while (!open.empty() && open.back()->end <= s.begin + kSlack)
            open.pop_back();
        if (!open.empty() && s.end > open.back()->end + kSlack)
            return s.name + " overlaps " + open.back()->name;
        open.push_back(&s);
    }
    return "";
}

// Whether some span named `inner` lies inside a span named `outer` on the same thread.
bool nested_somewhere(const std::map<long long, std::vector<SpanTimes>>& threads,
                      const std::string& outer, const std::string& inner) {
    for (const auto& [tid, spans] : threads)
        for (const auto& o : spans)
            if (o.name == outer)
                for (const auto& i : spans)
                    if (i.name == inner && i.begin >= o.begin && i.end <= o.end) return true;
    return false;
}

} // namespace

TEST_CASE("a session's trace loads as Chrome trace events whose spans nest per thread") {
    TempCopy tree(example_dir());
    TempCopy out;
    const std::string path = out.path("session.trace.json");
    ServerOptions options = LspClient::fast_options();
    options.trace_path = path;
    {
        LspClient c(options);
        CHECK(trace::enabled());
        c.initialize(tree.root(), {{"window", {{"workDoneProgress", true}}}});
        c.wait_notification("$/progress",
                            [](const json& p) { return p["value"].value("kind", "") == "end"; });
        const std::string uri = tree.uri(kExampleIntegration);
        const std::string text = tree.read(kExampleIntegration);
        c.open(uri, text);
        c.wait_diagnostics(uri);
        c.result("textDocument/hover",
                 {{"textDocument", {{"uri", uri}}},
                  {"position", position_after(text, "<resource name=\"Magento_")}});
        c.result("shutdown");
        // Flushed on shutdown: a client may kill the server after it.
        json at_shutdown = load_trace(path);
        CHECK(at_shutdown["traceEvents"].size() > 10);
        c.notify("exit");
        CHECK(c.exit_code() == 0);
    }
    // Written again when the server goes, and the recorder is removed.
    CHECK_FALSE(trace::enabled());
    json t = load_trace(path);
    CHECK(t["otherData"]["dropped_events"] == 0);

    std::set<std::string> names, thread_names, waits;
    for (const auto& e : t["traceEvents"]) {
        names.insert(e["name"].get<std::string>());
        if (e["ph"] == "M" && e["name"] == "thread_name")
            thread_names.insert(e["args"]["name"].get<std::string>());
        if (e["ph"] == "b") {
            CHECK(e["cat"] == "queue");
            waits.insert(e["name"].get<std::string>());
        }
    }
    for (const char* expected : {"process start",
                                 "initialize",
                                 "warm up",
                                 "initialized",
                                 "start indexing",
                                 "progress begin",
                                 "thread start",
                                 "index",
                                 "discovery",
                                 "module",
                                 "read",
                                 "parse",
                                 "catalogue",
                                 "merge",
                                 "snapshot publish",
                                 "progress end",
                                 "textDocument/hover",
                                 "receive",
                                 "write",
                                 "shutdown"}) {
        INFO(expected);
        CHECK(names.count(expected));
    }
    CHECK(thread_names.count("main loop"));
    CHECK(thread_names.count("reader"));
    CHECK(thread_names.count("index"));
    CHECK(thread_names.count("index worker"));
    CHECK(waits.count("queued initialize"));
    CHECK(waits.count("queued textDocument/hover"));

    const auto threads = spans_by_thread(t);
    for (const auto& [tid, spans] : threads) {
        INFO("thread " << tid);
        CHECK(first_bad_nesting(spans) == "");
    }
    // Children inside their parents: a module's files, the index's merge, a request's write.
    CHECK(nested_somewhere(threads, "module", "read"));
    CHECK(nested_somewhere(threads, "module", "parse"));
    CHECK(nested_somewhere(threads, "index", "merge"));
    CHECK(nested_somewhere(threads, "textDocument/hover", "write"));
    CHECK(nested_somewhere(threads, "initialized", "start indexing"));
}

TEST_CASE("a session without a trace records nothing and writes no file") {
    TempCopy tree(example_dir());
    const auto before = std::distance(std::filesystem::directory_iterator(tree.root()),
                                      std::filesystem::directory_iterator());
    LspClient c;
    CHECK_FALSE(trace::enabled());
    c.initialize(tree.root(), {{"window", {{"workDoneProgress", true}}}});
    c.wait_notification("$/progress",
                        [](const json& p) { return p["value"].value("kind", "") == "end"; });
    CHECK_FALSE(trace::enabled());
    c.result("shutdown");
    c.notify("exit");
    CHECK(c.exit_code() == 0);
    CHECK(std::distance(std::filesystem::directory_iterator(tree.root()),
                        std::filesystem::directory_iterator()) == before);
}

TEST_CASE("a trace keeps a bounded number of events and says how many it dropped") {
    TempCopy out;
    const std::string path = out.path("bounded.json");
    std::string error;
    REQUIRE(start_trace(path, trace::Clock::now(), &error, 1000));
    for (std::size_t i = 0; i < 1007; ++i)
        trace::Span span("tick");
    stop_trace();
    CHECK_FALSE(trace::enabled());
    json t = load_trace(path);
    CHECK(t["otherData"]["events"] == 1000);
    CHECK(t["otherData"]["max_events"] == 1000);
    CHECK(t["otherData"]["dropped_events"] == 7);
    // A path that cannot be created is refused at once.
    CHECK_FALSE(start_trace(out.path("no/such/folder/t.json"), trace::Clock::now(), &error));
    CHECK_FALSE(error.empty());
    CHECK_FALSE(trace::enabled());
}
