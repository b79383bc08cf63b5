// The reason labels of failed connects, by errno.
#include <gtest/gtest.h>

#include <cerrno>

#include "engine/connect_error_reason.hpp"

namespace wsl {
namespace {

TEST(ConnectErrorReason, NamesTheCausesAUserActsOn) {
  EXPECT_EQ(connect_error_reason(ECONNREFUSED), "connection_refused");
  EXPECT_EQ(connect_error_reason(ETIMEDOUT), "connect_timeout");
  EXPECT_EQ(connect_error_reason(ENETUNREACH), "unreachable");
  EXPECT_EQ(connect_error_reason(EHOSTUNREACH), "unreachable");
  EXPECT_EQ(connect_error_reason(EADDRNOTAVAIL), "no_local_port");
  EXPECT_EQ(connect_error_reason(EMFILE), "no_file_descriptor");
}

TEST(ConnectErrorReason, AnythingElseIsConnectFailed) {
  EXPECT_EQ(connect_error_reason(EPERM), "connect_failed");
  EXPECT_EQ(connect_error_reason(0), "connect_failed");
}

}  // namespace
}  // namespace wsl
