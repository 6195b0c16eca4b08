#include "http/reusable_answers.hpp"

#include <mutex>
#include <utility>

namespace antt::http {

std::shared_ptr<const ReusableAnswers::Answer> ReusableAnswers::find(std::string_view target,
                                                                     std::uint64_t generation) {
  Shard& shard = shard_for(target);
  {
    // Shared: I/O threads looking up answers never wait for each other, even when one of them
    // is preempted while it holds the lock.
    std::shared_lock lock(shard.mutex);
    if (generation == shard.generation) {
      auto found = shard.answers.find(target);
      return found == shard.answers.end() ? nullptr : found->second;
    }
    if (generation < shard.generation) return nullptr;
  }
  Shard::Answers older;  // freed after the lock is let go
  std::lock_guard lock(shard.mutex);
  if (generation > shard.generation) older = shard.reset(generation);
  return nullptr;
}

void ReusableAnswers::keep(std::string_view target, std::shared_ptr<const Answer> answer, std::uint64_t generation) {
  if (answer->bytes > shard_max_bytes_) return;
  Shard& shard = shard_for(target);
  Shard::Answers older;  // freed after the lock is let go
  std::lock_guard lock(shard.mutex);
  if (generation > shard.generation) older = shard.reset(generation);
  if (generation != shard.generation) return;
  auto [slot, inserted] = shard.answers.try_emplace(std::string(target), answer);
  if (!inserted) return;  // another thread kept the same answer first
  shard.bytes += answer->bytes;
  shard.order.push_back(&slot->first);
  while (shard.bytes > shard_max_bytes_ && !shard.order.empty()) {
    auto oldest = shard.answers.find(*shard.order.front());
    shard.order.pop_front();
    shard.bytes -= oldest->second->bytes;
    shard.answers.erase(oldest);
  }
}

ReusableAnswers::Shard::Answers ReusableAnswers::Shard::reset(std::uint64_t newer) {
  order.clear();
  bytes = 0;
  generation = newer;
  return std::exchange(answers, Answers{});
}

}  // namespace antt::http
