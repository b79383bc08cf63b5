// Tests the one-line JSON that `wsloadgen serve` prints with what the server saw.
#include <gtest/gtest.h>

#include "server/server_counters.hpp"
#include "server/subprotocol_choice.hpp"

namespace wsl {
namespace {

TEST(ServerCountersJson, EmptyCounters) {
  EXPECT_EQ(server_counters_json(ServerCounters{}),
            "{\"handshakes\":0,\"messages\":0,\"bytes\":0,\"close_codes\":{},"
            "\"closed_without_close_frame\":0,\"close_replies_withheld\":0,"
            "\"close_replies_delayed\":0,\"held_at_stop\":0,\"peak_open_connections\":0,\"upgrades_refused\":0}");
}

TEST(ServerCountersJson, CloseCodesInAscendingOrder) {
  ServerCounters counters;
  counters.handshakes = 5;
  counters.messages_received = 7;
  counters.bytes_received = 1234567890123ull;
  counters.close_codes[4001] = 1;
  counters.close_codes[1000] = 3;
  counters.closed_without_close_frame = 1;
  counters.open_connections = 9;  // not part of the shutdown line: always 0 by then
  counters.close_replies_delayed = 2;
  counters.held_at_stop = 1;
  counters.peak_open_connections = 4;
  counters.upgrades_refused = 6;
  EXPECT_EQ(server_counters_json(counters),
            "{\"handshakes\":5,\"messages\":7,\"bytes\":1234567890123,"
            "\"close_codes\":{\"1000\":3,\"4001\":1},\"closed_without_close_frame\":1,"
            "\"close_replies_withheld\":0,\"close_replies_delayed\":2,\"held_at_stop\":1,"
            "\"peak_open_connections\":4,\"upgrades_refused\":6}");
}

TEST(SubprotocolChoice, FirstOfferedNameWins) {
  EXPECT_EQ(first_offered_subprotocol("chat.v1, chat.v2"), "chat.v1");
  EXPECT_EQ(first_offered_subprotocol("  graphql-ws"), "graphql-ws");
  EXPECT_EQ(first_offered_subprotocol("mqtt,wamp.2.json"), "mqtt");
  EXPECT_EQ(first_offered_subprotocol(""), "");
  EXPECT_EQ(first_offered_subprotocol(std::string(80, 'a')), "") << "longer than lws accepts";
}

}  // namespace
}  // namespace wsl
