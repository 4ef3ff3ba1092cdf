// One worker thread that runs queued functions in order: the language server's heavy work
// (completion, the diagnostics of a document) off the main loop, which meanwhile reads
// `$/cancelRequest` and answers the small requests. The functions post their results back to
// the main loop themselves (through a PostHandle). The thread starts with the first post and
// is joined by the destructor after the function in progress; the ones still queued are
// dropped.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace mil {

class Worker {
public:
    Worker() = default;
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker() {
        std::deque<std::function<void()>> dropped;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            dropped.swap(queue_);
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    void post(std::function<void()> fn) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            queue_.push_back(std::move(fn));
            if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        }
        wake_.notify_one();
    }

private:
    void run() {
        for (;;) {
            std::function<void()> fn;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (stopping_) return;
                fn = std::move(queue_.front());
                queue_.pop_front();
            }
            fn(); // catches its own exceptions
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace mil
