// Assertions shared by the guard tests: each names the SQL it checked, so a failure reads as a case.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "guard/guard.hpp"

namespace guard_test {

inline std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(), [](unsigned char c) { return std::tolower(c); });
  return result;
}

inline void require_allowed(const std::string& sql,
                            guard::StatementKind kind = guard::StatementKind::kQuery) {
  INFO("SQL: " << sql);
  const guard::Verdict verdict = guard::check(sql);
  const std::string refusal = verdict ? "" : verdict.failure().message;
  CAPTURE(refusal);
  REQUIRE(verdict.ok());
  CHECK(verdict->kind() == kind);
  CHECK(verdict->text() == sql);
}

// `reason_part` is matched without regard to case: it is the name the refusal must mention.
inline void require_refused(const std::string& sql, std::string_view reason_part) {
  INFO("SQL: " << sql);
  const guard::Verdict verdict = guard::check(sql);
  REQUIRE_FALSE(verdict.ok());
  const fam::Failure& refusal = verdict.failure();
  CAPTURE(refusal.message);
  CHECK(refusal.kind == fam::FailureKind::kRefused);
  CHECK(refusal.message.starts_with("refused: "));
  CHECK(lower(refusal.message).find(lower(reason_part)) != std::string::npos);
}

}  // namespace guard_test
