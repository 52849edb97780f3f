// placeholder
#include "export/writers.hpp"
namespace exports {
fam::Result<std::unique_ptr<Writer>> open_xlsx(const std::filesystem::path&, const values::Catalog&) {
  return fam::Failure{fam::FailureKind::kInvalid, "xlsx: not yet", ""};
}
}  // namespace exports
