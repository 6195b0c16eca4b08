#include "staging.hpp"

#include <algorithm>
#include <random>

#include "antt/core/error.hpp"

namespace antt::exporter {

StagingDirectory::StagingDirectory(const std::filesystem::path& destination) {
  target_dir_ = destination.parent_path().empty() ? std::filesystem::path(".") : destination.parent_path();
  if (!std::filesystem::is_directory(target_dir_))
    throw UsageError("the directory '" + target_dir_.string() + "' does not exist / thư mục không tồn tại");
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = target_dir_ / ("." + destination.stem().string() + ".antt-tmp-" + std::to_string(random() % 1000000));
    std::error_code error;
    if (std::filesystem::create_directory(candidate, error)) {
      path_ = candidate;
      return;
    }
  }
  throw Error("cannot create a temporary directory in '" + target_dir_.string() + "' (is it writable?)");
}

StagingDirectory::~StagingDirectory() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> StagingDirectory::file_names() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_))
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void StagingDirectory::commit() {
  for (const auto& name : file_names()) {
    std::error_code error;
    std::filesystem::rename(path_ / name, target_dir_ / name, error);
    if (error) throw Error("cannot move the exported file into '" + (target_dir_ / name).string() + "': " + error.message());
  }
}

}  // namespace antt::exporter
