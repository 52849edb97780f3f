// guard::check on arbitrary text: never crashes, and keeps its contract (an allowed statement comes
// back as the same text; a refusal is kRefused and says "refused: ...").
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "guard/guard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  guard::Verdict verdict = guard::check(sql);
  if (verdict.ok()) {
    if (verdict->text() != sql) std::abort();
  } else {
    const fam::Failure& refusal = verdict.failure();
    if (refusal.kind != fam::FailureKind::kRefused || !refusal.message.starts_with("refused: ")) std::abort();
  }
  return 0;
}
