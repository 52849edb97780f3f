// The same work done directly with libpq: the yardstick each figure of ours is compared with.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "values/values.hpp"

namespace bench {

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

struct Credentials {
  std::string url;
  std::string password;
};

// Connects (bounded by connect_timeout); throws with libpq's message on failure.
PgConn connect(const Credentials& credentials);
// Puts the connection into pipeline mode, as the server's connections are.
void enter_pipeline_mode(PGconn* conn);

// One round trip: BEGIN READ ONLY; SELECT 1; ROLLBACK; sync. Needs pipeline mode.
void run_trivial_transaction(PGconn* conn);
// The server's own sequence for `sql`, in one round trip, on a connection of its own in pipeline
// mode: BEGIN READ ONLY; DECLARE; FETCH; sync; ROLLBACK; sync; DISCARD ALL; sync. As in the server,
// a run ends once the first segment is read, and the close's replies are read at the start of the
// next run; the settings are the session's own (the server's startup options), so none are sent.
// With `plan_first`, as the cost guard runs a query: EXPLAIN (FORMAT JSON) and a sync after BEGIN,
// read before the rest is sent (one round trip more).
class ServerSequence {
 public:
  explicit ServerSequence(PGconn* conn) : conn_(conn) {}
  void run(const std::string& sql, long fetch_rows, bool plan_first = false);

 private:
  PGconn* conn_;
  bool close_owed_ = false;
};

// Runs `sql` (text format) and reads every value, as the server must; the bytes read.
std::size_t fetch_all_values(PGconn* conn, const std::string& sql);

// What every type OID means for JSON, read as the server reads it at start (outside pipeline mode).
values::Catalog read_catalog(PGconn* conn);
// Runs `sql` under the server's session settings (UTC, ISO dates, hex bytea) and builds the JSON the
// server's answer carries for its rows, `[[v, …], …]`, with the server's own value converters; the
// JSON's size. The fair yardstick for a big answer: the same rows, fetched and turned into the same
// JSON, without MCP, the guard, the cursor or the text block. Outside pipeline mode.
std::size_t fetch_as_json(PGconn* conn, const std::string& sql, const values::Catalog& catalog);
// The first value of `sql`'s result (outside pipeline mode).
std::string single_value(PGconn* conn, const std::string& sql);

struct Endpoint {
  std::string host;
  int port = 0;
};
// The one TCP host and port `conninfo` (URI or key=value) names, read as the server reads it for
// --ssh-host (no host: localhost, no port: 5432); nullopt for a Unix socket, several hosts, or an
// unreadable string.
std::optional<Endpoint> tcp_endpoint(const std::string& conninfo);
// `conninfo` as a key=value string with its host and port replaced by `endpoint`'s.
std::string with_endpoint(const std::string& conninfo, const Endpoint& endpoint);

}  // namespace bench
