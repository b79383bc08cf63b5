// Unit tests for the reason label of a failed connect, read from lws' text.
#include <gtest/gtest.h>

#include "engine/connect_error_reason.hpp"

namespace wsl {
namespace {

TEST(ConnectErrorReason, LabelsFromLwsText) {
  EXPECT_EQ(connect_error_reason("Connection refused"), "connection_refused");
  EXPECT_EQ(connect_error_reason("Timed out waiting SSL"), "connect_timeout");
  EXPECT_EQ(connect_error_reason("connect SSL err 5"), "tls_error");
  EXPECT_EQ(connect_error_reason("server certificate verify failed"), "tls_error");
  EXPECT_EQ(connect_error_reason("Network is unreachable"), "unreachable");
  // What lws 4.1 says for a refused connect: the errno is gone, so no finer label is honest.
  EXPECT_EQ(connect_error_reason("Unable to connect"), "connect_failed");
  EXPECT_EQ(connect_error_reason(""), "connect_failed");
}

}  // namespace
}  // namespace wsl
