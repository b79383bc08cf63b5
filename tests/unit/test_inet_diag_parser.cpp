// Tests the decoding of sock_diag netlink dumps: a captured real dump and hand-built DONE/ERROR/broken messages.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>

#include <cstring>
#include <string_view>

#include "monitor/inet_diag_parser.hpp"
#include "monitor/socket_states.hpp"

namespace wsl {
namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return bytes;
}

// A real IPv4 dump (Linux 6.18) of port 37721 on 127.0.0.1: the listener, one CLOSE_WAIT socket whose peer
// (port 41836) had closed, one ESTABLISHED (peer port 41832); each message carries the kernel's default attributes.
constexpr std::string_view kCapturedEntries =
    "7c0000001400020001000000a96f0000020a0000935900007f00000100000000000000000000000000000000000000000000000000000000"
    "00000000030000000000000000000000000000000800000000000000ac2a0d00050008000000000008000f00000000000c00150001000000"
    "0000000006001600520000007c0000001400020001000000a96f0000020800009359a36c7f0000010000000000000000000000007f000001"
    "00000000000000000000000000000000040000000000000000000000010000000000000000000000b02a0d00050008000100000008000f00"
    "000000000c001500010000000000000006001600520000007c0000001400020001000000a96f0000020100009359a3687f00000100000000"
    "00000000000000007f00000100000000000000000000000000000000050000000000000000000000000000000000000000000000ae2a0d00"
    "050008000000000008000f00000000000c00150001000000000000000600160052000000";
constexpr std::string_view kCapturedDone = "140000000300020001000000a96f000000000000";

IpAddress ipv4(const char* text) {
  IpAddress address;
  address.family = AF_INET;
  ::inet_pton(AF_INET, text, address.bytes.data());
  return address;
}

void append_header(std::vector<uint8_t>& out, uint16_t type, const void* payload, size_t size, uint16_t flags = 0) {
  nlmsghdr header{};
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(size));
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  size_t start = out.size();
  out.resize(start + NLMSG_ALIGN(header.nlmsg_len));
  std::memcpy(out.data() + start, &header, sizeof header);
  std::memcpy(out.data() + start + NLMSG_HDRLEN, payload, size);
}

void append_done(std::vector<uint8_t>& out, int error) { append_header(out, NLMSG_DONE, &error, sizeof error); }

void append_error(std::vector<uint8_t>& out, int error) {
  nlmsgerr payload{};
  payload.error = error;
  append_header(out, NLMSG_ERROR, &payload, sizeof payload);
}

void append_entry(std::vector<uint8_t>& out, uint8_t family, uint8_t state, uint16_t sport, uint16_t dport,
                  const uint8_t (&src)[16], const uint8_t (&dst)[16], uint32_t inode, uint16_t flags = 0) {
  inet_diag_msg msg{};
  msg.idiag_family = family;
  msg.idiag_state = state;
  msg.id.idiag_sport = htons(sport);
  msg.id.idiag_dport = htons(dport);
  std::memcpy(msg.id.idiag_src, src, 16);
  std::memcpy(msg.id.idiag_dst, dst, 16);
  msg.idiag_inode = inode;
  append_header(out, SOCK_DIAG_BY_FAMILY, &msg, sizeof msg, flags);
}

TEST(InetDiagParser, DecodesACapturedDump) {
  std::vector<SocketEntry> entries;
  auto first = from_hex(kCapturedEntries);
  DiagBatchResult batch = parse_inet_diag_messages(first, entries);
  EXPECT_EQ(batch.status, DiagDumpStatus::more);
  EXPECT_FALSE(batch.interrupted);
  ASSERT_EQ(entries.size(), 3u);

  EXPECT_EQ(entries[0].state, TCP_LISTEN);
  EXPECT_EQ(entries[0].local_port, 37721);
  EXPECT_EQ(entries[0].remote_port, 0);
  EXPECT_EQ(entries[0].local_address, ipv4("127.0.0.1"));
  EXPECT_EQ(entries[0].inode, 0x0d2aacu);

  EXPECT_EQ(entries[1].state, TCP_CLOSE_WAIT);
  EXPECT_EQ(entries[1].remote_port, 41836);
  EXPECT_EQ(entries[1].remote_address.to_string(), "127.0.0.1");
  EXPECT_EQ(entries[1].inode, 0x0d2ab0u);

  EXPECT_EQ(entries[2].state, TCP_ESTABLISHED);
  EXPECT_EQ(entries[2].remote_port, 41832);
  EXPECT_EQ(entries[2].family, AF_INET);

  auto done = from_hex(kCapturedDone);
  EXPECT_EQ(parse_inet_diag_messages(done, entries).status, DiagDumpStatus::done);
  EXPECT_EQ(entries.size(), 3u);

  SocketStateCounts counts = count_socket_states(entries);
  EXPECT_EQ(counts.listen, 1);
  EXPECT_EQ(counts.close_wait, 1);
  EXPECT_EQ(counts.established, 1);
  EXPECT_EQ(counts.total(), 3);
}

TEST(InetDiagParser, MapsIpv4MappedIpv6AddressesToIpv4ButKeepsTheSocketFamily) {
  const uint8_t local[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 2};
  std::vector<uint8_t> bytes;
  append_entry(bytes, AF_INET6, TCP_FIN_WAIT2, 9001, 50000, local, mapped, 77);
  std::vector<SocketEntry> entries;
  parse_inet_diag_messages(bytes, entries);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].family, AF_INET6);
  EXPECT_EQ(entries[0].local_address.family, AF_INET6);
  EXPECT_EQ(entries[0].local_address.to_string(), "::1");
  EXPECT_EQ(entries[0].remote_address, ipv4("127.0.0.2"));
  EXPECT_EQ(entries[0].state, TCP_FIN_WAIT2);
}

TEST(InetDiagParser, EntriesThenDoneInOneDatagramEndTheDump) {
  const uint8_t any[16] = {127, 0, 0, 1};
  std::vector<uint8_t> bytes;
  append_entry(bytes, AF_INET, TCP_TIME_WAIT, 80, 1000, any, any, 0);
  append_entry(bytes, AF_INET, TCP_LAST_ACK, 80, 1001, any, any, 5, NLM_F_DUMP_INTR);
  append_done(bytes, 0);
  append_entry(bytes, AF_INET, TCP_LAST_ACK, 80, 1002, any, any, 6);  // after DONE: not part of this dump
  std::vector<SocketEntry> entries;
  DiagBatchResult batch = parse_inet_diag_messages(bytes, entries);
  EXPECT_EQ(batch.status, DiagDumpStatus::done);
  EXPECT_TRUE(batch.interrupted);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].state, TCP_TIME_WAIT);
  EXPECT_EQ(entries[1].remote_port, 1001);
}

TEST(InetDiagParser, NetlinkErrorFailsTheDumpWithItsErrno) {
  std::vector<uint8_t> bytes;
  append_error(bytes, -EPERM);
  std::vector<SocketEntry> entries;
  DiagBatchResult batch = parse_inet_diag_messages(bytes, entries);
  EXPECT_EQ(batch.status, DiagDumpStatus::failed);
  EXPECT_EQ(batch.error, EPERM);
}

TEST(InetDiagParser, AcknowledgementIsNotAnError) {
  std::vector<uint8_t> bytes;
  append_error(bytes, 0);
  std::vector<SocketEntry> entries;
  EXPECT_EQ(parse_inet_diag_messages(bytes, entries).status, DiagDumpStatus::more);
}

TEST(InetDiagParser, DoneCarryingAnErrorFails) {
  std::vector<uint8_t> bytes;
  append_done(bytes, -EINTR);
  std::vector<SocketEntry> entries;
  DiagBatchResult batch = parse_inet_diag_messages(bytes, entries);
  EXPECT_EQ(batch.status, DiagDumpStatus::failed);
  EXPECT_EQ(batch.error, EINTR);
}

TEST(InetDiagParser, BrokenLengthsAreMalformedNotACrash) {
  std::vector<SocketEntry> entries;
  auto captured = from_hex(kCapturedEntries);
  // Cut in the middle of the second message.
  std::vector<uint8_t> cut(captured.begin(), captured.begin() + 130);
  EXPECT_EQ(parse_inet_diag_messages(cut, entries).status, DiagDumpStatus::malformed);
  EXPECT_EQ(entries.size(), 1u);

  // A length shorter than the header.
  std::vector<uint8_t> tiny = captured;
  tiny[0] = 4;
  tiny[1] = tiny[2] = tiny[3] = 0;
  entries.clear();
  EXPECT_EQ(parse_inet_diag_messages(tiny, entries).status, DiagDumpStatus::malformed);
  EXPECT_TRUE(entries.empty());

  // An entry message too short for inet_diag_msg.
  int small = 0;
  std::vector<uint8_t> short_entry;
  append_header(short_entry, SOCK_DIAG_BY_FAMILY, &small, sizeof small);
  EXPECT_EQ(parse_inet_diag_messages(short_entry, entries).status, DiagDumpStatus::malformed);

  // Trailing garbage shorter than a header.
  std::vector<uint8_t> trailing = from_hex(kCapturedEntries);
  trailing.push_back(1);
  entries.clear();
  EXPECT_EQ(parse_inet_diag_messages(trailing, entries).status, DiagDumpStatus::malformed);
  EXPECT_EQ(entries.size(), 3u);

  // Every truncation of a real dump is handled.
  for (size_t size = 0; size <= captured.size(); ++size) {
    std::vector<SocketEntry> some;
    parse_inet_diag_messages(std::span<const uint8_t>(captured.data(), size), some);
    EXPECT_LE(some.size(), 3u);
  }
}

TEST(InetDiagParser, EmptyBufferNeedsMore) {
  std::vector<SocketEntry> entries;
  EXPECT_EQ(parse_inet_diag_messages({}, entries).status, DiagDumpStatus::more);
}

TEST(InetDiagParser, HandsEachEntryToAVisitorInDumpOrder) {
  const uint8_t server[16] = {127, 0, 0, 1};
  const uint8_t peer_a[16] = {127, 0, 0, 2};
  const uint8_t peer_b[16] = {127, 0, 0, 3};
  std::vector<uint8_t> bytes;
  append_entry(bytes, AF_INET, TCP_LISTEN, 9001, 0, server, server, 1);
  append_entry(bytes, AF_INET, TCP_ESTABLISHED, 9001, 40000, server, peer_a, 2);
  append_entry(bytes, AF_INET, TCP_TIME_WAIT, 9001, 40000, server, peer_b, 0);
  append_done(bytes, 0);
  std::vector<uint32_t> inodes;
  SocketStateCounts counts;
  DiagBatchResult batch = parse_inet_diag_messages(bytes, [&](const SocketEntry& entry) {
    inodes.push_back(entry.inode);
    counts.add(entry.state);
  });
  EXPECT_EQ(batch.status, DiagDumpStatus::done);
  EXPECT_EQ(inodes, (std::vector<uint32_t>{1, 2, 0}));
  EXPECT_EQ(counts.listen, 1);
  EXPECT_EQ(counts.established, 1);
  EXPECT_EQ(counts.time_wait, 1);

  std::vector<SocketEntry> entries;
  parse_inet_diag_messages(bytes, entries);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].remote_address, ipv4("127.0.0.3"));
  EXPECT_EQ(count_socket_states(entries), counts);
}

TEST(SocketStateCounts, NamesAndCountsEveryState) {
  SocketStateCounts counts;
  for (uint8_t state : {TCP_ESTABLISHED, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE_WAIT,
                        TCP_LAST_ACK, TCP_CLOSING, TCP_LISTEN, TCP_SYN_SENT})
    counts.add(state);
  EXPECT_EQ(counts.total(), 10);
  EXPECT_EQ(counts.other, 1);
  EXPECT_EQ(counts.syn_recv, 1);
  EXPECT_EQ(tcp_state_name(TCP_CLOSE_WAIT), "close_wait");
  EXPECT_EQ(tcp_state_name(TCP_FIN_WAIT1), "fin_wait1");
  EXPECT_EQ(tcp_state_name(200), "unknown");
}

}  // namespace
}  // namespace wsl
