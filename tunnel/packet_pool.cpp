#include "tunnel/packet_pool.hpp"

#include <cstdlib>
#include <cstring>

namespace tunnel {
namespace {

// Each block starts with its capacity; the caller's memory follows, 16-byte aligned like malloc's.
constexpr size_t kHeader = 16;

size_t capacity_of(void* block) {
  size_t capacity = 0;
  std::memcpy(&capacity, static_cast<char*>(block) - kHeader, sizeof capacity);
  return capacity;
}

void* raw_allocate(size_t capacity) {
  auto* raw = static_cast<char*>(std::malloc(capacity + kHeader));
  if (!raw) return nullptr;
  std::memcpy(raw, &capacity, sizeof capacity);
  return raw + kHeader;
}

// The power of two a size rounds up to, or -1 outside the pooled range.
int shift_for(size_t size, int min_shift, int max_shift) {
  for (int shift = min_shift; shift <= max_shift; ++shift) {
    if (size <= (size_t{1} << shift)) return shift;
  }
  return -1;
}

}  // namespace

PacketPool::~PacketPool() {
  for (auto& list : free_) {
    for (void* block : list) std::free(static_cast<char*>(block) - kHeader);
  }
}

void* PacketPool::allocate(size_t size, void** abstract) {
  auto* pool = static_cast<PacketPool*>(*abstract);
  int shift = size < (size_t{1} << kMinShift) ? -1 : shift_for(size, kMinShift, kMaxShift);
  if (shift < 0) return raw_allocate(size);
  auto& list = pool->free_[shift - kMinShift];
  if (list.empty()) return raw_allocate(size_t{1} << shift);
  void* block = list.back();
  list.pop_back();
  return block;
}

void PacketPool::release(void* block, void** abstract) {
  if (!block) return;
  auto* pool = static_cast<PacketPool*>(*abstract);
  size_t capacity = capacity_of(block);
  int shift = shift_for(capacity, kMinShift, kMaxShift);
  if (shift >= 0 && capacity == (size_t{1} << shift)) {
    auto& list = pool->free_[shift - kMinShift];
    if (list.size() < kKeepPerClass) {
      list.push_back(block);
      return;
    }
  }
  std::free(static_cast<char*>(block) - kHeader);
}

void* PacketPool::reallocate(void* block, size_t size, void** abstract) {
  if (!block) return allocate(size, abstract);
  size_t capacity = capacity_of(block);
  if (size <= capacity) return block;
  void* bigger = allocate(size, abstract);
  if (!bigger) return nullptr;
  std::memcpy(bigger, block, capacity);
  release(block, abstract);
  return bigger;
}

}  // namespace tunnel
