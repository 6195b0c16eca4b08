#pragma once
// A staging directory beside the destination: an export writes there and `commit` renames the
// finished files into place, so a failed export leaves nothing half-written behind.
#include <filesystem>
#include <string>
#include <vector>

namespace antt::exporter {

class StagingDirectory {
 public:
  /// Creates ".NAME.antt-tmp-XXXXXX" in the directory of `destination`; throws UsageError when
  /// that directory does not exist, Error when it cannot be written.
  explicit StagingDirectory(const std::filesystem::path& destination);
  /// Removes the staging directory and whatever is left in it.
  ~StagingDirectory();
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  /// Where to write the file that will become `destination_dir / file_name`.
  std::filesystem::path path_for(const std::string& file_name) const { return path_ / file_name; }
  /// The files written so far (names only).
  std::vector<std::string> file_names() const;
  /// Moves every staged file into the destination directory, replacing files of the same name.
  void commit();

 private:
  std::filesystem::path target_dir_;
  std::filesystem::path path_;
};

}  // namespace antt::exporter
