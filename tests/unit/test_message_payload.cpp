// Message payloads are rebuilt from their sequence number to check echoes without storing them.
#include <gtest/gtest.h>

#include "engine/message_payload.hpp"

using wsl::fill_message_payload;
using wsl::payload_matches;

TEST(MessagePayload, SameSequenceSameBytes) {
  std::string a, b;
  fill_message_payload(a, 42, 128);
  fill_message_payload(b, 42, 128);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 128u);
  EXPECT_TRUE(payload_matches(a, 42, 128));
}

TEST(MessagePayload, DetectsWrongSequenceSizeOrCorruption) {
  std::string p;
  fill_message_payload(p, 7, 64);
  EXPECT_FALSE(payload_matches(p, 8, 64));        // an echo of another message
  EXPECT_FALSE(payload_matches(p, 7, 63));        // truncated
  p[40] ^= 1;
  EXPECT_FALSE(payload_matches(p, 7, 64));        // one bit flipped
}

TEST(MessagePayload, ConsecutiveMessagesDiffer) {
  std::string a, b;
  for (uint64_t seq = 0; seq < 1000; ++seq) {
    fill_message_payload(a, seq, 16);
    fill_message_payload(b, seq + 1, 16);
    ASSERT_NE(a, b) << seq;
  }
}

TEST(MessagePayload, PrintableSoTextFramesStayValidUtf8) {
  std::string p;
  fill_message_payload(p, 123456789, 4096);
  for (char c : p) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
}

TEST(MessagePayload, EmptyAndTinySizes) {
  std::string p;
  fill_message_payload(p, 5, 0);
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(payload_matches("", 5, 0));
  fill_message_payload(p, 5, 1);
  EXPECT_TRUE(payload_matches(p, 5, 1));
}
