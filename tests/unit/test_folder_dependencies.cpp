// The source folders depend one way only, and the vocabulary at the bottom includes nothing of ours.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace wsl {
namespace {

namespace fs = std::filesystem;

// folder -> the other folders of loadgen/ its files include, with one including file per edge for the message.
std::map<std::string, std::map<std::string, std::string>> folder_includes() {
  const fs::path root = fs::path(WSLOADGEN_SOURCE_DIR) / "loadgen";
  const std::regex include(R"re(^\s*#\s*include\s+"([a-z_]+)/[^"]+")re");
  std::map<std::string, std::map<std::string, std::string>> edges;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path relative = fs::relative(entry.path(), root);
    if (!entry.is_regular_file() || relative.begin() == relative.end() || ++relative.begin() == relative.end())
      continue;  // main.cpp sits above the folders
    const std::string folder = relative.begin()->string();
    std::ifstream in(entry.path());
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_search(line, m, include) && m[1] != folder && fs::is_directory(root / m[1].str()))
        edges[folder].emplace(m[1], relative.string());
  }
  return edges;
}

TEST(FolderDependencies, TheVocabularyIncludesNothingOfOurs) {
  const auto edges = folder_includes();
  ASSERT_FALSE(edges.empty()) << "no sources found under " << WSLOADGEN_SOURCE_DIR;
  auto it = edges.find("vocabulary");
  if (it == edges.end()) return;
  for (const auto& [to, file] : it->second) ADD_FAILURE() << file << " includes " << to << "/";
}

// A cycle through the folders, as "a -> b -> a", or "" when there is none.
std::string find_cycle(const std::map<std::string, std::map<std::string, std::string>>& edges) {
  std::map<std::string, int> state;  // 1: on the current path, 2: done
  std::vector<std::string> path;
  std::string found;
  std::function<void(const std::string&)> visit = [&](const std::string& folder) {
    state[folder] = 1;
    path.push_back(folder);
    if (auto it = edges.find(folder); it != edges.end())
      for (const auto& [to, file] : it->second) {
        if (!found.empty()) break;
        if (state[to] == 1) {
          for (auto p = std::find(path.begin(), path.end(), to); p != path.end(); ++p) found += *p + " -> ";
          found += to;
        } else if (state[to] == 0) {
          visit(to);
        }
      }
    path.pop_back();
    state[folder] = 2;
  };
  for (const auto& [folder, targets] : edges)
    if (found.empty() && state[folder] == 0) visit(folder);
  return found;
}

TEST(FolderDependencies, FoldersDependOneWayOnly) {
  const std::string cycle = find_cycle(folder_includes());
  EXPECT_EQ(cycle, "") << "folders include each other in a circle";
}

}  // namespace
}  // namespace wsl
