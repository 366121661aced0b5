// SHA-256 (FIPS 180-4), the one implementation: the profile digests the registry records,
// the program cache's keys and checksums, refine's and the runtimes' profile digests. From GNU Nettle (Debian's libnettle8, already on every Debian system as a
// dependency of apt's TLS stack) rather than OpenSSL: merely loading libcrypto (relocating
// it and running its initialisers) cost every `launch` 5-7 ms of CPU on our VMs, more than
// the rest of the parent's work on a cache hit; Nettle is small and has no initialisers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sc::common {

std::array<uint8_t, 32> sha256(const void* data, size_t size);
// Lower-case hex of the digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace sc::common
