// Memory for one libssh2 session (libssh2_session_init_ex's allocator hooks). libssh2 allocates
// and frees a buffer for every SSH packet; from the forwarding thread's malloc arena, each free
// of a 32 KiB packet trimmed the heap and the next packet page-faulted it back (a third of the
// tunnel's CPU time in a bulk COPY). Recycling blocks by power-of-two size removes that churn.
// Not thread-safe: a session (with everything allocated through it) is used by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace tunnel {

class PacketPool {
 public:
  PacketPool() = default;
  ~PacketPool();
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  // The hooks; `abstract` points to the PacketPool*, as libssh2 passes it.
  static void* allocate(size_t size, void** abstract);
  static void release(void* block, void** abstract);
  static void* reallocate(void* block, size_t size, void** abstract);

 private:
  static constexpr int kMinShift = 10;  // 1 KiB: smaller blocks go straight to malloc
  static constexpr int kMaxShift = 18;  // 256 KiB: a full packet plus slack; larger ones too
  static constexpr size_t kKeepPerClass = 16;
  std::array<std::vector<void*>, kMaxShift - kMinShift + 1> free_;
};

}  // namespace tunnel
