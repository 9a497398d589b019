#include "bench/soak_series.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace bench {

namespace fs = std::filesystem;

SoakSeries::SoakSeries(std::vector<Column> columns, std::size_t live_column)
    : columns_(std::move(columns)), live_column_(live_column) {}

std::vector<SoakSeries::Column> SoakSeries::pace_columns() {
  return {{"minute", 1, false}, {"made", 0, false}, {"live", 0, false}, {"errors", 0, false}};
}

void SoakSeries::print_header() const {
  for (const auto& column : columns_) std::printf(" %*s", std::max<int>(8, static_cast<int>(column.name.size())), column.name.c_str());
  std::printf("\n");
  std::fflush(stdout);
}

void SoakSeries::add(const std::vector<double>& row, bool keep) {
  if (row.size() != columns_.size()) throw std::logic_error("a soak row has a value per column");
  for (std::size_t i = 0; i < row.size(); ++i)
    std::printf(" %*.*f", std::max<int>(8, static_cast<int>(columns_[i].name.size())), columns_[i].decimals, row[i]);
  std::printf("\n");
  std::fflush(stdout);
  if (keep) rows_.push_back(row);
}

bool SoakSeries::report() const {
  if (rows_.size() < 4) {
    std::printf("too few samples to judge growth (%zu)\n", rows_.size());
    return false;
  }
  const std::size_t warm = 2, half = (rows_.size() - warm) / 2;
  const auto mean = [&](std::size_t column, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i) sum += rows_[i][column];
    return sum / static_cast<double>(to - from);
  };
  bool flat_all = true;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (!columns_[c].judged) continue;
    double first = mean(c, warm, warm + half), second = mean(c, warm + half, rows_.size());
    const double slack = columns_[c].decimals == 0 ? 3.0 : 0.0;
    bool flat = second - first <= std::max(0.10 * first, slack);
    const char* unit = "";
    if (columns_[c].per_live) {
      const double live_first = mean(live_column_, warm, warm + half);
      const double live_second = mean(live_column_, warm + half, rows_.size());
      if (live_first > 0 && live_second > 0) {
        first /= live_first;
        second /= live_second;
        flat = second - first <= 0.10 * first;
        unit = " per live pod";
      }
    }
    std::printf("%-12s first half %9.2f  second half %9.2f  growth %+6.1f%%  %s%s\n", columns_[c].name.c_str(), first,
                second, first > 0 ? 100.0 * (second - first) / first : 0.0, flat ? "flat" : "GROWS", unit);
    flat_all = flat_all && flat;
  }
  return flat_all;
}

long SoakSeries::count_entries(const std::string& dir) {
  std::error_code ec;
  long n = 0;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++n;
  return n;
}

long SoakSeries::count_files(const std::string& dir) {
  std::error_code ec;
  long n = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) ++n;
  return n;
}

}  // namespace bench
