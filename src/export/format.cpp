// Format names, extensions and media types, and the one place that picks a writer for a format.
#include <array>

#include "export/export.hpp"
#include "export/writers.hpp"

namespace exports {
namespace {

struct Description {
  Format format;
  std::string_view name;
  std::string_view extension;
  std::string_view media_type;
};

constexpr std::array kFormats = {
    Description{Format::kCsv, "csv", ".csv", "text/csv"},
    Description{Format::kXlsx, "xlsx", ".xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    Description{Format::kGeoJson, "geojson", ".geojson", "application/geo+json"},
    Description{Format::kJsonLines, "jsonl", ".jsonl", "application/jsonl"},
};

const Description& describe(Format format) {
  for (const Description& d : kFormats) {
    if (d.format == format) return d;
  }
  return kFormats[0];
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  for (const Description& d : kFormats) {
    if (d.name == name) return d.format;
  }
  return std::nullopt;
}

std::string_view format_name(Format format) {
  return describe(format).name;
}

std::string_view extension(Format format) {
  return describe(format).extension;
}

std::string_view media_type(Format format) {
  return describe(format).media_type;
}

fam::Result<std::unique_ptr<Writer>> open_writer(Format format, const std::filesystem::path& path,
                                                 const values::Catalog& catalog) {
  switch (format) {
    case Format::kCsv:
      return open_csv(path, catalog);
    case Format::kXlsx:
      return open_xlsx(path, catalog);
    case Format::kGeoJson:
      return open_geojson(path, catalog);
    case Format::kJsonLines:
      return open_jsonl(path, catalog);
  }
  return fam::Failure{fam::FailureKind::kInternal, "unknown export format", ""};
}

}  // namespace exports
