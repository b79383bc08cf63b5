// Decodes the netlink messages of a sock_diag TCP dump into socket entries (pure: bytes in, entries out).
#include "monitor/inet_diag_parser.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace wsl {
namespace {

SocketEntry decode_entry(const inet_diag_msg& msg) {
  SocketEntry entry;
  entry.family = msg.idiag_family;
  entry.state = msg.idiag_state;
  entry.local_address = make_ip_address(msg.idiag_family, msg.id.idiag_src);
  entry.local_port = ntohs(msg.id.idiag_sport);
  entry.remote_address = make_ip_address(msg.idiag_family, msg.id.idiag_dst);
  entry.remote_port = ntohs(msg.id.idiag_dport);
  entry.inode = msg.idiag_inode;
  entry.interface = msg.id.idiag_if;
  return entry;
}

}  // namespace

IpAddress make_ip_address(uint8_t family, const void* bytes) {
  IpAddress address;
  address.family = family;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const auto* in = static_cast<const uint8_t*>(bytes);
  if (family == AF_INET) {
    std::memcpy(address.bytes.data(), in, 4);
  } else if (std::memcmp(in, kMappedPrefix, 12) == 0) {
    std::memcpy(address.bytes.data(), in + 12, 4);
    address.family = AF_INET;
  } else {
    std::memcpy(address.bytes.data(), in, 16);
  }
  return address;
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family != AF_INET && family != AF_INET6) return "?";
  ::inet_ntop(family, bytes.data(), text, sizeof text);
  return text;
}

DiagBatchResult parse_inet_diag_messages(std::span<const uint8_t> bytes, const SocketVisitor& each) {
  DiagBatchResult result;
  size_t offset = 0;
  while (bytes.size() - offset >= sizeof(nlmsghdr)) {
    nlmsghdr header;
    std::memcpy(&header, bytes.data() + offset, sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > bytes.size() - offset) {
      result.status = DiagDumpStatus::malformed;
      return result;
    }
    const uint8_t* payload = bytes.data() + offset + NLMSG_HDRLEN;
    size_t payload_size = header.nlmsg_len - std::min<size_t>(header.nlmsg_len, NLMSG_HDRLEN);
    if (header.nlmsg_flags & NLM_F_DUMP_INTR) result.interrupted = true;
    if (header.nlmsg_type == NLMSG_DONE) {
      int error = 0;
      if (payload_size >= sizeof error) std::memcpy(&error, payload, sizeof error);
      result.status = error == 0 ? DiagDumpStatus::done : DiagDumpStatus::failed;
      result.error = error < 0 ? -error : error;
      return result;
    }
    if (header.nlmsg_type == NLMSG_ERROR) {
      int error = 0;
      if (payload_size < sizeof error) {
        result.status = DiagDumpStatus::malformed;
        return result;
      }
      std::memcpy(&error, payload, sizeof error);
      if (error != 0) {  // error 0 is an acknowledgement, not a failure
        result.status = DiagDumpStatus::failed;
        result.error = error < 0 ? -error : error;
        return result;
      }
    } else if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      if (payload_size < sizeof(inet_diag_msg)) {
        result.status = DiagDumpStatus::malformed;
        return result;
      }
      inet_diag_msg msg;
      std::memcpy(&msg, payload, sizeof msg);
      each(decode_entry(msg));
    }
    offset += NLMSG_ALIGN(header.nlmsg_len);
    if (offset > bytes.size()) break;  // the last message's padding may be missing
  }
  if (offset < bytes.size()) result.status = DiagDumpStatus::malformed;
  return result;
}

DiagBatchResult parse_inet_diag_messages(std::span<const uint8_t> bytes, std::vector<SocketEntry>& out) {
  return parse_inet_diag_messages(bytes, [&out](const SocketEntry& entry) { out.push_back(entry); });
}

}  // namespace wsl
