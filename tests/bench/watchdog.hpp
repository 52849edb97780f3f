// Bounds a phase of the benchmark as a whole. Reads from the server have their own deadlines, but a
// libpq call blocks without one: should the database stall, this ends the run with a clear message
// instead of hanging.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace bench {

class Watchdog {
 public:
  Watchdog(std::string phase, std::chrono::seconds limit)
      : phase_(std::move(phase)), thread_([this, limit] { watch(limit); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    finished_.notify_one();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  void watch(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    if (finished_.wait_for(lock, limit, [this] { return done_; })) return;
    std::fprintf(stderr, "fam_bench: error: %s did not finish within %lld s; giving up\n", phase_.c_str(),
                 static_cast<long long>(limit.count()));
    std::_Exit(1);  // children see their stdin close and exit on their own
  }

  std::string phase_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;
  std::thread thread_;  // last: it starts watching once the rest is built
};

}  // namespace bench
