// SIGINT, SIGTERM and SIGHUP as a cancel token: what Ctrl-C does to `query`, and what a client's
// stop does to `serve` (the token's fd wakes the server's reader).
#pragma once

#include "db/db.hpp"

namespace commands {

// Routes the three signals to token() while it lives; one at a time per process.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  db::CancelToken& token() { return token_; }

 private:
  db::CancelToken token_;
};

}  // namespace commands
