// Our SHA-1 against FIPS 180 / RFC 3174 test vectors, and against OpenSSL's for every length across block edges.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdio>
#include <string>

#include "wire/sha1.hpp"

namespace wsl {
namespace {

std::string hex(const uint8_t* bytes, size_t n) {
  std::string out;
  char two[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(two, sizeof two, "%02x", bytes[i]);
    out += two;
  }
  return out;
}

std::string sha1_hex(std::string_view input) {
  const auto digest = sha1(input);
  return hex(digest.data(), digest.size());
}

TEST(Sha1, PublishedVectors) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  // 56 bytes: the length no longer fits the first block, so the padding takes a second one.
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(std::string(1'000'000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, AgreesWithOpenSslAcrossBlockEdges) {
  std::string input;
  for (int length = 0; length <= 200; ++length) {
    unsigned char expected[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), expected);
    EXPECT_EQ(sha1_hex(input), hex(expected, sizeof expected)) << "length " << length;
    input.push_back(char(length * 37 + 11));
  }
}

}  // namespace
}  // namespace wsl
