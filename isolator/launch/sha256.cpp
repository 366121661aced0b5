#include "isolator/launch/sha256.h"

#include <nettle/sha2.h>

namespace sc::launch {

std::array<uint8_t, 32> sha256(const void* data, size_t size) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, size, static_cast<const uint8_t*>(data));
  std::array<uint8_t, 32> digest{};
  sha256_digest(&ctx, digest.size(), digest.data());
  return digest;
}

}  // namespace sc::launch
