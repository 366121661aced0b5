#include "common/sha256.h"

#include <nettle/sha2.h>

namespace sc::common {

std::array<uint8_t, 32> sha256(const void* data, size_t size) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, size, static_cast<const uint8_t*>(data));
  std::array<uint8_t, 32> digest{};
  sha256_digest(&ctx, digest.size(), digest.data());
  return digest;
}

std::string sha256_hex(std::string_view bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : sha256(bytes.data(), bytes.size())) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

}  // namespace sc::common
