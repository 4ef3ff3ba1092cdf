#include "mil/base/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mil {

namespace {

// The lines of a text, each with its newline (the last one may have none).
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(pos, end - pos));
        pos = end;
    }
    return lines;
}

enum class Op : std::uint8_t { Keep, Remove, Add };

// The edit script from a to b (Myers 1986, forward search keeping each round's frontier).
std::vector<Op> edit_script(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
    const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
    const int max = n + m, off = max + 1;
    std::vector<int> v(2 * static_cast<std::size_t>(max) + 3, 0);
    std::vector<std::vector<int>> trace;
    int found_d = -1;
    // The frontiers kept for the walk back are bounded (16 Mi entries, 64 MiB): past that the
    // middle is reported as removed and added whole, still a correct diff.
    constexpr std::size_t kMaxTrace = std::size_t(1) << 24;
    for (int d = 0; d <= max && found_d < 0; ++d) {
        if ((trace.size() + 1) * v.size() > kMaxTrace) {
            std::vector<Op> whole(static_cast<std::size_t>(n), Op::Remove);
            whole.insert(whole.end(), static_cast<std::size_t>(m), Op::Add);
            return whole;
        }
        trace.push_back(v);
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                             : v[off + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && a[x] == b[y]) {
                ++x;
                ++y;
            }
            v[off + k] = x;
            if (x >= n && y >= m) {
                found_d = d;
                break;
            }
        }
    }
    // Walk back through the frontiers.
    std::vector<Op> ops;
    int x = n, y = m;
    for (int d = found_d; d > 0; --d) {
        const std::vector<int>& pv = trace[d];
        int k = x - y;
        bool down = k == -d || (k != d && pv[off + k - 1] < pv[off + k + 1]);
        int pk = down ? k + 1 : k - 1;
        int px = pv[off + pk], py = px - pk;
        while (x > px + (down ? 0 : 1) && y > py + (down ? 1 : 0)) {
            ops.push_back(Op::Keep);
            --x;
            --y;
        }
        ops.push_back(down ? Op::Add : Op::Remove);
        x = px;
        y = py;
    }
    while (x > 0 && y > 0) {
        ops.push_back(Op::Keep);
        --x;
        --y;
    }
    std::reverse(ops.begin(), ops.end());
    return ops;
}

void add_line(std::string& out, char mark, std::string_view line) {
    out += mark;
    out += line;
    if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

} // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view a_name,
                         std::string_view b_name, int context) {
    if (before == after) return {};
    const auto a = split_lines(before), b = split_lines(after);
    // Lines common to both ends are kept out of the search.
    std::size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    std::vector<std::string_view> mid_a(a.begin() + static_cast<std::ptrdiff_t>(head),
                                        a.end() - static_cast<std::ptrdiff_t>(tail));
    std::vector<std::string_view> mid_b(b.begin() + static_cast<std::ptrdiff_t>(head),
                                        b.end() - static_cast<std::ptrdiff_t>(tail));
    std::vector<Op> ops(head, Op::Keep);
    auto mid = edit_script(mid_a, mid_b);
    ops.insert(ops.end(), mid.begin(), mid.end());
    ops.insert(ops.end(), tail, Op::Keep);

    std::string out = fmt::format("--- {}\n+++ {}\n", a_name, b_name);
    const std::size_t ctx = static_cast<std::size_t>(std::max(context, 0));
    std::size_t i = 0;
    while (i < ops.size()) {
        if (ops[i] == Op::Keep) {
            ++i;
            continue;
        }
        // A hunk: from `ctx` lines before this change to `ctx` lines after the last change
        // that is closer than 2 * ctx kept lines to the next.
        std::size_t start = i >= ctx ? i - ctx : 0;
        std::size_t end = i;
        while (end < ops.size()) {
            if (ops[end] != Op::Keep) {
                ++end;
                continue;
            }
            std::size_t run = end;
            while (run < ops.size() && ops[run] == Op::Keep)
                ++run;
            if (run == ops.size() || run - end > 2 * ctx) {
                end = std::min(ops.size(), end + ctx);
                break;
            }
            end = run;
        }
        // Line numbers where the hunk starts in each text.
        std::size_t la = 0, lb = 0;
        for (std::size_t j = 0; j < start; ++j) {
            if (ops[j] != Op::Add) ++la;
            if (ops[j] != Op::Remove) ++lb;
        }
        std::size_t ca = 0, cb = 0;
        for (std::size_t j = start; j < end; ++j) {
            if (ops[j] != Op::Add) ++ca;
            if (ops[j] != Op::Remove) ++cb;
        }
        out += fmt::format("@@ -{},{} +{},{} @@\n", ca ? la + 1 : la, ca, cb ? lb + 1 : lb, cb);
        std::size_t ia = la, ib = lb;
        for (std::size_t j = start; j < end; ++j) {
            switch (ops[j]) {
            case Op::Keep:
                add_line(out, ' ', a[ia]);
                ++ia;
                ++ib;
                break;
            case Op::Remove:
                add_line(out, '-', a[ia]);
                ++ia;
                break;
            case Op::Add:
                add_line(out, '+', b[ib]);
                ++ib;
                break;
            }
        }
        i = end;
    }
    return out;
}

} // namespace mil
