// Unit tests for the server→client frame decoder: messages, fragments, control frames, every protocol error, any chunking.
#include <gtest/gtest.h>
#include <malloc.h>

#include <string>
#include <vector>

#include "wire/frame_reader.hpp"
#include "wire/frame_writer.hpp"
#include "wire/opcode.hpp"

namespace wsl {
namespace {

// Builds an unmasked server frame; `first_byte_extra` sets RSV bits for the error tests.
std::string server_frame(uint8_t op, bool fin, std::string_view payload, uint8_t first_byte_extra = 0) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | first_byte_extra | op));
  const uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(126);
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  out.append(payload);
  return out;
}

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

// Records every event as one line, so different chunkings can be compared exactly.
struct RecordingSink : FrameSink {
  std::vector<std::string> events;
  std::vector<const char*> message_data;  // where each message's view pointed, for the zero-copy check
  void on_message(uint8_t op, std::string_view payload) override {
    events.push_back((op == opcode::text ? "text:" : "binary:") + std::string(payload));
    message_data.push_back(payload.data());
  }
  void on_ping(std::string_view payload) override { events.push_back("ping:" + std::string(payload)); }
  void on_pong(std::string_view payload) override { events.push_back("pong:" + std::string(payload)); }
  void on_close(const CloseFrame& c) override {
    events.push_back("close:" + (c.has_code ? std::to_string(c.code) : std::string("none")) + ":" + std::string(c.reason) +
                     ":" + std::to_string(c.raw_payload.size()) + (c.reason_is_utf8 ? "" : ":bad_utf8"));
  }
};

struct Outcome {
  std::vector<std::string> events;
  std::string error;  // reason label, empty when none
};

Outcome feed_in_pieces(std::string_view stream, size_t piece, uint64_t max = 1 << 20) {
  FrameReader reader(max);
  RecordingSink sink;
  const FrameError* error = nullptr;
  for (size_t i = 0; i < stream.size(); i += piece) error = reader.feed(stream.substr(i, piece), sink);
  if (stream.empty()) error = reader.feed({}, sink);
  return {sink.events, error ? std::string(error->reason()) : std::string()};
}

Outcome feed_whole(std::string_view stream, uint64_t max = 1 << 20) {
  return feed_in_pieces(stream, std::max<size_t>(stream.size(), 1), max);
}

// Feeding the stream whole, byte by byte, and in odd-sized pieces must give identical results.
Outcome feed_all_ways(std::string_view stream, uint64_t max = 1 << 20) {
  Outcome whole = feed_whole(stream, max);
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{130}}) {
    Outcome split = feed_in_pieces(stream, piece, max);
    EXPECT_EQ(split.events, whole.events) << "piece size " << piece;
    EXPECT_EQ(split.error, whole.error) << "piece size " << piece;
  }
  return whole;
}

std::string expect_error(std::string_view stream, uint64_t max = 1 << 20) {
  Outcome out = feed_all_ways(stream, max);
  EXPECT_FALSE(out.error.empty());
  return out.error;
}

TEST(FrameReader, UnmaskedHelloFromRfc6455) {
  auto out = feed_all_ways(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  EXPECT_EQ(out.events, std::vector<std::string>{"text:Hello"});
  EXPECT_EQ(out.error, "");
}

TEST(FrameReader, FragmentedHelloFromRfc6455) {
  auto out = feed_all_ways(bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
  EXPECT_EQ(out.events, std::vector<std::string>{"text:Hello"});
}

TEST(FrameReader, PingAndPongFromRfc6455) {
  auto out = feed_all_ways(bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  EXPECT_EQ(out.events, (std::vector<std::string>{"ping:Hello", "pong:Hello"}));
}

TEST(FrameReader, SixteenAndSixtyFourBitLengths) {
  const std::string medium(300, 'm'), large(70000, 'L');
  auto out = feed_all_ways(server_frame(opcode::binary, true, medium) + server_frame(opcode::text, true, large) +
                           server_frame(opcode::binary, true, std::string(65535, 'e')));
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.events[0], "binary:" + medium);
  EXPECT_EQ(out.events[1], "text:" + large);
  EXPECT_EQ(out.events[2].size(), 7u + 65535);
}

TEST(FrameReader, RfcSixteenAndSixtyFourBitLengthHeadersAsWritten) {
  // RFC 6455 §5.7: "256 bytes binary message in a single unmasked frame: 0x82 0x7E 0x0100 [256 bytes]" and
  // "64KiB binary message in a single unmasked frame: 0x82 0x7F 0x0000000000010000 [65536 bytes]": the headers
  // written out here byte for byte, not by server_frame().
  std::string small(256, '\0'), large(65536, '\0');
  for (size_t i = 0; i < small.size(); ++i) small[i] = static_cast<char>(i);
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>((i * 7 + 3) & 0xFF);
  auto out = feed_all_ways(bytes({0x82, 0x7e, 0x01, 0x00}) + small +
                           bytes({0x82, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}) + large);
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.events, (std::vector<std::string>{"binary:" + small, "binary:" + large}));
}

TEST(FrameReader, EmptyMessagesAndControlFrames) {
  auto out = feed_all_ways(server_frame(opcode::text, true, "") + server_frame(opcode::ping, true, "") +
                           server_frame(opcode::binary, false, "") + server_frame(opcode::continuation, true, ""));
  EXPECT_EQ(out.events, (std::vector<std::string>{"text:", "ping:", "binary:"}));
}

TEST(FrameReader, ControlFramesInterleavedInFragmentedMessage) {
  const std::string stream = server_frame(opcode::text, false, "Hel") + server_frame(opcode::ping, true, "p1") +
                             server_frame(opcode::continuation, false, "lo, ") + server_frame(opcode::pong, true, "p2") +
                             server_frame(opcode::ping, true, "") + server_frame(opcode::continuation, true, "world") +
                             server_frame(opcode::binary, true, "next");
  auto out = feed_all_ways(stream);
  EXPECT_EQ(out.events, (std::vector<std::string>{"ping:p1", "pong:p2", "ping:", "text:Hello, world", "binary:next"}));
  EXPECT_EQ(out.error, "");
}

TEST(FrameReader, CloseIsReportedAsOnTheWire) {
  auto out = feed_all_ways(server_frame(opcode::close, true, bytes({0x03, 0xe8}) + "bye"));
  EXPECT_EQ(out.events, std::vector<std::string>{"close:1000:bye:5"});
  // Codes that may not appear on the wire are still reported unchanged, not rewritten.
  EXPECT_EQ(feed_all_ways(server_frame(opcode::close, true, bytes({0x03, 0xee}))).events,
            std::vector<std::string>{"close:1006::2"});
  EXPECT_EQ(feed_all_ways(server_frame(opcode::close, true, "")).events, std::vector<std::string>{"close:none::0"});
  EXPECT_EQ(feed_all_ways(server_frame(opcode::close, true, bytes({0x03, 0xe8, 0xff}))).events,
            std::vector<std::string>{"close:1000:\xff:3:bad_utf8"});
}

TEST(FrameReader, BytesAfterCloseAreIgnoredAndCounted) {
  const std::string tail = server_frame(opcode::text, true, "late") + bytes({0xff, 0xff});
  FrameReader reader;
  RecordingSink sink;
  EXPECT_EQ(reader.feed(server_frame(opcode::close, true, bytes({0x03, 0xe9})) + tail, sink), nullptr);
  EXPECT_TRUE(reader.close_received());
  EXPECT_EQ(reader.bytes_after_close(), tail.size());
  EXPECT_EQ(reader.feed("abc", sink), nullptr);
  EXPECT_EQ(reader.bytes_after_close(), tail.size() + 3);
  EXPECT_EQ(sink.events, std::vector<std::string>{"close:1001::2"});
}

TEST(FrameReader, WholeFrameInChunkIsDeliveredWithoutCopy) {
  const std::string stream = server_frame(opcode::binary, true, "abcdef") + server_frame(opcode::text, true, "xyz");
  FrameReader reader;
  RecordingSink sink;
  ASSERT_EQ(reader.feed(stream, sink), nullptr);
  ASSERT_EQ(sink.message_data.size(), 2u);
  EXPECT_EQ(sink.message_data[0], stream.data() + 2);
  EXPECT_EQ(sink.message_data[1], stream.data() + 10);
}

TEST(FrameReader, SplitFrameIsReassembledIntoBuffer) {
  const std::string stream = server_frame(opcode::binary, true, "abcdef");
  FrameReader reader;
  RecordingSink sink;
  ASSERT_EQ(reader.feed(std::string_view(stream).substr(0, 4), sink), nullptr);
  EXPECT_TRUE(sink.events.empty());
  ASSERT_EQ(reader.feed(std::string_view(stream).substr(4), sink), nullptr);
  EXPECT_EQ(sink.events, std::vector<std::string>{"binary:abcdef"});
  EXPECT_FALSE(sink.message_data[0] >= stream.data() && sink.message_data[0] < stream.data() + stream.size());
}

TEST(FrameReader, InFragmentedMessageTracksFin) {
  FrameReader reader;
  RecordingSink sink;
  reader.feed(server_frame(opcode::binary, false, "a"), sink);
  EXPECT_TRUE(reader.in_fragmented_message());
  reader.feed(server_frame(opcode::continuation, true, "b"), sink);
  EXPECT_FALSE(reader.in_fragmented_message());
  EXPECT_EQ(sink.events, std::vector<std::string>{"binary:ab"});
}

TEST(FrameReader, ErrorReservedOpcode) {
  for (uint8_t op : {3, 7, 0xB, 0xF}) EXPECT_EQ(expect_error(server_frame(op, true, "x")), "reserved_opcode");
}

TEST(FrameReader, ErrorReservedBits) {
  for (uint8_t rsv : {0x40, 0x20, 0x10})
    EXPECT_EQ(expect_error(server_frame(opcode::text, true, "x", rsv)), "reserved_bits_set");
}

TEST(FrameReader, ErrorMaskedFrame) {
  std::string masked;
  append_client_frame(masked, opcode::text, true, "Hello", 0x37fa213d);
  EXPECT_EQ(expect_error(masked), "masked_frame");
}

TEST(FrameReader, ErrorControlFrameTooLong) {
  EXPECT_EQ(feed_all_ways(server_frame(opcode::ping, true, std::string(125, 'p'))).error, "");
  EXPECT_EQ(expect_error(server_frame(opcode::ping, true, std::string(126, 'p'))), "control_frame_too_long");
  EXPECT_EQ(expect_error(server_frame(opcode::close, true, std::string(70000, 'c'))), "control_frame_too_long");
}

TEST(FrameReader, ErrorFragmentedControlFrame) {
  EXPECT_EQ(expect_error(server_frame(opcode::pong, false, "x")), "fragmented_control_frame");
}

TEST(FrameReader, ErrorContinuationWithoutStart) {
  EXPECT_EQ(expect_error(server_frame(opcode::continuation, true, "x")), "unexpected_continuation");
  EXPECT_EQ(expect_error(server_frame(opcode::text, true, "done") + server_frame(opcode::continuation, true, "x")),
            "unexpected_continuation");
}

TEST(FrameReader, ErrorNewDataFrameInsideFragmentedMessage) {
  EXPECT_EQ(expect_error(server_frame(opcode::text, false, "a") + server_frame(opcode::binary, true, "b")),
            "interleaved_data_frame");
}

TEST(FrameReader, ErrorMessageTooLargeSingleFrameAndAcrossFragments) {
  EXPECT_EQ(feed_all_ways(server_frame(opcode::binary, true, std::string(100, 'x')), 100).error, "");
  EXPECT_EQ(expect_error(server_frame(opcode::binary, true, std::string(101, 'x')), 100), "message_too_large");
  const std::string fragments = server_frame(opcode::text, false, std::string(60, 'a')) +
                                server_frame(opcode::continuation, false, std::string(40, 'b')) +
                                server_frame(opcode::continuation, true, "c");
  EXPECT_EQ(expect_error(fragments, 100), "message_too_large");
}

TEST(FrameReader, GibibyteLengthHeaderIsRejectedWithoutAllocating) {
  const std::string header = bytes({0x82, 0x7f, 0, 0, 0, 0, 0x40, 0, 0, 0});  // 1 GiB binary frame, no payload
  const struct mallinfo2 before = mallinfo2();
  FrameReader reader;  // default max_message_size is 16 MiB
  RecordingSink sink;
  const FrameError* error = reader.feed(header + "some payload bytes", sink);
  const struct mallinfo2 after = mallinfo2();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->reason(), "message_too_large");
  EXPECT_NE(error->detail.find("1073741824"), std::string::npos) << error->detail;
  EXPECT_LT((after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd), size_t{1} << 20);
  EXPECT_TRUE(sink.events.empty());
}

TEST(FrameReader, AnnouncedLengthWithinLimitIsNotReservedUpFront) {
  const std::string header = bytes({0x82, 0x7f, 0, 0, 0, 0, 0x40, 0, 0, 0});
  const struct mallinfo2 before = mallinfo2();
  FrameReader reader(uint64_t{2} << 30);  // 2 GiB allowed: only the bytes that arrive are buffered
  RecordingSink sink;
  EXPECT_EQ(reader.feed(header + std::string(1000, 'x'), sink), nullptr);
  const struct mallinfo2 after = mallinfo2();
  EXPECT_LT((after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd), size_t{1} << 20);
}

TEST(FrameReader, ErrorBadLengthEncoding) {
  EXPECT_EQ(expect_error(bytes({0x82, 126, 0, 125}) + std::string(125, 'x')), "bad_length_encoding");
  EXPECT_EQ(expect_error(bytes({0x82, 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff})), "bad_length_encoding");
  EXPECT_EQ(expect_error(bytes({0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0})), "bad_length_encoding");
}

TEST(FrameReader, ErrorClosePayloadOfOneByte) {
  EXPECT_EQ(expect_error(server_frame(opcode::close, true, "x")), "close_payload_too_short");
}

TEST(FrameReader, ErrorInvalidUtf8) {
  EXPECT_EQ(expect_error(server_frame(opcode::text, true, "ok \xc0\xaf")), "invalid_utf8");  // overlong
  EXPECT_EQ(expect_error(server_frame(opcode::text, true, "\xed\xa0\x80")), "invalid_utf8");  // surrogate
  EXPECT_EQ(expect_error(server_frame(opcode::text, true, "\xf4\x90\x80\x80")), "invalid_utf8");  // > U+10FFFF
  EXPECT_EQ(expect_error(server_frame(opcode::text, true, "end \xe2\x82")), "invalid_utf8");  // truncated at end
  EXPECT_EQ(expect_error(server_frame(opcode::text, false, "\xe2\x82") + server_frame(opcode::continuation, true, "")),
            "invalid_utf8");
  // A character split across fragments is fine; binary messages are not checked.
  EXPECT_EQ(feed_all_ways(server_frame(opcode::text, false, "\xe2\x82") + server_frame(opcode::continuation, true, "\xac"))
                .events,
            std::vector<std::string>{"text:\xe2\x82\xac"});
  EXPECT_EQ(feed_all_ways(server_frame(opcode::binary, true, "\xff\xfe")).error, "");
}

TEST(FrameReader, InvalidUtf8IsDetectedBeforeTheMessageEnds) {
  FrameReader reader;
  RecordingSink sink;
  const FrameError* error = reader.feed(server_frame(opcode::text, false, "\xff"), sink);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->reason(), "invalid_utf8");
  EXPECT_EQ(error->close_code(), 1007);
}

TEST(FrameReader, ErrorIsStickyAndEventsBeforeItAreDelivered) {
  FrameReader reader;
  RecordingSink sink;
  const FrameError* error =
      reader.feed(server_frame(opcode::text, true, "fine") + server_frame(3, true, "") + server_frame(opcode::text, true, "x"), sink);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->reason(), "reserved_opcode");
  EXPECT_EQ(error->close_code(), 1002);
  EXPECT_FALSE(error->detail.empty());
  EXPECT_EQ(sink.events, std::vector<std::string>{"text:fine"});
  EXPECT_EQ(reader.feed(server_frame(opcode::text, true, "more"), sink), error);
  EXPECT_EQ(reader.error(), error);
  EXPECT_EQ(sink.events.size(), 1u);
}

// What end_of_stream() says after `stream` was fed whole: the error label, or "" for a clean end.
std::string end_label(std::string_view stream) {
  FrameReader reader;
  RecordingSink sink;
  reader.feed(stream, sink);
  const FrameError* error = reader.end_of_stream();
  return error ? std::string(error->reason()) : std::string();
}

TEST(FrameReader, EndOfStreamInsideAFrameOrMessageIsTruncated) {
  const std::string whole = server_frame(opcode::binary, true, std::string(100, 'x'));
  EXPECT_EQ(end_label(whole.substr(0, 1)), "truncated_frame");   // inside the header
  EXPECT_EQ(end_label(whole.substr(0, 52)), "truncated_frame");  // inside the payload
  EXPECT_EQ(end_label(server_frame(opcode::text, false, "a")), "truncated_frame");  // between fragments
  EXPECT_EQ(end_label(""), "");
  EXPECT_EQ(end_label(whole), "");
  EXPECT_EQ(end_label(whole + server_frame(opcode::close, true, bytes({0x03, 0xE8}))), "");
  EXPECT_EQ(end_label(server_frame(3, true, "x")), "reserved_opcode");  // an earlier error stays the error
}

TEST(FrameReader, ErrorLabelsAndCloseCodes) {
  EXPECT_EQ(frame_error_label(FrameErrorKind::message_too_large), "message_too_large");
  EXPECT_EQ(frame_error_close_code(FrameErrorKind::message_too_large), 1009);
  EXPECT_EQ(frame_error_close_code(FrameErrorKind::masked_frame), 1002);
}

TEST(FrameReader, MixedStreamAnyChunking) {
  std::string stream;
  for (int i = 0; i < 20; ++i) {
    stream += server_frame(opcode::text, true, std::string(static_cast<size_t>(i * 13), 'a' + i % 26));
    stream += server_frame(opcode::binary, false, std::string(static_cast<size_t>(i), 'b'));
    stream += server_frame(opcode::ping, true, std::to_string(i));
    stream += server_frame(opcode::continuation, true, std::string(200, 'c'));
  }
  stream += server_frame(opcode::close, true, bytes({0x0f, 0xa0}) + "done");
  auto out = feed_all_ways(stream);
  EXPECT_EQ(out.events.size(), 61u);
  EXPECT_EQ(out.events.back(), "close:4000:done:6");
}

}  // namespace
}  // namespace wsl

namespace wsl {
namespace {

// Hostile input: random byte streams (biased towards plausible headers) must decode identically
// whatever the chunking, and never crash or overrun.
TEST(FrameReader, RandomStreamsDecodeTheSameUnderAnyChunking) {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const uint8_t first_bytes[] = {0x81, 0x82, 0x01, 0x02, 0x00, 0x80, 0x89, 0x8a, 0x88};
  for (int round = 0; round < 300; ++round) {
    std::string stream;
    const int frames = 1 + static_cast<int>(next() % 6);
    for (int f = 0; f < frames; ++f) {
      if (next() % 10 == 0) {
        stream.push_back(static_cast<char>(next()));  // an arbitrary byte now and then
        continue;
      }
      const size_t len = next() % 3 == 0 ? 126 + next() % 300 : next() % 20;
      std::string payload;
      for (size_t i = 0; i < len; ++i) payload.push_back(static_cast<char>(next() % 4 == 0 ? next() : 'a' + next() % 26));
      stream += server_frame(first_bytes[next() % sizeof first_bytes] & 0x0F, first_bytes[next() % sizeof first_bytes] & 0x80,
                             payload);
    }
    const Outcome whole = feed_whole(stream, 256);
    const size_t piece = 1 + next() % 17;
    const Outcome split = feed_in_pieces(stream, piece, 256);
    ASSERT_EQ(split.events, whole.events) << "round " << round << " piece " << piece;
    ASSERT_EQ(split.error, whole.error) << "round " << round << " piece " << piece;
  }
}

}  // namespace
}  // namespace wsl
