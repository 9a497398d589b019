// What both soaks (bench/soak.cc through cri-shim, bench/agent_soak.cc
// through node-agent) share: the table of series sampled every period, and
// the verdict on it.
//
// A row is printed as it is added. The verdict compares, for each judged
// series, the mean of the second half of the samples after warm-up (the
// first two samples) with the first half's: flat when it grew by at most
// 10 %; a count (a column printed without decimals) may also grow by 3,
// because small counts such as threads wobble by a few. Sizes (MiB) get no
// such slack: 3 MiB on a 20 MiB process would hide a 15 % growth.
// A count that follows the live pods (fds, followers, containers, files)
// is judged per live pod: a soak that falls behind its pace and then makes
// up the backlog has more pods alive for a while, and more of each.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bench {

class SoakSeries {
 public:
  struct Column {
    std::string name;
    int decimals = 0;    // as printed
    bool judged = true;  // false: shown only (a count that rises by design)
    bool per_live = false;  // judged divided by the column of pods alive
  };
  // The columns every soak starts with, shown only: minute, pods made,
  // pods alive, errors.
  static std::vector<Column> pace_columns();
  // A column judged per pod alive.
  static Column per_pod(std::string name) { return {std::move(name), 0, true, true}; }

  // `live_column`: the index of the column that counts the pods alive, for
  // per_live columns.
  SoakSeries(std::vector<Column> columns, std::size_t live_column);

  void print_header() const;
  // One value per column, in the columns' order; prints the row. A row
  // added with `keep` false is printed only (the one after the tear-down).
  void add(const std::vector<double>& row, bool keep = true);
  // Prints each judged series' growth; true when every one is flat (false
  // when there are fewer than 4 samples to judge).
  bool report() const;

  // Entries in a directory (an fd table, a task list), files under a tree.
  static long count_entries(const std::string& dir);
  static long count_files(const std::string& dir);

 private:
  std::vector<Column> columns_;
  std::size_t live_column_;
  std::vector<std::vector<double>> rows_;
};

}  // namespace bench
