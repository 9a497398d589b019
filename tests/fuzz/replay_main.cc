// The gcc-built runner of a fuzz target (the meson suite `fuzz`): no
// libFuzzer needed, so every build and CI run keeps the seed corpus and the
// crash reproducers as regression tests, and tries a bounded number of cheap
// mutations of them on top.
//
//   <target>_replay CORPUS_DIR... [--mutations N] [--seed S]
//
// Every regular file of each directory goes through LLVMFuzzerTestOneInput,
// in name order; then N inputs made from them by bit flips, byte changes,
// truncation, insertion, duplication and splicing, from a deterministic
// seed (default 1), so a failure reproduces. A crash or an exception the
// target does not expect ends the process; the input is then written to
// ./replay-crash-<target> for libFuzzer or a unit test to take up.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// The input being run, for the crash handlers (set before each call).
const std::string* g_current = nullptr;
std::string g_crash_path;

void dump_current() {
  if (g_current == nullptr) return;
  // Only async-signal-safe calls: this also runs from a signal handler.
  const int fd = ::open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    std::size_t done = 0;
    while (done < g_current->size()) {
      const ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  static const char msg[] = "replay: the failing input was written to ";
  (void)!::write(2, msg, sizeof msg - 1);
  (void)!::write(2, g_crash_path.c_str(), g_crash_path.size());
  (void)!::write(2, "\n", 1);
}

void on_signal(int sig) {
  dump_current();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One cheap mutation of a corpus entry (libFuzzer does far better; this
// only has to shake the parsers' edges on every build).
std::string mutate(const std::vector<std::string>& corpus, std::mt19937& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  std::string s = corpus[pick(corpus.size())];
  const int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // an interesting byte
        if (!s.empty()) {
          static const char bytes[] = {'\0', '\xff', '\x7f', '\x80', '\n', '\r', '"', ':', '-', '0', '9', ' ', '{', '[', '\\', '%'};
          s[pick(s.size())] = bytes[pick(sizeof bytes)];
        }
        break;
      case 2:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 3:  // drop a range
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<std::size_t>(16, s.size() - at)));
        }
        break;
      case 4:  // insert random bytes
        {
          std::string add(1 + pick(8), '\0');
          for (auto& c : add) c = static_cast<char>(pick(256));
          s.insert(pick(s.size() + 1), add);
        }
        break;
      case 5:  // duplicate a range
        if (!s.empty()) {
          const std::size_t at = pick(s.size());
          const std::string piece = s.substr(at, 1 + pick(64));
          s.insert(pick(s.size() + 1), piece);
        }
        break;
      default:  // splice with another entry
        {
          const std::string& other = corpus[pick(corpus.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> dirs;
  long mutations = 2000;
  unsigned seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) mutations = std::atol(argv[++i]);
    else if (arg == "--seed" && i + 1 < argc) seed = static_cast<unsigned>(std::atol(argv[++i]));
    else dirs.emplace_back(arg);
  }
  const std::string self = std::filesystem::path(argv[0]).filename();
  g_crash_path = "replay-crash-" + self;
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_signal);
  std::set_terminate([] {
    dump_current();
    std::abort();
  });

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> corpus;
  for (const auto& dir : dirs) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      corpus.push_back(read_file(file));
      run(corpus.back());
    }
  }
  if (corpus.empty()) corpus.emplace_back();
  std::mt19937 rng(seed);
  for (long i = 0; i < mutations; ++i) run(mutate(corpus, rng));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << self << ": " << corpus.size() << " corpus inputs and " << mutations << " mutations (seed " << seed
            << ") in " << ms.count() << " ms, no failure\n";
  return 0;
}
