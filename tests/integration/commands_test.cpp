// The terminal commands, run as an analyst or operator runs them: `query` and `doctor`.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "mcp_client.hpp"

using testing::CommandRun;
using testing::doctor_line;
using testing::doctor_status;
using testing::json;
using testing::McpClient;
using testing::run_command;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  return lines;
}

}  // namespace

TEST_CASE("query prints an aligned table with a row count", "[commands]") {
  CommandRun run =
      run_command({"query", "SELECT imei, speed_limit_kmh FROM tracksolid.devices ORDER BY imei LIMIT 3"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == " imei            | speed_limit_kmh");
  CHECK(lines[1] == "-----------------+-----------------");
  std::string first_imei = testing::admin_value("SELECT imei FROM tracksolid.devices ORDER BY imei LIMIT 1");
  CHECK(lines[2].rfind(" " + first_imei + " | ", 0) == 0);
  CHECK(lines[2].size() == lines[0].size());  // numbers are right-aligned to the column's width
  CHECK(lines[5] == "(3 rows)");
}

TEST_CASE("query --format csv quotes what needs quoting and leaves NULL empty", "[commands]") {
  CommandRun run = run_command({"query", "--format", "csv",
                                "SELECT 1 AS n, 'a,b' AS comma, 'say \"hi\"' AS quote, NULL AS missing, "
                                "'two\nlines' AS text"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out == "n,comma,quote,missing,text\n1,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\"\n");
}

TEST_CASE("query --format json prints what the MCP tool returns", "[commands]") {
  const std::string sql = "SELECT imei, config, activated_at FROM tracksolid.devices ORDER BY imei LIMIT 5";
  CommandRun run = run_command({"query", "--format", "json", sql});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  McpClient client;
  CHECK(json::parse(run.out) == client.call_tool("query", {{"sql", sql}})["structuredContent"]);
}

TEST_CASE("query says once on stderr when rows were cut by --max-rows", "[commands]") {
  CommandRun run = run_command({"query", "SELECT g FROM generate_series(1, 10) AS g", "--max-rows", "4"});
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(run.out).back() == "(4 rows)");
  CHECK(lines_of(run.err).size() == 1);
  CHECK(run.err.find("Showing max_rows=4 rows: more exist") != std::string::npos);
  CHECK(run.err.find("--output FILE") != std::string::npos);  // a person's way to every row, not a tool's
}

TEST_CASE("query refuses writes through the same guard as the tool, and changes nothing", "[commands]") {
  const std::string before = testing::database_fingerprint();
  for (const char* sql : {"DELETE FROM tracksolid.devices", "SELECT 1; DROP TABLE tracksolid.devices",
                          "SELECT pg_terminate_backend(1)"}) {
    CommandRun run = run_command({"query", sql});
    INFO(sql << "\n" << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.out.empty());
    CHECK(run.err.find("refused") != std::string::npos);
  }
  CommandRun broken = run_command({"query", "SELECT nosuchcolumn FROM tracksolid.devices"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("42703") != std::string::npos);
  CHECK(testing::database_fingerprint() == before);
}

TEST_CASE("Ctrl-C stops the query on the server, not only the command", "[commands]") {
  McpClient command({"query", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s"});
  const std::string running = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                              command.application_name() + "' AND state = 'active' AND query LIKE 'FETCH%'";
  REQUIRE(testing::admin_value_becomes(running, "1"));
  command.send_signal(SIGINT);
  CHECK(command.wait_exit() == 130);
  CHECK(command.stderr_text().find("cancelled on the server") != std::string::npos);
  // Without the cancel, the server would go on counting long after the process is gone.
  CHECK(testing::admin_value_becomes(running, "0"));
}

TEST_CASE("query without SQL or with an unknown format is a usage error", "[commands]") {
  CHECK(run_command({"query"}).exit_code == 2);
  CommandRun bad_format = run_command({"query", "--format", "xml", "SELECT 1"});
  CHECK(bad_format.exit_code == 2);
  CHECK(bad_format.err.find("xml") != std::string::npos);
}

TEST_CASE("doctor passes every check for the read-only role on a direct connection", "[commands][doctor]") {
  CommandRun run = run_command({"doctor"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  for (const char* check :
       {"configuration", "export folder", "database login", "read-only role", "least privilege",
        "role limits", "stuck statements", "data access", "extensions"}) {
    INFO(check);
    CHECK(doctor_status(run, check) == "ok");
  }
  CHECK(doctor_status(run, "SSH tunnel") == "skip");
  CHECK(doctor_line(run, "extensions").find("postgis") != std::string::npos);
  CHECK(doctor_line(run, "data access").find("tracksolid") != std::string::npos);
  CHECK(doctor_line(run, "role limits").find("CONNECTION LIMIT 10, temp_file_limit 1GB") !=
        std::string::npos);
}

TEST_CASE("doctor checks that exports can be written, and names the folder that cannot",
          "[commands][doctor]") {
  const std::string folder = "/tmp/fam-doctor-export-" + std::to_string(::getpid());
  CommandRun fine = run_command({"doctor", "--export-dir", folder + "/new"});
  CHECK(doctor_status(fine, "export folder") == "ok");
  CHECK(doctor_line(fine, "export folder").find("created, readable only by you, on the first export") !=
        std::string::npos);
  { std::ofstream file(folder); }  // a file where the folder should be
  CommandRun blocked = run_command({"doctor", "--export-dir", folder + "/new"});
  std::filesystem::remove(folder);
  CHECK(blocked.exit_code == 1);
  CHECK(doctor_status(blocked, "export folder") == "FAIL");
  CHECK(doctor_line(blocked, "export folder").find("--export-dir") != std::string::npos);
}

TEST_CASE("doctor names the statements of the role that ignore cancel", "[commands][doctor]") {
  McpClient client;
  client.send_call("slow", "query", {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s"}});
  const std::string running = "FROM pg_stat_activity WHERE application_name = '" + client.application_name() +
                              "' AND state = 'active' AND query LIKE 'FETCH%'";
  REQUIRE(testing::admin_value_becomes("SELECT count(*) " + running, "1"));
  const std::string pid = testing::admin_value("SELECT pid " + running);
  REQUIRE(kill(std::stoi(pid), SIGSTOP) == 0);  // ignores cancel from now on; the tests run as root
  REQUIRE(testing::admin_value_becomes(
      "SELECT count(*) " + running + " AND now() - query_start > interval '2 s'", "1"));
  CommandRun run = run_command({"doctor", "--statement-timeout", "1"});
  kill(std::stoi(pid), SIGCONT);
  INFO(run.out);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "stuck statements") == "FAIL");
  CHECK(doctor_line(run, "stuck statements").find(pid) != std::string::npos);
}

TEST_CASE("doctor reports a missing database URL as a failed configuration", "[commands][doctor]") {
  CommandRun run = run_command({"doctor"}, true);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "configuration") == "FAIL");
  CHECK(doctor_line(run, "configuration").find("--database-url") != std::string::npos);
  CHECK(doctor_status(run, "database login") == "skip");
}

TEST_CASE("doctor reports a wrong password at the database login", "[commands][doctor]") {
  char path[] = "/tmp/fam-doctor-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "wrong\n", 6) == 6);
  close(fd);
  CommandRun run =
      run_command({"doctor", "--database-url", testing::ro_url(), "--database-password-file", path}, true);
  unlink(path);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "configuration") == "ok");
  CHECK(doctor_status(run, "database login") == "FAIL");
  CHECK(doctor_line(run, "database login").find("password") != std::string::npos);
  CHECK(doctor_status(run, "read-only role") == "skip");
}

TEST_CASE("doctor fails a role that could change data and says how to fix it", "[commands][doctor]") {
  CommandRun run = run_command({"doctor", "--database-url", testing::admin_url()}, true);
  INFO(run.out);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "database login") == "ok");
  CHECK(doctor_status(run, "read-only role") == "FAIL");
  CHECK(doctor_line(run, "read-only role").find("bootstrap_analytics_ro.sh") != std::string::npos);
}

TEST_CASE("--max-rows reads a leading zero as decimal, not octal", "[commands]") {
  CommandRun run = run_command({"query", "SELECT g FROM generate_series(1, 20) AS g", "--max-rows", "010"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(lines_of(run.out).back() == "(10 rows)");
}

TEST_CASE("doctor reports a --database-url that is not a PostgreSQL URL as a failed configuration",
          "[commands][doctor]") {
  CommandRun run = run_command({"doctor", "--database-url", "mysql://root:hunter2@db.internal/fleet"}, true);
  INFO(run.out);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "configuration") == "FAIL");
  CHECK(doctor_line(run, "configuration").find("postgresql://analytics_ro@") != std::string::npos);
  CHECK(run.out.find("hunter2") == std::string::npos);
  CHECK(doctor_status(run, "database login") == "skip");
}

TEST_CASE("doctor accepts libpq key=value settings as --database-url", "[commands][doctor]") {
  // The sandbox's URL, postgresql://USER@HOST:PORT/DBNAME, spelled as key=value settings.
  const std::string scheme = "postgresql://", url = testing::ro_url();
  const std::size_t at = url.find('@'), colon = url.rfind(':'), slash = url.rfind('/');
  REQUIRE((url.rfind(scheme, 0) == 0 && at != std::string::npos && colon > at && slash > colon));
  const std::string settings = "user=" + url.substr(scheme.size(), at - scheme.size()) +
                               " host=" + url.substr(at + 1, colon - at - 1) +
                               " port=" + url.substr(colon + 1, slash - colon - 1) +
                               " dbname=" + url.substr(slash + 1);
  CommandRun run = run_command(
      {"doctor", "--database-url", settings, "--database-password-file", testing::ro_password_file()}, true);
  INFO(settings << "\n" << run.out);
  CHECK(run.exit_code == 0);
  CHECK(doctor_status(run, "configuration") == "ok");
  CHECK(doctor_status(run, "database login") == "ok");
}

TEST_CASE("doctor's checks never tell the user to run doctor", "[commands][doctor]") {
  CommandRun run =
      run_command({"doctor", "--database-url", "postgresql://analytics_ro@127.0.0.1:1/tracksolid_db"}, true);
  INFO(run.out);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, "database login") == "FAIL");
  // Still says what to do.
  CHECK(doctor_line(run, "database login").find("--database-url") != std::string::npos);
  std::vector<std::string> lines = lines_of(run.out);
  REQUIRE(lines.size() > 2);
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {  // not the banner, nor the summary's "run it again"
    INFO(lines[i]);
    CHECK(lines[i].find("fleet-analytics-mcp doctor") == std::string::npos);
  }
}

TEST_CASE("doctor names at most three ways a superuser could write, and the fix", "[commands][doctor]") {
  CommandRun run = run_command({"doctor", "--database-url", testing::admin_url()}, true);
  std::string line = doctor_line(run, "read-only role");
  INFO(line);
  CHECK(doctor_status(run, "read-only role") == "FAIL");
  CHECK(line.find("is a superuser") != std::string::npos);
  CHECK(line.find(" more)") != std::string::npos);
  CHECK(line.find("bootstrap_analytics_ro.sh") != std::string::npos);
  CHECK(line.size() < 300);
}

TEST_CASE("query holds no more than the answer's budget in any format", "[commands][memory]") {
  for (const char* format : {"table", "csv", "json"}) {
    CommandRun run = run_command({"query", "SELECT g, md5(g::text) FROM generate_series(1, 100000) AS g",
                                  "--max-rows", "100000", "--format", format});
    INFO(format << ": peak RSS " << run.peak_rss_kib / 1024 << " MiB");
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.size() > 3'000'000);
    REQUIRE(run.peak_rss_kib > 0);  // read while it waited for us to take its output
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer's shadow memory makes RSS meaningless
    CHECK(run.peak_rss_kib < 64L * 1024);
#endif
  }
}
