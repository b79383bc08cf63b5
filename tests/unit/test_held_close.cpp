// Tests the server's late-or-never Close reply: the frame it writes, the step rule, and the table.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "server/held_close_step.hpp"
#include "server/held_closes.hpp"
#include "server/server_close_frame.hpp"

using namespace std::chrono_literals;

namespace wsl {
namespace {

TEST(ServerCloseFrame, EchoesCodeAndReasonUnmasked) {
  EXPECT_EQ(server_close_frame(std::string("\x03\xe8" "bye", 5)), std::string("\x88\x05\x03\xe8" "bye", 7));
}

TEST(ServerCloseFrame, EmptyPayloadForACloseWithoutCode) {
  EXPECT_EQ(server_close_frame(""), std::string("\x88\x00", 2));
}

TEST(ServerCloseFrame, CutsThePayloadToTheControlFrameLimit) {
  std::string frame = server_close_frame(std::string("\x0f\xa0", 2) + std::string(200, 'r'));
  ASSERT_EQ(frame.size(), 2u + 125u);
  EXPECT_EQ(static_cast<unsigned char>(frame[1]), 125u);
  EXPECT_EQ(frame.substr(2, 2), std::string("\x0f\xa0", 2));
}

HeldCloseView view(std::optional<std::chrono::milliseconds> delay, std::chrono::milliseconds held_for) {
  HeldCloseView v;
  v.reply_delay = delay;
  v.held_for = held_for;
  return v;
}

TEST(HeldCloseStep, NoCloseReplyWaitsForeverUntilThePeerLeaves) {
  EXPECT_EQ(next_held_close_step(view(std::nullopt, 0ms)), HeldCloseStep::wait);
  EXPECT_EQ(next_held_close_step(view(std::nullopt, 24h)), HeldCloseStep::wait);
  HeldCloseView gone = view(std::nullopt, 10ms);
  gone.peer_gone = true;
  EXPECT_EQ(next_held_close_step(gone), HeldCloseStep::release);
}

TEST(HeldCloseStep, SlowCloseRepliesOnceTheDelayIsUp) {
  EXPECT_EQ(next_held_close_step(view(2s, 1999ms)), HeldCloseStep::wait);
  EXPECT_EQ(next_held_close_step(view(2s, 2000ms)), HeldCloseStep::send_reply);
  EXPECT_EQ(next_held_close_step(view(0ms, 0ms)), HeldCloseStep::send_reply);
}

TEST(HeldCloseStep, SlowCloseReleasesAfterTheLingerOrWhenThePeerLeaves) {
  HeldCloseView replied = view(2s, 3s);
  replied.since_reply = kHeldCloseLinger - 1ms;
  EXPECT_EQ(next_held_close_step(replied), HeldCloseStep::wait);
  replied.since_reply = kHeldCloseLinger;
  EXPECT_EQ(next_held_close_step(replied), HeldCloseStep::release);

  HeldCloseView left_early = view(2s, 500ms);
  left_early.peer_gone = true;
  EXPECT_EQ(next_held_close_step(left_early), HeldCloseStep::release) << "no reply to a peer that left";
}

// A connected pair stands in for the TCP connection: [0] is the server's held end, [1] the peer.
struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    if (fds[1] >= 0) close(fds[1]);
  }
  std::string peer_reads() {
    char buffer[256];
    ssize_t n = recv(fds[1], buffer, sizeof(buffer), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }
  bool peer_sees_eof() {
    char byte;
    return recv(fds[1], &byte, 1, MSG_DONTWAIT) == 0;
  }
};

TEST(HeldCloses, SlowCloseWritesTheReplyAndFinAfterTheDelay) {
  SocketPair pair;
  HeldCloses held(2s);
  auto start = HeldCloses::Clock::now();
  held.hold(pair.fds[0], std::string("\x03\xe8" "bye", 5), start);
  held.tick(start + 1900ms);
  EXPECT_EQ(pair.peer_reads(), "");
  held.tick(start + 2000ms);
  EXPECT_EQ(pair.peer_reads(), std::string("\x88\x05\x03\xe8" "bye", 7));
  EXPECT_TRUE(pair.peer_sees_eof()) << "our FIN follows the Close";
  EXPECT_EQ(held.size(), 1u) << "kept until the peer's FIN";
  shutdown(pair.fds[1], SHUT_WR);
  held.tick(start + 2050ms);
  EXPECT_EQ(held.size(), 0u);
}

TEST(HeldCloses, SlowCloseGivesUpOnASilentPeerAfterTheLinger) {
  SocketPair pair;
  HeldCloses held(0ms);
  auto start = HeldCloses::Clock::now();
  held.hold(pair.fds[0], "", start);
  held.tick(start);
  EXPECT_EQ(pair.peer_reads(), std::string("\x88\x00", 2));
  held.tick(start + kHeldCloseLinger - 1ms);
  EXPECT_EQ(held.size(), 1u);
  held.tick(start + kHeldCloseLinger);
  EXPECT_EQ(held.size(), 0u);
}

TEST(HeldCloses, NoCloseReplyStaysSilentAndDrainsUntilThePeerLeaves) {
  SocketPair pair;
  HeldCloses held(std::nullopt);
  auto start = HeldCloses::Clock::now();
  held.hold(pair.fds[0], std::string("\x03\xe8", 2), start);
  ASSERT_EQ(send(pair.fds[1], "more", 4, 0), 4);
  held.tick(start + 1h);
  EXPECT_EQ(held.size(), 1u);
  EXPECT_EQ(pair.peer_reads(), "") << "nothing written";
  EXPECT_FALSE(pair.peer_sees_eof()) << "no FIN either";
  close(pair.fds[1]);
  pair.fds[1] = -1;
  held.tick(start + 1h);
  EXPECT_EQ(held.size(), 0u);
}

TEST(HeldCloses, ReleaseAllClosesWhatIsStillHeld) {
  SocketPair pair;
  HeldCloses held(std::nullopt);
  held.hold(pair.fds[0], "", HeldCloses::Clock::now());
  held.release_all();
  EXPECT_EQ(held.size(), 0u);
  EXPECT_TRUE(pair.peer_sees_eof());
}

}  // namespace
}  // namespace wsl
