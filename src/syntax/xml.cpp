#include "mil/syntax/xml.hpp"
#include "mil/base/strings.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace mil {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Name characters: ASCII letters, '_', ':', and every non-ASCII byte (so UTF-8 names of any
// script pass); digits, '-' and '.' after the first character.
struct NameTable {
    bool start[256] = {};
    bool rest[256] = {};
    constexpr NameTable() {
        for (int c = 0; c < 256; ++c) {
            const bool s = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                           c == ':' || c >= 0x80;
            start[c] = s;
            rest[c] = s || (c >= '0' && c <= '9') || c == '-' || c == '.';
        }
    }
};
constexpr NameTable kNames;

inline bool is_name_start(char ch) {
    return kNames.start[static_cast<unsigned char>(ch)];
}
inline bool is_name_char(char ch) {
    return kNames.rest[static_cast<unsigned char>(ch)];
}

bool starts_with_at(std::string_view text, std::size_t i, std::string_view s) {
    return text.size() - i >= s.size() && text.compare(i, s.size(), s) == 0;
}

Offset off(std::size_t v) {
    return static_cast<Offset>(v);
}

enum class EntityStatus { Ok, Unknown, BadCharRef, Malformed };

// Decodes the reference starting at text[i] == '&'. On success appends the replacement to
// `out` and returns the number of bytes consumed; otherwise returns 0 and appends nothing.
std::size_t decode_entity(std::string_view text, std::size_t i, std::string& out,
                          EntityStatus* status = nullptr) {
    constexpr std::size_t kMaxRef = 12; // "&#x10FFFF;" plus slack
    std::size_t semi = npos;
    for (std::size_t k = i + 1; k < text.size() && k <= i + kMaxRef; ++k) {
        const char c = text[k];
        if (c == ';') {
            semi = k;
            break;
        }
        if (!(is_name_char(c) || c == '#')) break;
    }
    if (status) *status = EntityStatus::Malformed;
    if (semi == npos || semi == i + 1) return 0;
    const std::string_view ref = text.substr(i + 1, semi - i - 1);
    const std::size_t consumed = semi - i + 1;
    if (ref[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = ref.size() > 1 && ref[1] == 'x';
        const std::size_t digits_from = hex ? 2 : 1;
        if (ref.size() == digits_from) return 0;
        for (std::size_t k = digits_from; k < ref.size(); ++k) {
            const char c = ref[k];
            std::uint32_t d;
            if (c >= '0' && c <= '9')
                d = static_cast<std::uint32_t>(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return 0;
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10FFFF) break;
        }
        const bool allowed = (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                              (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF));
        if (!allowed) {
            if (status) *status = EntityStatus::BadCharRef;
            return 0;
        }
        append_utf8(out, cp);
        if (status) *status = EntityStatus::Ok;
        return consumed;
    }
    char c = 0;
    if (ref == "amp")
        c = '&';
    else if (ref == "lt")
        c = '<';
    else if (ref == "gt")
        c = '>';
    else if (ref == "quot")
        c = '"';
    else if (ref == "apos")
        c = '\'';
    if (!c) {
        if (status) *status = EntityStatus::Unknown;
        return 0;
    }
    out += c;
    if (status) *status = EntityStatus::Ok;
    return consumed;
}

std::string decode_value(std::string_view raw) {
    if (raw.find('&') == npos) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        if (raw[i] == '&') {
            const std::size_t k = decode_entity(raw, i, out);
            if (k) {
                i += k;
                continue;
            }
        }
        out += raw[i++];
    }
    return out;
}

// Finds the next occurrence of a needle at or after a position. Queries must not move
// backwards for the cache to help; any query is still answered correctly. Keeps repeated
// searches over the same stretch (e.g. many unterminated quotes) linear overall.
class Finder {
public:
    Finder(std::string_view text, std::string_view needle) : text_(text), needle_(needle) {}
    std::size_t next(std::size_t pos) {
        if (valid_ && pos >= from_ && (found_ == npos || found_ >= pos)) return found_;
        from_ = pos;
        found_ = pos > text_.size() ? npos : text_.find(needle_, pos);
        valid_ = true;
        return found_;
    }

private:
    std::string_view text_;
    std::string_view needle_;
    std::size_t from_ = 0;
    std::size_t found_ = npos;
    bool valid_ = false;
};

struct Frame {
    std::uint32_t element = kNoNode;
    bool has_child = false;
    std::string buf; // decoded text so far (only while there is no element child)
    std::size_t first_raw = npos;
    std::size_t last_raw_end = 0;
    std::size_t first_dec = 0;
    std::size_t last_dec_end = 0;

    void significant(std::size_t raw_begin, std::size_t raw_end, std::size_t dec_begin,
                     std::size_t dec_end) {
        if (first_raw == npos) {
            first_raw = raw_begin;
            first_dec = dec_begin;
        }
        last_raw_end = raw_end;
        last_dec_end = dec_end;
    }
};

class XmlParser {
public:
    explicit XmlParser(std::string_view text)
        : text_(text), lt_(text, "<"), gt_(text, ">"), dq_(text, "\""), sq_(text, "'"),
          pi_end_(text, "?>") {}

    XmlDocument run() {
        const std::size_t n = text_.size();
        // Every element has a '<'; most have two (start and end tag).
        const auto lts = static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '<'));
        doc_.elements.reserve(lts / 2 + 1);
        std::size_t i = 0;
        while (i < n) {
            if (text_[i] != '<') {
                i = text_run(i);
                continue;
            }
            const char next = i + 1 < n ? text_[i + 1] : '\0';
            if (next == '/') {
                i = end_tag(i);
            } else if (is_name_start(next)) {
                i = start_tag(i);
            } else if (next == '!' && starts_with_at(text_, i, "<!--")) {
                i = skip_to(i, 4, "-->", XmlMarkupKind::Comment);
            } else if (starts_with_at(text_, i, "<![CDATA[")) {
                i = cdata(i);
            } else if (starts_with_at(text_, i, "<!DOCTYPE")) {
                i = doctype(i);
            } else if (next == '!') {
                i = bang(i);
            } else if (next == '?') {
                i = pi(i);
            } else {
                // A stray '<' (followed by a space, a digit, the end...): plain text.
                add_text_char(i);
                ++i;
            }
        }
        while (!stack_.empty())
            pop(n, n, false);
        return std::move(doc_);
    }

private:
    std::string_view text_;
    XmlDocument doc_;
    std::vector<Frame> stack_;
    // Open elements by name, counted for those at depth kShallow and below only: whether an
    // end tag closes something is answered by a scan of the few frames above that depth
    // and, in a deeper document, a lookup here (deep nesting stays linear, shallow files
    // hash nothing).
    static constexpr std::size_t kShallow = 32;
    std::unordered_map<std::string_view, std::uint32_t> open_count_;
    Finder lt_, gt_, dq_, sq_, pi_end_;

    Frame* text_frame() {
        if (stack_.empty() || stack_.back().has_child) return nullptr;
        return &stack_.back();
    }

    void add_text_char(std::size_t i) {
        if (Frame* f = text_frame()) {
            const std::size_t d = f->buf.size();
            f->buf += text_[i];
            if (!is_ws(text_[i])) f->significant(i, i + 1, d, d + 1);
        }
    }

    // Text up to the next '<'.
    std::size_t text_run(std::size_t i) {
        std::size_t end = lt_.next(i);
        if (end == npos) end = text_.size();
        Frame* f = text_frame();
        if (!f) return end;
        while (i < end) {
            const std::size_t d = f->buf.size();
            if (text_[i] == '&') {
                const std::size_t k = decode_entity(text_, i, f->buf);
                if (k) {
                    f->significant(i, i + k, d, f->buf.size());
                    i += k;
                } else {
                    f->buf += '&';
                    f->significant(i, i + 1, d, d + 1);
                    ++i;
                }
                continue;
            }
            // Up to the next entity: copied whole; significant from its first to its last
            // byte that is not white space.
            const void* amp = std::memchr(text_.data() + i, '&', end - i);
            const std::size_t stop =
                amp ? static_cast<std::size_t>(static_cast<const char*>(amp) - text_.data()) : end;
            f->buf.append(text_, i, stop - i);
            std::size_t first = i;
            while (first < stop && is_ws(text_[first]))
                ++first;
            if (first < stop) {
                std::size_t last = stop;
                while (is_ws(text_[last - 1]))
                    --last;
                f->significant(first, last, d + (first - i), d + (last - i));
            }
            i = stop;
        }
        return end;
    }

    std::size_t skip_to(std::size_t i, std::size_t open_len, std::string_view close,
                        XmlMarkupKind kind) {
        const std::size_t e = text_.find(close, i + open_len);
        const bool terminated = e != npos;
        const std::size_t end = terminated ? e + close.size() : text_.size();
        doc_.markup.push_back({kind, {off(i), off(end)}, terminated});
        return end;
    }

    std::size_t cdata(std::size_t i) {
        const std::size_t cb = i + 9;
        const std::size_t e = text_.find("]]>", cb);
        const bool terminated = e != npos;
        const std::size_t ce = terminated ? e : text_.size();
        const std::size_t end = terminated ? e + 3 : text_.size();
        doc_.markup.push_back({XmlMarkupKind::CData, {off(i), off(end)}, terminated});
        if (Frame* f = text_frame()) {
            const std::string_view content = text_.substr(cb, ce - cb);
            const std::size_t d = f->buf.size();
            f->buf.append(content);
            std::size_t first = npos, last = npos;
            for (std::size_t k = 0; k < content.size(); ++k) {
                if (!is_ws(content[k])) {
                    if (first == npos) first = k;
                    last = k;
                }
            }
            if (first != npos) f->significant(cb + first, cb + last + 1, d + first, d + last + 1);
        }
        return end;
    }

    std::size_t doctype(std::size_t i) {
        const std::size_t n = text_.size();
        int depth = 0;
        char quote = 0;
        for (std::size_t k = i + 9; k < n; ++k) {
            const char c = text_[k];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                ++depth;
            } else if (c == ']') {
                if (depth > 0) --depth;
            } else if (c == '>' && depth == 0) {
                doc_.markup.push_back({XmlMarkupKind::Doctype, {off(i), off(k + 1)}, true});
                return k + 1;
            }
        }
        doc_.markup.push_back({XmlMarkupKind::Doctype, {off(i), off(n)}, false});
        return n;
    }

    // "<!" that is not a comment, CDATA or DOCTYPE: junk up to '>' (or the next '<').
    std::size_t bang(std::size_t i) {
        std::size_t lt = lt_.next(i + 1);
        std::size_t gt = gt_.next(i + 1);
        if (lt == npos) lt = text_.size();
        const bool terminated = gt != npos && gt < lt;
        const std::size_t end = terminated ? gt + 1 : lt;
        doc_.markup.push_back({XmlMarkupKind::Doctype, {off(i), off(end)}, terminated});
        return end;
    }

    std::size_t pi(std::size_t i) {
        const std::size_t e = pi_end_.next(i + 2);
        if (e != npos) {
            doc_.markup.push_back(
                {XmlMarkupKind::ProcessingInstruction, {off(i), off(e + 2)}, true});
            return e + 2;
        }
        std::size_t lt = lt_.next(i + 2);
        if (lt == npos) lt = text_.size();
        doc_.markup.push_back({XmlMarkupKind::ProcessingInstruction, {off(i), off(lt)}, false});
        return lt;
    }

    std::size_t scan_name(std::size_t p) const {
        while (p < text_.size() && is_name_char(text_[p]))
            ++p;
        return p;
    }

    std::size_t skip_space(std::size_t p) const {
        while (p < text_.size() && is_ws(text_[p]))
            ++p;
        return p;
    }

    // Keys of open_count_ point into the text (element names move with the vector).
    std::string_view name_in_text(const XmlElement& e) const {
        return text_.substr(e.name_range.begin, e.name_range.end - e.name_range.begin);
    }

    void finish_text(XmlElement& e, Frame& f) {
        if (!f.has_child && f.first_raw != npos) {
            e.text = f.buf.substr(f.first_dec, f.last_dec_end - f.first_dec);
            e.text_range = {off(f.first_raw), off(f.last_raw_end)};
        } else {
            e.text_range = {e.content.begin, e.content.begin};
        }
    }

    // Closes the top element: its content ends at `content_end`, its range at `range_end`.
    void pop(std::size_t content_end, std::size_t range_end, bool closed) {
        Frame& f = stack_.back();
        XmlElement& e = doc_.elements[f.element];
        e.content.end = off(content_end);
        e.range.end = off(range_end);
        e.closed = closed;
        finish_text(e, f);
        if (stack_.size() > kShallow) {
            auto it = open_count_.find(name_in_text(e));
            if (it != open_count_.end() && it->second > 0) --it->second; // zeros are kept
        }
        stack_.pop_back();
    }

    std::size_t end_tag(std::size_t i) {
        const std::size_t name_begin = i + 2;
        const std::size_t name_end = scan_name(name_begin);
        std::size_t lt = lt_.next(name_end);
        std::size_t gt = gt_.next(name_end);
        if (lt == npos) lt = text_.size();
        const std::size_t end = gt != npos && gt < lt ? gt + 1 : lt;
        const std::string_view name = text_.substr(name_begin, name_end - name_begin);
        bool open = !stack_.empty() && name_in_text(doc_.elements[stack_.back().element]) == name;
        if (!open && !name.empty()) {
            const std::size_t shallow = std::min(stack_.size(), kShallow);
            for (std::size_t k = 0; k < shallow && !open; ++k)
                open = name_in_text(doc_.elements[stack_[k].element]) == name;
            if (!open && stack_.size() > kShallow) {
                auto it = open_count_.find(name);
                open = it != open_count_.end() && it->second > 0;
            }
        }
        if (open) {
            // Close everything opened after the matching element.
            while (doc_.elements[stack_.back().element].name != name)
                pop(i, i, false);
            pop(i, end, true);
        }
        // An end tag that matches nothing is skipped (it is not text either).
        return end;
    }

    std::size_t attr_value(XmlAttribute& a, std::size_t p) {
        const char quote = text_[p];
        const std::size_t vb = p + 1;
        std::size_t lt = lt_.next(vb);
        if (lt == npos) lt = text_.size();
        std::size_t q = (quote == '"' ? dq_ : sq_).next(vb);
        a.has_value = true;
        std::size_t line_end = vb;
        const std::size_t limit = (q != npos && q < lt) ? q : lt;
        while (line_end < limit && text_[line_end] != '\n' && text_[line_end] != '\r')
            ++line_end;
        std::size_t ve;
        if (q != npos && q < lt) {
            // Found a closing quote before any '<'. A value running over a line break and
            // followed by something other than ' ', '>' or '/' was probably never closed:
            // the quote found belongs to the next attribute.
            const bool multiline = line_end < q;
            const bool plausible = q + 1 >= text_.size() || is_ws(text_[q + 1]) ||
                                   text_[q + 1] == '>' || text_[q + 1] == '/';
            if (!multiline || plausible) {
                a.value_range = {off(vb), off(q)};
                a.value = decode_value(text_.substr(vb, q - vb));
                return q + 1;
            }
            ve = line_end;
        } else {
            ve = line_end;
        }
        a.terminated = false;
        a.value_range = {off(vb), off(ve)};
        a.value = decode_value(text_.substr(vb, ve - vb));
        return ve;
    }

    std::size_t start_tag(std::size_t i) {
        const std::size_t n = text_.size();
        const auto idx = static_cast<std::uint32_t>(doc_.elements.size());
        doc_.elements.emplace_back();
        XmlElement& e = doc_.elements.back();
        const std::size_t name_end = scan_name(i + 1);
        e.name.assign(text_.substr(i + 1, name_end - i - 1));
        e.name_range = {off(i + 1), off(name_end)};
        e.range.begin = off(i);
        e.start_tag.begin = off(i);
        e.depth = static_cast<std::uint32_t>(stack_.size());
        if (!stack_.empty()) {
            Frame& top = stack_.back();
            e.parent = top.element;
            doc_.elements[top.element].children.push_back(idx);
            if (!top.has_child) {
                top.has_child = true;
                std::string().swap(top.buf);
            }
        } else if (doc_.root == kNoNode) {
            doc_.root = idx;
        }

        bool terminated = false;
        std::size_t p = name_end;
        while (true) {
            p = skip_space(p);
            if (p >= n) break;
            const char c = text_[p];
            if (c == '>') {
                ++p;
                terminated = true;
                break;
            }
            if (c == '/' && p + 1 < n && text_[p + 1] == '>') {
                p += 2;
                terminated = true;
                e.self_closing = true;
                break;
            }
            if (c == '<') break;
            if (!is_name_char(c)) {
                ++p; // junk inside the tag
                continue;
            }
            XmlAttribute a;
            const std::size_t an = scan_name(p);
            a.name.assign(text_.substr(p, an - p));
            a.name_range = {off(p), off(an)};
            a.value_range = {off(an), off(an)};
            p = an;
            const std::size_t after = skip_space(p);
            if (after < n && text_[after] == '=') {
                p = skip_space(after + 1);
                a.value_range = {off(p), off(p)};
                if (p < n && (text_[p] == '"' || text_[p] == '\'')) {
                    p = attr_value(a, p);
                } else if (p == after + 1 && p < n && text_[p] != '>' && text_[p] != '<' &&
                           text_[p] != '/' && !is_ws(text_[p])) {
                    // Unquoted value: keep it, marked as not terminated.
                    std::size_t ve = p;
                    while (ve < n && !is_ws(text_[ve]) && text_[ve] != '>' && text_[ve] != '<' &&
                           !(text_[ve] == '/' && ve + 1 < n && text_[ve + 1] == '>'))
                        ++ve;
                    a.has_value = true;
                    a.terminated = false;
                    a.value_range = {off(p), off(ve)};
                    a.value = decode_value(text_.substr(p, ve - p));
                    p = ve;
                }
            }
            e.attributes.push_back(std::move(a));
        }
        e.start_tag.end = off(p);
        e.start_tag_terminated = terminated;
        if (terminated && !e.self_closing) {
            e.content = {off(p), off(p)};
            e.range.end = off(p); // set when the element is closed
            if (stack_.size() >= kShallow) ++open_count_[name_in_text(e)];
            Frame f;
            f.element = idx;
            stack_.push_back(std::move(f));
        } else {
            e.content = {off(p), off(p)};
            e.range.end = off(p);
            e.closed = e.self_closing;
            e.text_range = {off(p), off(p)};
        }
        return p;
    }
};

} // namespace

const XmlAttribute* XmlElement::attribute(std::string_view n) const {
    for (const auto& a : attributes)
        if (a.name == n) return &a;
    return nullptr;
}

std::vector<std::uint32_t> XmlDocument::children(std::uint32_t parent,
                                                 std::string_view name) const {
    std::vector<std::uint32_t> out;
    if (parent == kNoNode) {
        for (std::uint32_t i = 0; i < elements.size(); ++i)
            if (elements[i].parent == kNoNode && (name.empty() || elements[i].name == name))
                out.push_back(i);
        return out;
    }
    if (parent >= elements.size()) return out;
    for (std::uint32_t c : elements[parent].children)
        if (name.empty() || elements[c].name == name) out.push_back(c);
    return out;
}

std::vector<std::string> XmlDocument::path(std::uint32_t element) const {
    std::vector<std::string> out;
    for (std::uint32_t e = element; e != kNoNode && e < elements.size(); e = elements[e].parent)
        out.push_back(elements[e].name);
    std::reverse(out.begin(), out.end());
    return out;
}

std::uint32_t XmlDocument::element_at(Offset offset) const {
    // Last element starting at or before `offset`, then up to the first that contains it.
    auto it = std::upper_bound(elements.begin(), elements.end(), offset,
                               [](Offset o, const XmlElement& e) { return o < e.range.begin; });
    if (it == elements.begin()) return kNoNode;
    auto e = static_cast<std::uint32_t>((it - elements.begin()) - 1);
    while (e != kNoNode && !elements[e].range.contains(offset))
        e = elements[e].parent;
    return e;
}

XmlDocument parse_xml(std::string_view text) {
    if (text.size() >= 0xffffffffu) text = text.substr(0, 0xfffffffeu);
    return XmlParser(text).run();
}

// ---------------------------------------------------------------------------------------
// check_well_formed

namespace {

// Byte length of a valid UTF-8 sequence at s[i] that is an XML character, or 0.
std::size_t utf8_seq(std::string_view s, std::size_t i) {
    const std::size_t len = utf8_sequence_length(s, i);
    // U+FFFE and U+FFFF are not XML characters.
    if (len == 3 && static_cast<unsigned char>(s[i]) == 0xEFu &&
        static_cast<unsigned char>(s[i + 1]) == 0xBFu &&
        static_cast<unsigned char>(s[i + 2]) >= 0xBEu)
        return 0;
    return len;
}

std::optional<XmlSyntaxError> check_characters(std::string_view t) {
    for (std::size_t i = 0; i < t.size();) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (c >= 0x20u && c < 0x80u) { // printable ASCII, most of any file
            ++i;
            continue;
        }
        if (c < 0x20u && c != '\t' && c != '\n' && c != '\r')
            return XmlSyntaxError{off(i), "Invalid character"};
        const std::size_t k = utf8_seq(t, i);
        if (!k) return XmlSyntaxError{off(i), "Invalid UTF-8"};
        i += k;
    }
    return std::nullopt;
}

// Checks an '&' at t[i] in text or an attribute value; returns bytes to skip or an error.
std::optional<XmlSyntaxError> check_reference(std::string_view t, std::size_t i, bool has_dtd,
                                              std::size_t& skip) {
    std::string scratch;
    EntityStatus st = EntityStatus::Malformed;
    skip = decode_entity(t, i, scratch, &st);
    if (skip) return std::nullopt;
    skip = 1;
    if (st == EntityStatus::Unknown) {
        if (has_dtd) return std::nullopt; // may be declared in the DTD
        const std::size_t semi = t.find(';', i);
        return XmlSyntaxError{off(i), "Undefined entity '" +
                                          std::string(t.substr(i + 1, semi - i - 1)) + "'"};
    }
    if (st == EntityStatus::BadCharRef)
        return XmlSyntaxError{off(i), "Invalid character reference"};
    return XmlSyntaxError{off(i), "Unescaped '&' (write &amp;)"};
}

// Rules pugixml does not enforce, checked on text pugixml already accepted.
std::optional<XmlSyntaxError> check_strict(std::string_view t) {
    const std::size_t n = t.size();
    std::size_t i = 0;
    if (starts_with_at(t, 0, "\xEF\xBB\xBF")) i = 3;
    const std::size_t doc_start = i;
    std::size_t depth = 0, roots = 0;
    bool has_dtd = false;
    // Attribute names of the current start tag (kept across tags for their capacity).
    std::vector<std::string_view> names;
    std::unordered_set<std::string_view> many;
    auto scan_name = [&](std::size_t p) {
        while (p < n && is_name_char(t[p]))
            ++p;
        return p;
    };
    while (i < n) {
        const char c = t[i];
        if (c != '<') {
            if (depth == 0) {
                if (!is_ws(c)) return XmlSyntaxError{off(i), "Text outside the document element"};
                ++i;
                continue;
            }
            if (c == '&') {
                std::size_t skip = 1;
                if (auto err = check_reference(t, i, has_dtd, skip)) return err;
                i += skip;
                continue;
            }
            if (c == ']' && starts_with_at(t, i, "]]>"))
                return XmlSyntaxError{off(i), "']]>' is not allowed in text"};
            ++i;
            continue;
        }
        if (starts_with_at(t, i, "<!--")) {
            const std::size_t e = t.find("-->", i + 4);
            if (e == npos) return std::nullopt;
            const std::size_t dd = t.substr(i + 4, e - i - 4).find("--");
            if (dd != npos)
                return XmlSyntaxError{off(i + 4 + dd), "'--' is not allowed in a comment"};
            if (e > i + 4 && t[e - 1] == '-')
                return XmlSyntaxError{off(e - 1), "'--' is not allowed in a comment"};
            i = e + 3;
        } else if (starts_with_at(t, i, "<![CDATA[")) {
            const std::size_t e = t.find("]]>", i + 9);
            if (e == npos) return std::nullopt;
            i = e + 3;
        } else if (starts_with_at(t, i, "<!")) {
            if (depth > 0 || roots > 0)
                return XmlSyntaxError{off(i),
                                      "DOCTYPE is only allowed before the document element"};
            has_dtd = true;
            int brackets = 0;
            char quote = 0;
            std::size_t k = i + 2;
            for (; k < n; ++k) {
                const char d = t[k];
                if (quote) {
                    if (d == quote) quote = 0;
                } else if (d == '"' || d == '\'') {
                    quote = d;
                } else if (d == '[') {
                    ++brackets;
                } else if (d == ']') {
                    if (brackets > 0) --brackets;
                } else if (d == '>' && brackets == 0) {
                    break;
                }
            }
            i = k + 1;
        } else if (starts_with_at(t, i, "<?")) {
            const std::size_t e = t.find("?>", i + 2);
            if (e == npos) return std::nullopt;
            const std::size_t ne = scan_name(i + 2);
            std::string target(t.substr(i + 2, ne - i - 2));
            for (char& ch : target)
                if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            if (target == "xml" && i != doc_start)
                return XmlSyntaxError{off(i), "XML declaration is only allowed at the start of the "
                                              "document"};
            i = e + 2;
        } else if (i + 1 < n && t[i + 1] == '/') {
            const std::size_t e = t.find('>', i);
            if (e == npos) return std::nullopt;
            if (depth > 0) --depth;
            i = e + 1;
        } else {
            if (depth == 0 && ++roots == 2) return XmlSyntaxError{off(i), "Multiple root elements"};
            std::size_t p = scan_name(i + 1);
            names.clear();
            if (!many.empty()) many.clear(); // (clear() costs its buckets)
            bool self_closing = false;
            while (p < n) {
                const char d = t[p];
                if (d == '>') {
                    ++p;
                    break;
                }
                if (d == '/' && p + 1 < n && t[p + 1] == '>') {
                    p += 2;
                    self_closing = true;
                    break;
                }
                if (!is_name_start(d)) {
                    ++p;
                    continue;
                }
                const std::size_t an = scan_name(p);
                const std::string_view name = t.substr(p, an - p);
                // Linear search while the tag is small; a set for tags with many attributes.
                const bool dup = many.empty()
                                     ? std::find(names.begin(), names.end(), name) != names.end()
                                     : many.count(name) > 0;
                if (dup)
                    return XmlSyntaxError{off(p),
                                          "Duplicate attribute '" + std::string(name) + "'"};
                names.push_back(name);
                if (!many.empty())
                    many.insert(name);
                else if (names.size() == 16)
                    many.insert(names.begin(), names.end());
                p = an;
                while (p < n && t[p] != '"' && t[p] != '\'')
                    ++p;
                if (p >= n) return std::nullopt;
                const char quote = t[p];
                std::size_t k = p + 1;
                for (; k < n && t[k] != quote;) {
                    if (t[k] == '<')
                        return XmlSyntaxError{off(k), "'<' is not allowed in an attribute value"};
                    if (t[k] == '&') {
                        std::size_t skip = 1;
                        if (auto err = check_reference(t, k, has_dtd, skip)) return err;
                        k += skip;
                        continue;
                    }
                    ++k;
                }
                p = k + 1;
            }
            if (!self_closing) ++depth;
            i = p;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<XmlSyntaxError> check_well_formed(std::string_view text) {
    pugi::xml_document doc;
    const unsigned flags = pugi::parse_default | pugi::parse_declaration | pugi::parse_doctype |
                           pugi::parse_pi | pugi::parse_comments;
    const pugi::xml_parse_result r =
        doc.load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8);
    if (!r) {
        const auto o = static_cast<std::size_t>(std::max<std::ptrdiff_t>(r.offset, 0));
        return XmlSyntaxError{off(std::min(o, text.size())), r.description()};
    }
    if (!doc.document_element())
        return XmlSyntaxError{off(text.size()), "No document element found"};
    auto chars = check_characters(text);
    auto strict = check_strict(text);
    if (chars && strict) return chars->offset <= strict->offset ? chars : strict;
    return chars ? chars : strict;
}

// ---------------------------------------------------------------------------------------
// locate

namespace {

bool inside_element(const XmlElement& e, Offset o) {
    return e.range.begin < o && (o < e.range.end || (o == e.range.end && !e.closed));
}

const XmlMarkup* markup_at(const XmlDocument& doc, Offset o) {
    auto it = std::lower_bound(doc.markup.begin(), doc.markup.end(), o,
                               [](const XmlMarkup& m, Offset v) { return m.range.begin < v; });
    if (it == doc.markup.begin()) return nullptr;
    const XmlMarkup& m = *(it - 1);
    if (o < m.range.end || (o == m.range.end && !m.terminated)) return &m;
    return nullptr;
}

std::uint32_t innermost(const XmlDocument& doc, Offset o) {
    auto it = std::lower_bound(doc.elements.begin(), doc.elements.end(), o,
                               [](const XmlElement& e, Offset v) { return e.range.begin < v; });
    if (it == doc.elements.begin()) return kNoNode;
    auto e = static_cast<std::uint32_t>((it - doc.elements.begin()) - 1);
    while (e != kNoNode && !inside_element(doc.elements[e], o))
        e = doc.elements[e].parent;
    return e;
}

std::string slice(std::string_view text, Offset b, Offset e) {
    if (b > e || e > text.size()) return {};
    return std::string(text.substr(b, e - b));
}

std::size_t name_end_from(std::string_view text, std::size_t p) {
    while (p < text.size() && is_name_char(text[p]))
        ++p;
    return p;
}

void set_token(CursorContext& c, std::string_view text, Range token, Offset o) {
    c.token = token;
    c.prefix = slice(text, token.begin, std::max(token.begin, std::min(o, token.end)));
}

CursorContext in_start_tag(const XmlDocument& doc, std::string_view text, std::uint32_t ei,
                           Offset o) {
    const XmlElement& e = doc.elements[ei];
    CursorContext c;
    c.element = ei;
    c.token = {o, o};
    if (o <= e.name_range.end) {
        c.kind = CursorKind::ElementName;
        c.element = e.parent;
        c.path = doc.path(e.parent);
        set_token(c, text, e.name_range, o);
        return c;
    }
    c.path = doc.path(ei);
    auto all_names = [&](std::size_t skip) {
        for (std::size_t k = 0; k < e.attributes.size(); ++k)
            if (k != skip) c.present_attributes.push_back(e.attributes[k].name);
    };
    for (std::size_t k = 0; k < e.attributes.size(); ++k) {
        const XmlAttribute& a = e.attributes[k];
        if (a.has_value && a.value_range.touches(o)) {
            c.kind = CursorKind::AttributeValue;
            c.attribute = a.name;
            set_token(c, text, a.value_range, o);
            all_names(e.attributes.size());
            return c;
        }
        if (a.name_range.touches(o)) {
            c.kind = CursorKind::AttributeName;
            c.attribute = a.name;
            set_token(c, text, a.name_range, o);
            all_names(k);
            return c;
        }
        // Between a name and its value (around '='): nothing to complete.
        if (a.name_range.end < o && a.has_value && o < a.value_range.begin) return c;
    }
    if (o > 0 && is_ws(text[o - 1])) {
        c.kind = CursorKind::AttributeName;
        set_token(c, text, {o, o}, o);
        all_names(e.attributes.size());
    }
    return c;
}

} // namespace

CursorContext locate(const XmlDocument& doc, std::string_view text, Offset offset) {
    CursorContext c;
    const Offset o = static_cast<Offset>(std::min<std::size_t>(offset, text.size()));
    c.token = {o, o};
    const XmlMarkup* m = markup_at(doc, o);
    if (m && m->kind != XmlMarkupKind::CData) return c;

    const std::uint32_t ei = innermost(doc, o);
    if (ei != kNoNode) {
        const XmlElement& e = doc.elements[ei];
        const bool in_start =
            o > e.start_tag.begin &&
            (o < e.start_tag.end || (o == e.start_tag.end && !e.start_tag_terminated));
        if (in_start && !m) return in_start_tag(doc, text, ei, o);
        c.element = ei;
        c.path = doc.path(ei);
        // In the element's own end tag.
        if (e.closed && !e.self_closing && o > e.content.end) {
            const std::size_t nb = std::size_t(e.content.end) + 2;
            const std::size_t ne = name_end_from(text, std::min(nb, text.size()));
            if (nb <= text.size() && o >= nb && o <= ne) {
                c.kind = CursorKind::EndTagName;
                set_token(c, text, {off(nb), off(ne)}, o);
            }
            return c;
        }
    }

    // Content (or top level): a '<' or '</' just before a (possibly empty) name being typed.
    const Offset floor = ei == kNoNode ? 0 : doc.elements[ei].content.begin;
    if (!m) {
        std::size_t p = o;
        while (p > floor && is_name_char(text[p - 1]))
            --p;
        const Range name{off(p), off(name_end_from(text, o))};
        if (p > floor && text[p - 1] == '<') {
            c.kind = CursorKind::ElementName;
            set_token(c, text, name, o);
            return c;
        }
        if (p >= floor + 2 && text[p - 1] == '/' && text[p - 2] == '<') {
            if (ei == kNoNode) return c;
            c.kind = CursorKind::EndTagName;
            set_token(c, text, name, o);
            return c;
        }
    }
    if (ei == kNoNode) return c;

    const XmlElement& e = doc.elements[ei];
    if (e.children.empty()) {
        c.kind = CursorKind::Text;
        const Range tr = e.text_range;
        set_token(c, text, !tr.empty() && tr.touches(o) ? tr : Range{o, o}, o);
        return c;
    }
    // Mixed content: the text run between the nearest tags, if it is not blank.
    std::size_t b = o, f = o;
    while (b > e.content.begin && text[b - 1] != '>' && text[b - 1] != '<')
        --b;
    while (f < e.content.end && text[f] != '<' && text[f] != '>')
        ++f;
    while (b < f && is_ws(text[b]))
        ++b;
    while (f > b && is_ws(text[f - 1]))
        --f;
    if (b < f && b <= o && o <= f) {
        c.kind = CursorKind::Text;
        set_token(c, text, {off(b), off(f)}, o);
    }
    return c;
}

const PlainAttribute* PlainStartTag::attribute(std::string_view n) const {
    for (const PlainAttribute& a : *attributes)
        if (a.name == n) return &a;
    return nullptr;
}

bool walk_plain(std::string_view text, const std::function<bool(const PlainStartTag&)>& on_start,
                const std::function<bool(std::string_view, std::size_t, Range)>& on_end) {
    if (text.size() > std::numeric_limits<Offset>::max()) return false;
    auto off = [](std::size_t o) { return static_cast<Offset>(o); };
    std::vector<std::string_view> open; // names of the open elements
    std::vector<std::size_t> starts;    // and where each starts
    std::vector<PlainAttribute> attributes;
    bool had_root = false;
    std::size_t p = 0;
    auto find = [&](std::string_view what, std::size_t from) { return text.find(what, from); };
    while ((p = find("<", p)) != std::string_view::npos) {
        const std::string_view rest = text.substr(p);
        if (rest.starts_with("<!--")) {
            const std::size_t end = find("-->", p + 4);
            if (end == std::string_view::npos) return false;
            p = end + 3;
            continue;
        }
        if (rest.starts_with("<![CDATA[")) {
            const std::size_t end = find("]]>", p + 9);
            if (end == std::string_view::npos || open.empty()) return false;
            p = end + 3;
            continue;
        }
        if (rest.starts_with("<?")) {
            const std::size_t end = find("?>", p + 2);
            if (end == std::string_view::npos) return false;
            p = end + 2;
            continue;
        }
        if (rest.starts_with("<!")) return false; // DOCTYPE and the like
        const bool closing = rest.starts_with("</");
        std::size_t q = p + (closing ? 2 : 1);
        const std::size_t name_begin = q;
        while (q < text.size() && is_name_char(text[q]))
            ++q;
        const std::string_view name = text.substr(name_begin, q - name_begin);
        if (name.empty() || q == text.size() ||
            !(is_ws(text[q]) || text[q] == '>' || text[q] == '/'))
            return false;
        if (closing) {
            while (q < text.size() && is_ws(text[q]))
                ++q;
            if (q == text.size() || text[q] != '>' || open.empty() || open.back() != name)
                return false;
            open.pop_back();
            const std::size_t begin = starts.back();
            starts.pop_back();
            if (!on_end(name, open.size(), {off(begin), off(q + 1)})) return false;
            p = q + 1;
            continue;
        }
        // Attributes, each `name="value"` (or single quotes) after white space; values may
        // hold '>' but not '<'.
        attributes.clear();
        bool self_closing = false;
        for (;;) {
            const std::size_t before = q;
            while (q < text.size() && is_ws(text[q]))
                ++q;
            if (q == text.size()) return false;
            if (text[q] == '>') break;
            if (text[q] == '/') {
                if (q + 1 == text.size() || text[q + 1] != '>') return false;
                self_closing = true;
                ++q;
                break;
            }
            if (q == before) return false; // no space before an attribute
            const std::size_t attr = q;
            while (q < text.size() && is_name_char(text[q]))
                ++q;
            if (q == attr) return false;
            const std::size_t attr_end = q;
            while (q < text.size() && is_ws(text[q]))
                ++q;
            if (q == text.size() || text[q] != '=') return false;
            ++q;
            while (q < text.size() && is_ws(text[q]))
                ++q;
            if (q == text.size() || (text[q] != '"' && text[q] != '\'')) return false;
            const std::size_t close = text.find(text[q], q + 1);
            if (close == std::string_view::npos ||
                text.substr(q + 1, close - q - 1).find('<') != std::string_view::npos)
                return false;
            attributes.push_back({text.substr(attr, attr_end - attr),
                                  text.substr(q + 1, close - q - 1),
                                  {off(q + 1), off(close)}});
            q = close + 1;
        }
        const std::size_t begin = p;
        p = q + 1;
        if (open.empty()) {
            if (had_root) return false; // a second top-level element
            had_root = true;
        }
        PlainStartTag tag;
        tag.name = name;
        tag.name_range = {off(name_begin), off(name_begin + name.size())};
        tag.end = off(p);
        tag.self_closing = self_closing;
        tag.open = &open;
        tag.attributes = &attributes;
        if (!on_start(tag)) return false;
        if (self_closing) {
            if (!on_end(name, open.size(), {off(begin), off(p)})) return false;
            continue;
        }
        open.push_back(name);
        starts.push_back(begin);
    }
    return open.empty();
}

namespace {

// scan_plain_texts and scan_plain_attributes: for the elements at `path`, either their texts
// (`attribute` empty) or the value of their first attribute named `attribute`.
std::optional<std::vector<XmlPlainText>> scan_plain(std::string_view text,
                                                    const std::vector<std::string_view>& path,
                                                    std::string_view attribute) {
    std::vector<XmlPlainText> out;
    auto on_start = [&](const PlainStartTag& tag) {
        const std::vector<std::string_view>& open = *tag.open;
        if (open.size() + 1 != path.size() || tag.name != path.back() ||
            !std::equal(open.begin(), open.end(), path.begin()))
            return true;
        if (!attribute.empty()) {
            const PlainAttribute* a = tag.attribute(attribute);
            if (!a) return true;
            if (a->value.find('&') != std::string_view::npos) return false; // decoded
            out.push_back({std::string(a->value), a->value_range});
            return true;
        }
        if (tag.self_closing) return true; // empty: no text
        // The content up to the next '<' must be the whole of it.
        const std::size_t end = text.find('<', tag.end);
        if (end == std::string_view::npos || !text.substr(end).starts_with("</")) return false;
        std::string_view content = text.substr(tag.end, end - tag.end);
        if (content.find('&') != std::string_view::npos) return false;
        std::size_t b = 0, e = content.size();
        while (b < e && is_ws(content[b]))
            ++b;
        while (e > b && is_ws(content[e - 1]))
            --e;
        if (b < e)
            out.push_back({std::string(content.substr(b, e - b)),
                           {static_cast<Offset>(tag.end + b), static_cast<Offset>(tag.end + e)}});
        return true;
    };
    auto on_end = [](std::string_view, std::size_t, Range) { return true; };
    if (!walk_plain(text, on_start, on_end)) return std::nullopt;
    return out;
}

} // namespace

std::optional<std::vector<XmlPlainText>>
scan_plain_texts(std::string_view text, const std::vector<std::string_view>& path) {
    return scan_plain(text, path, {});
}

std::optional<std::vector<XmlPlainText>>
scan_plain_attributes(std::string_view text, const std::vector<std::string_view>& path,
                      std::string_view attribute) {
    return scan_plain(text, path, attribute);
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        case '\n':
            out += "&#10;";
            break;
        case '\r':
            out += "&#13;";
            break;
        case '\t':
            out += "&#9;";
            break;
        default:
            if (u < 0x20)
                out += "\xEF\xBF\xBD"; // not allowed in XML 1.0 at all
            else
                out += c;
        }
    }
    return out;
}

} // namespace mil
