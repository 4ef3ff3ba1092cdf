// Cancellation of long work: a flag set by whoever asked for the work (the server, when the
// client sends $/cancelRequest) and polled by the work itself, from any thread. No OS calls.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>

namespace mil {

// Thrown by work that saw its token cancelled. The server answers the request with
// RequestCancelled (-32800).
struct Cancelled : std::exception {
    const char* what() const noexcept override { return "cancelled"; }
};

// Tells running work that it is no longer wanted. Cheap to copy; may be polled from any
// thread. A default token is never cancelled.
class CancelToken {
public:
    CancelToken() = default;
    explicit CancelToken(std::shared_ptr<const std::atomic<bool>> flag,
                         std::shared_ptr<std::atomic<std::uint64_t>> polls = nullptr)
        : flag_(std::move(flag)), polls_(std::move(polls)) {}

    bool cancelled() const { return flag_ && flag_->load(std::memory_order_relaxed); }
    // Throws Cancelled when cancelled.
    void throw_if_cancelled() const {
        if (polls_) polls_->fetch_add(1, std::memory_order_relaxed);
        if (cancelled()) throw Cancelled{};
    }

private:
    std::shared_ptr<const std::atomic<bool>> flag_;
    std::shared_ptr<std::atomic<std::uint64_t>> polls_; // counts throw_if_cancelled() calls
};

// Owns a flag and hands out its tokens; counts how often the work looked at it (so that a
// test can tell that work checks inside its loops, and stops at the first check once
// cancelled).
class CancelSource {
public:
    void cancel() { flag_->store(true, std::memory_order_relaxed); }
    CancelToken token() const { return CancelToken(flag_, polls_); }
    std::uint64_t polls() const { return polls_->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<std::uint64_t>> polls_ =
        std::make_shared<std::atomic<std::uint64_t>>(0);
};

// A token's check inside a loop: tick() once per iteration looks at the flag every kEvery
// iterations (and on the first) and throws Cancelled when it is set.
class CancelCheck {
public:
    static constexpr std::uint32_t kEvery = 256;
    explicit CancelCheck(const CancelToken& token) : token_(token) {}

    void tick() {
        if (ticks_++ % kEvery == 0) token_.throw_if_cancelled();
    }

private:
    const CancelToken& token_;
    std::uint64_t ticks_ = 0;
};

} // namespace mil
