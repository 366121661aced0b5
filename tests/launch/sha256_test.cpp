// The SHA-256 wrapper (over Nettle) the registry and the program cache use: FIPS 180-4's
// vectors, and OpenSSL's digest for every length around the block and padding boundaries.
#include <openssl/evp.h>

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "isolator/launch/profile_source.h"

namespace {

std::string openssl_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr), 1);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

TEST(Sha256, FipsVectors) {
  using sc::launch::sha256_hex;
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesOpenSslAtEveryLengthUpTo300) {
  std::mt19937 random(42);
  std::string bytes;
  for (size_t length = 0; length <= 300; ++length) {
    EXPECT_EQ(sc::launch::sha256_hex(bytes), openssl_hex(bytes)) << "length " << length;
    bytes += static_cast<char>(random());
  }
}

}  // namespace
