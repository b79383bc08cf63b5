// Tests the /proc parsers on captured text, the listening-port pid file parser, and one sample of this process.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "monitor/listening_owner.hpp"
#include "monitor/process_sample.hpp"

namespace wsl {
namespace {

// Captured from /proc/PID/status of `cat` on Linux 6.18 (trimmed: the parser ignores the other lines).
constexpr std::string_view kStatus =
    "Name:\tcat\n"
    "Umask:\t0022\n"
    "State:\tR (running)\n"
    "Tgid:\t27146\n"
    "FDSize:\t256\n"
    "VmPeak:\t    3060 kB\n"
    "VmSize:\t    3060 kB\n"
    "VmHWM:\t    1752 kB\n"
    "VmRSS:\t    1752 kB\n"
    "RssAnon:\t     116 kB\n"
    "Threads:\t1\n"
    "SigQ:\t0/63304\n";

TEST(ProcStatus, ReadsRssPeakAndThreads) {
  ProcStatus status = parse_proc_status(kStatus);
  EXPECT_EQ(status.rss_bytes, 1752 * 1024);
  EXPECT_EQ(status.rss_peak_bytes, 1752 * 1024);
  EXPECT_EQ(status.threads, 1);
  EXPECT_EQ(status.state, 'R');
}

TEST(ProcStatus, ZombieHasNoMemoryLines) {
  ProcStatus status = parse_proc_status("Name:\tserver\nState:\tZ (zombie)\nThreads:\t1\n");
  EXPECT_EQ(status.state, 'Z');
  EXPECT_EQ(status.rss_bytes, std::nullopt);
  EXPECT_EQ(status.threads, 1);
}

TEST(ProcStatus, MalformedLinesAreIgnored) {
  ProcStatus status = parse_proc_status("VmRSS:\tlots kB\nThreads\n:\nVmHWM: 12 kB\nThreads:\t\n");
  EXPECT_EQ(status.rss_bytes, std::nullopt);
  EXPECT_EQ(status.rss_peak_bytes, 12 * 1024);
  EXPECT_EQ(status.threads, std::nullopt);
  EXPECT_EQ(parse_proc_status("").state, '?');
}

TEST(ProcStatCpu, ReadsUtimeAndStime) {
  // Captured from /proc/self/stat of `cat`; utime and stime edited to 7 and 3.
  auto cpu = parse_proc_stat_cpu(
      "27145 (cat) R 27126 27126 25269 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 313835 3133440 390 "
      "18446744073709551615 94897776504832 94897776524713 140729203842752 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(cpu);
  EXPECT_EQ(cpu->state, 'R');
  EXPECT_EQ(cpu->utime_ticks, 7);
  EXPECT_EQ(cpu->stime_ticks, 3);
}

TEST(ProcStatCpu, CommandNameWithSpacesAndParenthesesDoesNotShiftTheFields) {
  auto cpu = parse_proc_stat_cpu("42 (my (evil) srv 1 2) S 1 42 42 0 -1 4194560 5 0 0 0 1234 567 0 0 20 0 8 0 9 1 1");
  ASSERT_TRUE(cpu);
  EXPECT_EQ(cpu->state, 'S');
  EXPECT_EQ(cpu->utime_ticks, 1234);
  EXPECT_EQ(cpu->stime_ticks, 567);
}

TEST(ProcStatCpu, TruncatedOrGarbledTextIsRejected) {
  EXPECT_EQ(parse_proc_stat_cpu(""), std::nullopt);
  EXPECT_EQ(parse_proc_stat_cpu("42 (no close paren S 1 2 3"), std::nullopt);
  EXPECT_EQ(parse_proc_stat_cpu("42 (x) S 1 42 42 0 -1 4194560 5 0 0 0 12"), std::nullopt);
  EXPECT_EQ(parse_proc_stat_cpu("42 (x) S 1 42 42 0 -1 4194560 5 0 0 0 ab 3 0"), std::nullopt);
  EXPECT_EQ(parse_proc_stat_cpu("42 (x) S 1 42 42 0 -1 4194560 5 0 0 0 -5 3 0"), std::nullopt);
}

TEST(PidFile, ParsesTheFirstToken) {
  EXPECT_EQ(parse_pid_text("1234\n"), 1234);
  EXPECT_EQ(parse_pid_text("  77  extra"), 77);
  EXPECT_EQ(parse_pid_text(""), std::nullopt);
  EXPECT_EQ(parse_pid_text("0\n"), std::nullopt);
  EXPECT_EQ(parse_pid_text("-5\n"), std::nullopt);
  EXPECT_EQ(parse_pid_text("12abc"), std::nullopt);
  EXPECT_EQ(parse_pid_text("99999999999999"), std::nullopt);
}

TEST(PidFile, ReadsAFileAndRefusesAMissingOne) {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("wsl_pid_" + std::to_string(::getpid()));
  std::ofstream(path) << "4321\n";
  EXPECT_EQ(read_pid_file(path.string()), 4321);
  std::filesystem::remove(path);
  EXPECT_EQ(read_pid_file(path.string()), std::nullopt);
}

double process_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

TEST(SampleProcess, SeesThisProcessAndItsNewSockets) {
  // Burn CPU until the kernel's own clock of this process shows a tenth of a second, so the sample's CPU time
  // has something to show.
  volatile uint64_t spin = 0;
  while (process_cpu_seconds() < 0.1) spin = spin + 1;
  const double cpu_before = process_cpu_seconds();
  auto before = sample_process(::getpid());
  const double cpu_after = process_cpu_seconds();
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->alive);
  EXPECT_GT(before->rss_bytes, 0);
  EXPECT_GE(before->rss_peak_bytes, before->rss_bytes);
  EXPECT_GE(before->threads, 1);
  // utime + stime from /proc/PID/stat is the same CPU time in clock ticks (USER_HZ, 1/100 s here), each of the
  // two rounded down: within two ticks below the clock, never above it.
  const double tick = 1.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  EXPECT_GE(before->cpu_seconds, cpu_before - 2 * tick - 0.001) << "clock says " << cpu_before;
  EXPECT_LE(before->cpu_seconds, cpu_after + 0.001) << "clock says " << cpu_after;
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  int file = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  auto after = sample_process(::getpid());
  ::close(pair[0]);
  ::close(pair[1]);
  ::close(file);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->open_fds, before->open_fds + 3);
  EXPECT_EQ(after->socket_fds, before->socket_fds + 2);
  auto quick = sample_process(::getpid(), false);
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->open_fds, before->open_fds);
  EXPECT_EQ(quick->socket_fds, -1);
}

TEST(SampleProcess, AnExitedProcessIsNotAlive) {
  pid_t child = ::fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  auto gone = sample_process(child);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->alive);
  EXPECT_EQ(gone->open_fds, -1);
  EXPECT_EQ(sample_process(0), std::nullopt);
}

}  // namespace
}  // namespace wsl
