// The load test's bookkeeping: per class of client, how many requests it made, the statuses it got,
// and what it got that it should not have (with the first few explained); the process's resident
// memory; and the summary, as a table on stdout (it shows in `ctest -V`) and as JSON.
#pragma once

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlux::test {

/// The process's resident set (VmRSS in /proc/self/status), KiB.
inline long resident_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

class LoadTally {
 public:
  /// `valid`: requests a correct server answers 2xx (or 409 busy); otherwise it must refuse them 4xx.
  void add_class(const std::string& name, bool valid) { classes_[name].valid = valid; }

  /// One request of class `name` got `status` (-1: no answer); `problem` is empty when that was
  /// the expected outcome, else what was wrong.
  void record(const std::string& name, int status, const std::string& problem = "") {
    std::lock_guard lock(mu_);
    auto& c = classes_.at(name);
    ++c.requests;
    ++c.statuses[status];
    if (problem.empty()) return;
    ++c.unexpected;
    if (c.problems.size() < 5) c.problems.push_back(std::to_string(status) + ": " + problem.substr(0, 300));
  }

  long total(bool valid_only, bool bad_only) const {
    long n = 0;
    for (const auto& [name, c] : classes_)
      if ((!valid_only || c.valid) && (!bad_only || !c.valid)) n += c.requests;
    return n;
  }
  long with_status(int lo, int hi) const {
    long n = 0;
    for (const auto& [name, c] : classes_)
      for (const auto& [status, count] : c.statuses) n += status >= lo && status <= hi ? count : 0;
    return n;
  }
  long unexpected() const {
    long n = 0;
    for (const auto& [name, c] : classes_) n += c.unexpected;
    return n;
  }
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const auto& [name, c] : classes_)
      for (const auto& p : c.problems) out.push_back(name + ": " + p);
    return out;
  }

  nlohmann::json json() const {
    nlohmann::json classes = nlohmann::json::object();
    for (const auto& [name, c] : classes_) {
      nlohmann::json statuses = nlohmann::json::object();
      for (const auto& [status, count] : c.statuses) statuses[std::to_string(status)] = count;
      classes[name] = {{"valid", c.valid}, {"requests", c.requests}, {"statuses", statuses}, {"unexpected", c.unexpected},
                       {"problems", c.problems}};
    }
    return classes;
  }

  void print(std::FILE* out) const {
    std::fprintf(out, "%-16s %-5s %9s %11s  %s\n", "class", "valid", "requests", "unexpected", "statuses");
    for (const auto& [name, c] : classes_) {
      std::string statuses;
      for (const auto& [status, count] : c.statuses) statuses += std::to_string(status) + "×" + std::to_string(count) + " ";
      std::fprintf(out, "%-16s %-5s %9ld %11ld  %s\n", name.c_str(), c.valid ? "yes" : "no", c.requests, c.unexpected,
                   statuses.c_str());
    }
  }

 private:
  struct Class {
    bool valid = false;
    long requests = 0, unexpected = 0;
    std::map<int, long> statuses;
    std::vector<std::string> problems;
  };
  mutable std::mutex mu_;
  std::map<std::string, Class> classes_;
};

}  // namespace mlux::test
