// A scripted HTTP server on a unix socket, standing in for dockerd in the
// transport unit tests. Each accepted connection runs on its own thread and
// hands every request (head + de-chunked body) to the handler, which writes
// whatever bytes it likes to the fd and says whether to keep the connection.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace testing {

struct FakeRequest {
  std::string head;  // request line + headers
  std::string body;  // de-chunked
  int index_on_connection = 0;
  std::string line() const { return head.substr(0, head.find("\r\n")); }
};

inline void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(std::size_t(n));
  }
}

inline std::string chunk(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

inline std::string json_reply(int status, const std::string& body, const char* extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class FakeDockerd {
 public:
  // Returns false to close the connection after handling.
  using Handler = std::function<bool(int fd, const FakeRequest& request)>;

  // `tcp`: listen on 127.0.0.1 at a free port instead of a unix socket.
  explicit FakeDockerd(Handler handler, bool tcp = false) : handler_(std::move(handler)) {
    if (tcp) {
      listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in in{};
      in.sin_family = AF_INET;
      in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof in;
      if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&in), sizeof in) != 0 ||
          ::listen(listen_fd_, 16) != 0 ||
          ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&in), &len) != 0)
        throw std::runtime_error("fake dockerd: cannot listen on 127.0.0.1");
      endpoint_ = "tcp://127.0.0.1:" + std::to_string(ntohs(in.sin_port));
      acceptor_ = std::thread([this] { accept_loop(); });
      return;
    }
    std::random_device rd;
    path_ = "/tmp/fake-dockerd-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + ".sock";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    ::unlink(path_.c_str());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0)
      throw std::runtime_error("fake dockerd: cannot listen on " + path_);
    endpoint_ = "unix://" + path_;
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~FakeDockerd() {
    stop_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
    ::close(listen_fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  std::string endpoint() const { return endpoint_; }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads until `n` bytes are buffered; false on EOF or stop.
  bool fill(int fd, std::string& buf, std::size_t n) {
    char tmp[65536];
    while (buf.size() < n) {
      pollfd p{fd, POLLIN, 0};
      if (stop_) return false;
      if (::poll(&p, 1, 20) <= 0) continue;
      ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
      if (r <= 0) return false;
      buf.append(tmp, std::size_t(r));
    }
    return true;
  }

  bool fill_until(int fd, std::string& buf, const char* marker, std::size_t from, std::size_t& pos) {
    while ((pos = buf.find(marker, from)) == std::string::npos)
      if (!fill(fd, buf, buf.size() + 1)) return false;
    return true;
  }

  bool read_request(int fd, std::string& buf, FakeRequest& req) {
    std::size_t end;
    if (!fill_until(fd, buf, "\r\n\r\n", 0, end)) return false;
    req.head = buf.substr(0, end + 2);
    buf.erase(0, end + 4);
    req.body.clear();
    std::string lower = req.head;
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (auto cl = lower.find("content-length: "); cl != std::string::npos) {
      std::size_t len = std::stoul(lower.substr(cl + 16));
      if (!fill(fd, buf, len)) return false;
      req.body = buf.substr(0, len);
      buf.erase(0, len);
    } else if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        std::size_t eol;
        if (!fill_until(fd, buf, "\r\n", 0, eol)) return false;
        std::size_t size = std::stoul(buf.substr(0, eol), nullptr, 16);
        if (!fill(fd, buf, eol + 2 + size + 2)) return false;
        req.body.append(buf, eol + 2, size);
        buf.erase(0, eol + 2 + size + 2);
        if (size == 0) break;
      }
    }
    return true;
  }

  void serve(int fd) {
    std::string buf;
    FakeRequest req;
    for (int i = 0;; ++i) {
      req.index_on_connection = i;
      if (!read_request(fd, buf, req)) break;
      ++requests_;
      if (!handler_(fd, req)) break;
    }
    ::close(fd);
  }

  Handler handler_;
  std::string path_, endpoint_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0}, requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

}  // namespace testing
