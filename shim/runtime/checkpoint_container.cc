// CheckpointContainer: through Docker's checkpoint API (CRIU), packed into the
// tar archive kubelet names as `location`. Docker offers that API only when
// dockerd runs with experimental features, so a daemon without them gets a
// FAILED_PRECONDITION that says so, before anything is written.
#include <cstdlib>
#include <filesystem>

#include "shim/container/checkpoint_archive.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

constexpr const char* kCheckpointId = "cri-shim";

CriError failed_precondition(const std::string& message) {
  return CriError(grpc::StatusCode::FAILED_PRECONDITION, message);
}

// A scratch directory beside the archive, on the same filesystem, removed
// however the call ends.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& beside) {
    std::string pattern = beside + ".checkpoint-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw CriError(grpc::StatusCode::INTERNAL, "cannot create a scratch directory beside " + beside);
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

grpc::Status RuntimeService::CheckpointContainer(grpc::ServerContext* context,
                                                 const cri::CheckpointContainerRequest* request,
                                                 cri::CheckpointContainerResponse*) {
  return run("CheckpointContainer " + request->container_id(), [&] {
    if (request->container_id().empty()) throw invalid_argument("container_id is empty");
    if (request->location().empty())
      throw invalid_argument("location is empty: it names the tar archive the checkpoint is written to");
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    auto options = call_options(context);
    if (request->timeout() > 0)
      options.deadline = std::min(options.deadline, docker::CallOptions::Clock::now() +
                                                        std::chrono::seconds(request->timeout()));

    const auto found = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    const auto& container = *found;
    if (!container.state.running)
      throw failed_precondition("container " + container.id + " is not running (" + container.state.status +
                                "): only a running container can be checkpointed");
    const auto info = docker_.info(options);
    if (!info.raw.value("ExperimentalBuild", false))
      throw failed_precondition("dockerd at " + docker_.endpoint().to_string() +
                                " runs without experimental features, and Docker offers its checkpoint "
                                "API (CRIU) only then: start dockerd with --experimental and install criu");
    const auto archive_directory = std::filesystem::path(request->location()).parent_path();
    if (!archive_directory.empty() && !std::filesystem::is_directory(archive_directory))
      throw invalid_argument("location " + request->location() + ": directory " + archive_directory.string() +
                             " does not exist");

    ScratchDirectory scratch(request->location());
    docker_.create_checkpoint(container.id, kCheckpointId, scratch.path(), false, options);
    try {
      write_directory_archive(scratch.path() + "/" + kCheckpointId, request->location());
    } catch (const std::runtime_error& e) {
      throw CriError(grpc::StatusCode::INTERNAL, e.what());
    }
  });
}

}  // namespace shim
