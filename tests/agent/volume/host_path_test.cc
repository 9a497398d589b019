// hostPath types: checked as kubelet checks them, *OrCreate made.
#include "agent/volume/host_path.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/agent/support/temp_dir.h"

using namespace agent::volume;
using agent::testing::TempDir;
using agent::testing::read_file;
using agent::pod::HostPathType;
using agent::pod::HostPathVolume;
namespace fs = std::filesystem;

TEST_CASE("each hostPath type accepts its kind and names the mismatch") {
  TempDir dir;
  const std::string file = dir.path() + "/file";
  std::ofstream(file) << "x";
  const std::string sock = dir.path() + "/sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

  CHECK(check_host_path({dir.path(), HostPathType::Directory}).empty());
  CHECK(check_host_path({file, HostPathType::Directory}) ==
        "hostPath type check failed: " + file + " is not a directory");
  CHECK(check_host_path({file, HostPathType::File}).empty());
  CHECK(check_host_path({dir.path(), HostPathType::File}) ==
        "hostPath type check failed: " + dir.path() + " is not a file");
  CHECK(check_host_path({sock, HostPathType::Socket}).empty());
  CHECK(check_host_path({file, HostPathType::Socket}).find("is not a socket file") != std::string::npos);
  CHECK(check_host_path({"/dev/null", HostPathType::CharDevice}).empty());
  CHECK(check_host_path({file, HostPathType::CharDevice}).find("is not a character device") != std::string::npos);
  CHECK(check_host_path({"/dev/null", HostPathType::BlockDevice}).find("is not a block device") != std::string::npos);
  CHECK(check_host_path({dir.path() + "/missing", HostPathType::Directory}).find("does not exist") !=
        std::string::npos);
  // Type "" checks nothing, not even existence (the runtime decides).
  CHECK(check_host_path({dir.path() + "/missing", HostPathType::Unset}).empty());
  ::close(fd);
}

TEST_CASE("DirectoryOrCreate and FileOrCreate make what is missing") {
  TempDir dir;
  const std::string nested = dir.path() + "/a/b";
  CHECK(check_host_path({nested, HostPathType::DirectoryOrCreate}).empty());
  CHECK(fs::is_directory(nested));
  const std::string file = dir.path() + "/new.txt";
  CHECK(check_host_path({file, HostPathType::FileOrCreate}).empty());
  CHECK(fs::is_regular_file(file));
  // FileOrCreate makes no directories, as kubelet's.
  CHECK(check_host_path({dir.path() + "/no/such/file", HostPathType::FileOrCreate}).find("cannot create file") !=
        std::string::npos);
  CHECK(check_host_path({file, HostPathType::DirectoryOrCreate}).find("is not a directory") != std::string::npos);
}
