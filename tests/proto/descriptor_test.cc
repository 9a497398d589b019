// Holds proto/runtime/v1/api.proto, as compiled into cri_proto, against the
// reference descriptor of the upstream CRI v1 API (shared/cri-api/).
//
// The reference lives outside the repository; where it is absent the
// comparison is skipped and the program exits with 77, which meson reports as
// SKIP. Set CRI_API_DESCRIPTOR to compare against another copy.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "descriptor_diff.h"
// Not api.pb.h directly: doctest.h has already pulled in <signal.h>.
#include "runtime/v1/api.h"

namespace {

namespace pb = google::protobuf;

bool reference_skipped = false;

struct ReferenceLocation {
  std::filesystem::path path;
  bool from_env;  // an explicit path that is missing is an error, not a skip
};

ReferenceLocation locate_reference() {
  if (const char* env = std::getenv("CRI_API_DESCRIPTOR"); env && *env) {
    return {env, true};
  }
  return {std::filesystem::path(CRI_SHIM_SOURCE_ROOT) / ".." / "shared" /
              "cri-api" / "runtime-v1.descriptor.txtpb",
          false};
}

pb::FileDescriptorProto our_file() {
  pb::FileDescriptorProto file;
  cri::VersionRequest::descriptor()->file()->CopyTo(&file);
  return file;
}

std::string join(const std::vector<std::string>& lines) {
  std::string joined;
  for (const std::string& line : lines) joined += "\n  " + line;
  return joined;
}

}  // namespace

TEST_CASE("our compiled-in CRI v1 descriptor matches the reference") {
  const ReferenceLocation ref = locate_reference();
  if (!std::filesystem::exists(ref.path)) {
    REQUIRE_MESSAGE(!ref.from_env,
                    "CRI_API_DESCRIPTOR names a missing file: " << ref.path);
    MESSAGE("SKIP: reference descriptor not found at " << ref.path);
    reference_skipped = true;
    return;
  }

  std::ifstream in(ref.path);
  std::stringstream text;
  text << in.rdbuf();
  pb::FileDescriptorSet set;
  REQUIRE_MESSAGE(pb::TextFormat::ParseFromString(text.str(), &set),
                  "cannot parse " << ref.path);
  REQUIRE(set.file_size() == 1);

  const std::vector<std::string> diffs =
      cri_test::diff_files(our_file(), set.file(0));
  CHECK_MESSAGE(diffs.empty(), diffs.size()
                                   << " difference(s), ours != reference:"
                                   << join(diffs));
}

TEST_CASE("the generated code carries the expected names") {
  CHECK(our_file().name() == "runtime/v1/api.proto");
  CHECK(std::string(cri::RuntimeService::service_full_name()) ==
        "runtime.v1.RuntimeService");
  CHECK(std::string(cri::ImageService::service_full_name()) ==
        "runtime.v1.ImageService");
}

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit() || result != 0) return result;
  return reference_skipped ? 77 : 0;  // 77: meson's exit code for SKIP
}
