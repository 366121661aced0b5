#include "audit/sources/kernel_lost_reader.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "audit/sources/audit_netlink.h"

namespace sc::audit {

struct KernelLostReader::Shared {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool done = false;
  bool requested = true;  // the first reading, at start
  uint64_t reads = 0;
  std::optional<uint32_t> latest;
};

KernelLostReader::KernelLostReader(std::chrono::milliseconds spacing) : shared_(std::make_shared<Shared>()) {
  std::thread([s = shared_, spacing] {
    std::unique_lock lock(s->mu);
    for (;;) {
      s->cv.wait(lock, [&] { return s->stop || s->requested; });
      if (s->stop) break;
      s->requested = false;
      lock.unlock();
      std::optional<uint32_t> lost = audit_kernel_lost();  // may sleep in the kernel, see the header
      lock.lock();
      if (lost) {
        s->latest = lost;
        ++s->reads;
        s->cv.notify_all();
      }
      if (s->cv.wait_for(lock, spacing, [&] { return s->stop; })) break;
    }
    s->done = true;
    s->cv.notify_all();
  }).detach();
}

KernelLostReader::~KernelLostReader() {
  std::unique_lock lock(shared_->mu);
  shared_->stop = true;
  shared_->cv.notify_all();
  shared_->cv.wait_for(lock, std::chrono::seconds(1), [&] { return shared_->done; });
}

void KernelLostReader::request() {
  std::lock_guard lock(shared_->mu);
  shared_->requested = true;
  shared_->cv.notify_all();
}

std::optional<uint32_t> KernelLostReader::latest() const {
  std::lock_guard lock(shared_->mu);
  return shared_->latest;
}

uint64_t KernelLostReader::reads() const {
  std::lock_guard lock(shared_->mu);
  return shared_->reads;
}

bool KernelLostReader::wait_first(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(shared_->mu);
  return shared_->cv.wait_for(lock, timeout, [&] { return shared_->reads > 0 || shared_->done; }) &&
         shared_->reads > 0;
}

}  // namespace sc::audit
