// junit.xml: one testcase per check (thresholds and each leak resource), so CI systems show what failed.
#include "report/junit_xml.hpp"

#include "report/markup_escape.hpp"

namespace wsl {
namespace {

struct Case {
  std::string name;
  enum class Result { passed, failed, skipped } result;
  std::string message;
};

std::string render_case(const std::string& suite, const Case& c) {
  std::string out = "    <testcase classname=\"" + xml_escape(suite) + "\" name=\"" + xml_escape(c.name) + "\">";
  if (c.result == Case::Result::failed)
    out += "<failure message=\"" + xml_escape(c.message) + "\">" + xml_escape(c.message) + "</failure>";
  else if (c.result == Case::Result::skipped)
    out += "<skipped message=\"" + xml_escape(c.message) + "\"/>";
  else
    out += "<system-out>" + xml_escape(c.message) + "</system-out>";
  return out + "</testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) { return escape_markup(text, MarkupDialect::xml); }

std::string render_junit_xml(const RunReport& report) {
  const std::string suite = "wsloadgen." + report.profile->name;
  std::vector<Case> cases;
  for (const CheckResult& check : report.checks)
    cases.push_back({check.name, check.passed ? Case::Result::passed : Case::Result::failed, check.detail});
  // A LEAK fails the run, so it fails its testcase; INCONCLUSIVE does not, so it is reported as skipped.
  auto result_of = [](Verdict verdict) {
    return verdict == Verdict::leak           ? Case::Result::failed
           : verdict == Verdict::inconclusive ? Case::Result::skipped
                                              : Case::Result::passed;
  };
  for (const ResourceVerdict& v : report.verdicts) {
    cases.push_back({"leak." + v.resource, result_of(v.verdict), v.reason});
    // Attributed runs: a testcase per pattern too, so CI names the disconnect that leaks.
    for (const PatternShare& share : v.by_pattern)
      cases.push_back({"leak." + v.resource + "." + share.pattern, result_of(share.verdict), share.reason});
  }
  if (report.summary->interrupted) cases.push_back({"run", Case::Result::failed, "the run was interrupted"});
  int failures = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.result == Case::Result::failed;
    skipped += c.result == Case::Result::skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites>\n  <testsuite name=\"" + xml_escape(suite) + "\" tests=\"" + std::to_string(cases.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) +
         "\" time=\"" + std::to_string(double(report.summary->elapsed.count()) / 1e9) + "\">\n";
  for (const Case& c : cases) out += render_case(suite, c);
  return out + "  </testsuite>\n</testsuites>\n";
}

}  // namespace wsl
