// The worker's close logic without sockets: every close step's reaction to every event, and whole closes
// walked through the machine the way the worker walks them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/close_steps.hpp"

namespace wsl {
namespace {

using S = CloseStep;
using E = CloseEvent;
using O = CloseOutcome;
using A = CloseAction;
using T = TcpCloser;

std::string describe(const CloseReaction& r) {
  return std::string(to_string(r.next)) + " outcome=" + (r.outcome ? to_string(*r.outcome) : "-") +
         " action=" + std::to_string(int(r.action)) + " tcp=" + std::to_string(int(r.tcp_closed_by));
}

struct Row {
  S step;
  E event;
  CloseReaction expected;
};

// The whole machine, step by step, as the worker behaved before it was a table.
const Row kMachine[] = {
    {S::none, E::close_frame, {S::answered_server_close, {}, A::answer_close}},
    {S::none, E::server_ended_tcp, {S::none}},
    {S::none, E::deadline, {S::none, {}, A::end_tcp}},
    {S::none, E::probe, {S::none}},
    {S::none, E::written, {S::none}},

    {S::awaiting_close_reply, E::close_frame, {S::awaiting_server_fin}},
    {S::awaiting_close_reply, E::server_ended_tcp, {S::awaiting_close_reply, O::server_closed_first}},
    {S::awaiting_close_reply, E::deadline, {S::awaiting_close_reply, O::timed_out, A::end_tcp}},
    {S::awaiting_close_reply, E::probe, {S::awaiting_close_reply}},
    {S::awaiting_close_reply, E::written, {S::awaiting_close_reply}},

    {S::sending_after_close, E::close_frame, {S::awaiting_server_fin}},
    {S::sending_after_close, E::server_ended_tcp, {S::sending_after_close, O::server_closed_first}},
    {S::sending_after_close, E::deadline, {S::sending_after_close, O::timed_out, A::end_tcp}},
    {S::sending_after_close, E::probe, {S::sending_after_close, {}, A::send_data}},
    {S::sending_after_close, E::written, {S::sending_after_close}},

    {S::awaiting_server_fin, E::close_frame, {S::awaiting_server_fin}},
    {S::awaiting_server_fin, E::server_ended_tcp, {S::awaiting_server_fin, O::completed, A::none, T::server}},
    {S::awaiting_server_fin, E::deadline, {S::awaiting_server_fin, O::server_never_closed, A::end_tcp, T::client}},
    {S::awaiting_server_fin, E::probe, {S::awaiting_server_fin}},
    {S::awaiting_server_fin, E::written, {S::awaiting_server_fin}},

    {S::answered_server_close, E::close_frame, {S::answered_server_close}},
    {S::answered_server_close, E::server_ended_tcp, {S::answered_server_close}},
    {S::answered_server_close, E::deadline, {S::answered_server_close, {}, A::end_tcp}},
    {S::answered_server_close, E::probe, {S::answered_server_close}},
    {S::answered_server_close, E::written, {S::answered_server_close}},

    {S::holding_silent, E::close_frame, {S::holding_silent}},
    {S::holding_silent, E::server_ended_tcp, {S::holding_silent, O::completed}},
    {S::holding_silent, E::deadline, {S::holding_silent, O::server_never_closed, A::reset}},
    {S::holding_silent, E::probe, {S::holding_silent, {}, A::probe_tcp}},
    {S::holding_silent, E::written, {S::holding_silent}},

    {S::holding_reading, E::close_frame, {S::holding_reading}},
    {S::holding_reading, E::server_ended_tcp, {S::holding_reading, O::completed}},
    {S::holding_reading, E::deadline, {S::holding_reading, O::server_never_closed, A::reset}},
    {S::holding_reading, E::probe, {S::holding_reading}},
    {S::holding_reading, E::written, {S::holding_reading}},

    {S::awaiting_server_close, E::close_frame, {S::awaiting_server_fin, {}, A::answer_close}},
    {S::awaiting_server_close, E::server_ended_tcp, {S::awaiting_server_close, O::server_closed_first}},
    {S::awaiting_server_close, E::deadline, {S::awaiting_close_reply, O::server_never_closed, A::send_close}},
    {S::awaiting_server_close, E::probe, {S::awaiting_server_close}},
    {S::awaiting_server_close, E::written, {S::awaiting_server_close}},

    {S::dropping, E::close_frame, {S::dropping}},
    {S::dropping, E::server_ended_tcp, {S::dropping, O::completed}},
    {S::dropping, E::deadline, {S::dropping, O::completed, A::reset}},
    {S::dropping, E::probe, {S::dropping, {}, A::try_drop}},
    {S::dropping, E::written, {S::dropping, {}, A::try_drop}},
};

TEST(CloseSteps, EveryStepHasAReactionToEveryEvent) {
  ASSERT_EQ(std::size(kMachine), kEnumCount<CloseStep> * kEnumCount<CloseEvent>) << "a step or event is missing here";
  for (const Row& row : kMachine) {
    EXPECT_EQ(react(row.step, row.event, {}), row.expected)
        << to_string(row.step) << " + " << to_string(row.event) << ": " << describe(react(row.step, row.event, {}));
  }
}

TEST(CloseSteps, ATimedOutWaitForTheServersFinCompletesOnlyIfItsCloseCame) {
  EXPECT_EQ(react(S::awaiting_server_fin, E::deadline, {.close_reply_received = true}).outcome, O::completed);
  EXPECT_EQ(react(S::awaiting_server_fin, E::deadline, {.close_reply_received = false}).outcome,
            O::server_never_closed);
}

// The machine is constexpr, so a reaction can be pinned at compile time too.
static_assert(react(S::awaiting_close_reply, E::close_frame, {}).next == S::awaiting_server_fin);
static_assert(react(S::holding_silent, E::probe, {}).action == A::probe_tcp);

// One close walked through the machine the way the worker walks it: the step follows each reaction, the first
// outcome is the one recorded, actions and TCP closers are collected in order.
class Close {
 public:
  explicit Close(S first) : step_(first) {}

  Close& on(E event) {
    const CloseReaction r = react(step_, event, {reply_});
    if (event == E::close_frame) reply_ = true;
    step_ = r.next;
    if (r.outcome && !outcome_) outcome_ = r.outcome;
    if (r.action != A::none) actions_.push_back(r.action);
    if (r.tcp_closed_by != T::untold) closers_.push_back(r.tcp_closed_by);
    return *this;
  }

  S step() const { return step_; }
  std::optional<O> outcome() const { return outcome_; }
  const std::vector<A>& actions() const { return actions_; }
  const std::vector<T>& closers() const { return closers_; }

 private:
  S step_;
  bool reply_ = false;
  std::optional<O> outcome_;
  std::vector<A> actions_;
  std::vector<T> closers_;
};

TEST(CloseFlows, CleanAgainstAPoliteServer) {
  Close c(S::awaiting_close_reply);  // Worker::begin_close: our Close is out
  c.on(E::written).on(E::close_frame).on(E::server_ended_tcp);
  EXPECT_EQ(c.outcome(), O::completed);
  EXPECT_EQ(c.closers(), std::vector<T>{T::server});
  EXPECT_TRUE(c.actions().empty()) << "nothing more is sent";
}

TEST(CloseFlows, CleanAgainstAServerThatNeverAnswers) {
  Close c(S::awaiting_close_reply);
  c.on(E::deadline);
  EXPECT_EQ(c.outcome(), O::timed_out);
  EXPECT_EQ(c.actions(), std::vector<A>{A::end_tcp});
}

TEST(CloseFlows, CleanAgainstAServerThatAnswersButKeepsTcpOpen) {
  Close c(S::awaiting_close_reply);
  c.on(E::close_frame).on(E::deadline);
  EXPECT_EQ(c.outcome(), O::completed);
  EXPECT_EQ(c.closers(), std::vector<T>{T::client});
  EXPECT_EQ(c.actions(), std::vector<A>{A::end_tcp});
}

TEST(CloseFlows, CleanAgainstAServerThatDropsTheConnection) {
  Close c(S::awaiting_close_reply);
  c.on(E::server_ended_tcp);
  EXPECT_EQ(c.outcome(), O::server_closed_first);
}

TEST(CloseFlows, DataAfterCloseSendsDataUntilTheServerAnswers) {
  Close c(S::sending_after_close);  // Worker::begin_close: our Close and a first data frame are out
  c.on(E::probe).on(E::probe).on(E::close_frame).on(E::probe).on(E::server_ended_tcp);
  EXPECT_EQ(c.actions(), (std::vector<A>{A::send_data, A::send_data})) << "nothing once the server answered";
  EXPECT_EQ(c.outcome(), O::completed);
  EXPECT_EQ(c.closers(), std::vector<T>{T::server});
}

TEST(CloseFlows, DataAfterCloseAgainstAServerThatNeverAnswers) {
  Close c(S::sending_after_close);
  c.on(E::probe).on(E::deadline);
  EXPECT_EQ(c.outcome(), O::timed_out);
  EXPECT_EQ(c.actions().back(), A::end_tcp);
}

TEST(CloseFlows, ServerCloseAnswersTheServer) {
  Close c(S::awaiting_server_close);
  c.on(E::close_frame).on(E::server_ended_tcp);
  EXPECT_EQ(c.actions(), std::vector<A>{A::answer_close});
  EXPECT_EQ(c.outcome(), O::completed);
}

TEST(CloseFlows, ServerCloseClosesItselfWhenTheHoldEndsAndKeepsThatOutcome) {
  Close c(S::awaiting_server_close);
  c.on(E::deadline);
  EXPECT_EQ(c.step(), S::awaiting_close_reply);
  c.on(E::close_frame).on(E::server_ended_tcp);
  EXPECT_EQ(c.actions(), std::vector<A>{A::send_close});
  EXPECT_EQ(c.outcome(), O::server_never_closed) << "the first outcome is the one recorded";
}

TEST(CloseFlows, CloseTimeoutProbesUntilTheServerGivesUpThenStillHoldsUntilTheRst) {
  Close c(S::holding_silent);
  c.on(E::written).on(E::probe).on(E::probe);
  EXPECT_EQ(c.actions(), (std::vector<A>{A::probe_tcp, A::probe_tcp}));
  EXPECT_FALSE(c.outcome());
  c.on(E::server_ended_tcp);  // what a probe that finds the server's FIN reports
  EXPECT_EQ(c.outcome(), O::completed);
  EXPECT_EQ(c.step(), S::holding_silent) << "the hold goes on";
  c.on(E::deadline);
  EXPECT_EQ(c.actions().back(), A::reset);
  EXPECT_EQ(c.outcome(), O::completed);
}

TEST(CloseFlows, StallAgainstAServerThatNeverGivesUp) {
  Close c(S::holding_silent);
  c.on(E::probe).on(E::deadline);
  EXPECT_EQ(c.outcome(), O::server_never_closed);
  EXPECT_EQ(c.actions().back(), A::reset);
}

TEST(CloseFlows, IgnoreServerCloseNeverAnswers) {
  Close c(S::holding_reading);
  c.on(E::close_frame).on(E::deadline);
  EXPECT_EQ(c.actions(), std::vector<A>{A::reset}) << "no Close of ours, an RST when the hold ends";
  EXPECT_EQ(c.outcome(), O::server_never_closed);
}

TEST(CloseFlows, ADropWaitsForItsBytesAndAnRstIsForcedAtTheDeadline) {
  Close c(S::dropping);
  c.on(E::written).on(E::probe).on(E::deadline);
  EXPECT_EQ(c.actions(), (std::vector<A>{A::try_drop, A::try_drop, A::reset}));
  EXPECT_EQ(c.outcome(), O::completed);
}

TEST(CloseFlows, AFinDropWaitsForTheServersFin) {
  Close c(S::awaiting_server_fin);  // try_drop sent the FIN
  c.on(E::deadline);
  EXPECT_EQ(c.outcome(), O::server_never_closed);
  EXPECT_EQ(c.closers(), std::vector<T>{T::client});
}

TEST(CloseFlows, AServerThatStartsTheCloseIsAnsweredAndJudgedByNoPattern) {
  Close c(S::none);
  c.on(E::close_frame).on(E::deadline);
  EXPECT_EQ(c.actions(), (std::vector<A>{A::answer_close, A::end_tcp}));
  EXPECT_FALSE(c.outcome());
}

}  // namespace
}  // namespace wsl
