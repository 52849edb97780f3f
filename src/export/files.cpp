// Where exports go, and making a new file there that nothing else owns.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <system_error>

#include "export/export.hpp"

namespace exports {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxNameLength = 100;  // file names stay readable and far below NAME_MAX (255)
constexpr int kMaxAttempts = 10000;          // "-2" ... "-10000": past that, something else is wrong

std::string environment(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
  return value != nullptr ? value : "";
}

// The DOWNLOAD entry of user-dirs.dirs: XDG_DOWNLOAD_DIR="$HOME/Downloads" or an absolute path.
std::string user_dirs_download(const fs::path& file, const std::string& home) {
  std::ifstream in(file);
  std::string line;
  constexpr std::string_view kKey = "XDG_DOWNLOAD_DIR=\"";
  while (std::getline(in, line)) {
    if (!line.starts_with(kKey) || !line.ends_with('"')) continue;
    std::string value = line.substr(kKey.size(), line.size() - kKey.size() - 1);
    if (value.starts_with("$HOME")) return home.empty() ? "" : home + value.substr(5);
    if (value.starts_with('/')) return value;
  }
  return "";
}

fs::path downloads() {
  if (std::string dir = environment("XDG_DOWNLOAD_DIR"); !dir.empty()) return dir;
  const std::string home = environment("HOME");
  const std::string config = environment("XDG_CONFIG_HOME");
  const fs::path config_dir = !config.empty() ? fs::path(config) : fs::path(home) / ".config";
  if (!config.empty() || !home.empty()) {
    if (std::string dir = user_dirs_download(config_dir / "user-dirs.dirs", home); !dir.empty()) return dir;
  }
  if (!home.empty()) return fs::path(home) / "Downloads";
  return fs::temp_directory_path();  // no home at all (a service account): somewhere writable
}

// Letters (any script: a byte of a multibyte UTF-8 character can never be '/' or NUL), digits,
// '-', '_' and '.'.
bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

// Shortens a UTF-8 name to at most `size` bytes without splitting a character.
void cut_at_character(std::string& name, std::size_t size) {
  if (name.size() <= size) return;
  while (size > 0 && (static_cast<unsigned char>(name[size]) & 0xC0) == 0x80) --size;
  name.resize(size);
}

std::string timestamped_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char name[32];
  std::strftime(name, sizeof name, "export-%Y%m%d-%H%M%S", &utc);
  return name;
}

// The stem (the name without the format's extension) the file is called after: "Zürich trips"
// -> "Zürich_trips"; "../../etc/passwd" -> "_.._etc_passwd".
std::string stem_for(std::string_view name, std::string_view ext) {
  std::string stem;
  for (char c : name) {
    if (stem.empty() && c == '.') continue;
    stem.push_back(plain(c) ? c : '_');
  }
  if (stem.ends_with(ext)) stem.resize(stem.size() - ext.size());
  cut_at_character(stem, kMaxNameLength);
  while (!stem.empty() && stem.back() == '.') stem.pop_back();  // "name..csv" reads as a mistake
  return stem.empty() ? timestamped_name() : stem;
}

fam::Failure invalid(const fs::path& directory, std::string_view why) {
  return fam::Failure{fam::FailureKind::kInvalid,
                      "cannot use export directory " + directory.string() + ": " + std::string(why) +
                          "; choose a directory you can write to, or create it, then export again",
                      ""};
}

std::optional<fam::Failure> make_directory(const fs::path& directory) {
  std::error_code error;
  if (fs::is_directory(directory, error)) return std::nullopt;
  if (fs::exists(directory, error)) return invalid(directory, "it exists and is not a directory");
  if (directory.has_parent_path()) {
    fs::create_directories(directory.parent_path(), error);
    if (error) return invalid(directory, error.message());
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
    return invalid(directory, std::strerror(errno));
  if (!fs::is_directory(directory, error)) return invalid(directory, "it exists and is not a directory");
  return std::nullopt;
}

}  // namespace

fs::path default_directory() {
  return downloads() / "fleet-analytics";
}

fam::Result<fs::path> create_file(const fs::path& directory, std::string_view name, Format format) {
  if (auto failure = make_directory(directory)) return *failure;
  const std::string_view ext = extension(format);
  const std::string stem = stem_for(name, ext);
  for (int n = 1; n <= kMaxAttempts; ++n) {
    std::string file = n == 1 ? stem : stem + "-" + std::to_string(n);
    const fs::path path = directory / file.append(ext);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return path;
    }
    if (errno != EEXIST)
      return invalid(directory, "create " + path.filename().string() + ": " + std::strerror(errno));
  }
  return invalid(directory, "too many files named " + stem + "-N" + std::string(ext));
}

}  // namespace exports
