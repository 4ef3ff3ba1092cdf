// Shared pieces of the fuzz harnesses (fuzz/harness_*.hpp).
//
// Every harness is a function `void run_<name>(const std::uint8_t* data, std::size_t size)`
// that exercises one part of the server on arbitrary bytes and checks invariants a user
// relies on (ranges inside the text, a reference model agreeing, the server exiting). The
// libFuzzer targets (fuzz/fuzz_*.cpp) call them, and tests/robust replays the regression
// inputs in tests/fixtures/robust/ through the same functions in the normal build.
//
// A broken invariant calls harness_failed(), which each program defines: the fuzz targets
// print and abort (libFuzzer then saves the input), the tests throw.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mil::fuzz {

[[noreturn]] void harness_failed(const std::string& what);

#define MIL_FUZZ_CHECK(cond, what)                                                                 \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::mil::fuzz::harness_failed(std::string(__FILE__) + ":" + std::to_string(__LINE__) +   \
                                        ": " #cond ": " + std::string(what));                      \
    } while (0)

// Reads a fuzz input from the front: small numbers, then the rest as text.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size)
        : data_(reinterpret_cast<const char*>(data)), size_(size) {}

    bool empty() const { return pos_ >= size_; }
    std::uint8_t byte() { return pos_ < size_ ? static_cast<std::uint8_t>(data_[pos_++]) : 0; }
    std::uint16_t u16() {
        std::uint16_t hi = byte();
        return static_cast<std::uint16_t>(hi << 8 | byte());
    }
    // Up to `n` bytes.
    std::string_view take(std::size_t n) {
        n = std::min(n, size_ - std::min(pos_, size_));
        std::string_view s(data_ + pos_, n);
        pos_ += n;
        return s;
    }
    // Everything left.
    std::string_view rest() { return take(size_); }

private:
    const char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// A small deterministic generator (xorshift) for choices derived from one seed byte.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        s_ ^= s_ << 13;
        s_ ^= s_ >> 7;
        s_ ^= s_ << 17;
        return s_;
    }
    std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }

private:
    std::uint64_t s_;
};

inline std::string describe(std::string_view what, std::size_t a, std::size_t b) {
    return std::string(what) + " (" + std::to_string(a) + ", " + std::to_string(b) + ")";
}

} // namespace mil::fuzz
