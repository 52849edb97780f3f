// Starting the binary: options, secrets, the role check, an unreachable database.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

std::string temp_file(const std::string& content, mode_t mode) {
  char path[] = "/tmp/fam-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << content;
  chmod(path, mode);
  return path;
}

}  // namespace

TEST_CASE("unknown options and malformed values exit 2 with one line", "[startup]") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--bogus"}, {"--max-rows", "many"}, {"--max-rows", "0"}, {"--statement-timeout", "-1"}, {}}) {
    McpClient client(args, true);
    CHECK(client.wait_exit() == 2);
    std::string err = client.stderr_text();
    CHECK(err.find("error:") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  }
}

TEST_CASE("--version and --help print to stdout and exit 0", "[startup]") {
  McpClient version({"--version"}, true);
  CHECK(version.wait_exit() == 0);
  McpClient help({"--help"}, true);
  CHECK(help.wait_exit() == 0);
}

TEST_CASE("a password file readable by others is refused", "[startup]") {
  std::string path = temp_file("secret\n", 0644);
  McpClient client({"--database-url", testing::ro_url(), "--database-password-file", path}, true);
  CHECK(client.wait_exit() == 2);
  CHECK(client.stderr_text().find("chmod 600") != std::string::npos);
  unlink(path.c_str());
}

TEST_CASE("a --database-url that is not a PostgreSQL URL exits 2, shows one, and hides the password",
          "[startup]") {
  for (const char* url : {"mysql://root:hunter2@db.internal/fleet", "not a url", "http://x"}) {
    McpClient client({"--database-url", url}, true);
    CHECK(client.wait_exit() == 2);
    std::string err = client.stderr_text();
    INFO(err);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(err.find("must be a PostgreSQL URL such as postgresql://") != std::string::npos);
    CHECK(err.find("(got '") != std::string::npos);
    CHECK(err.find("hunter2") == std::string::npos);
  }
  McpClient quoted({"--database-url", "mysql://root:hunter2@db.internal/fleet"}, true);
  quoted.wait_exit();
  CHECK(quoted.stderr_text().find("(got 'mysql://root@db.internal/fleet')") != std::string::npos);
}

TEST_CASE("a non-number for an integer option says it must be a whole number in its range", "[startup]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--max-rows", "abc"}, "--max-rows: must be a whole number between 1 and 1000000, not 'abc'"},
      {{"--max-rows", "0x10"}, "--max-rows: must be a whole number between 1 and 1000000, not '0x10'"},
      {{"--statement-timeout", "1.5"}, "--statement-timeout: must be a whole number between 1 and 3600"},
      {{"--pool-size", "many"}, "--pool-size: must be a whole number between 1 and 32"},
      {{"--ssh-port", "ssh"}, "--ssh-port: must be a whole number between 1 and 65535"},
  };
  for (const auto& [args, expected] : cases) {
    McpClient client(args);
    CHECK(client.wait_exit() == 2);
    std::string err = client.stderr_text();
    INFO(err);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(err.find(expected) != std::string::npos);
    CHECK(err.ends_with("(see --help)\n"));
  }
}

TEST_CASE("--help lists every exit code, and 3, 4 and 5 as the query command's", "[startup]") {
  testing::CommandRun help = testing::run_command({"--help"}, true);
  CHECK(help.exit_code == 0);
  const std::string& out = help.out;
  for (const char* line :
       {"  0    ok\n", "  1    a doctor check or a query failed", "  2    bad options",
        "  3    `query`: the database could not be reached\n", "  4    `query`: the role could change data\n",
        "  5    `query`: the SSH tunnel could not be opened\n", "  130  `query`: interrupted"}) {
    INFO(line);
    CHECK(out.find(line) != std::string::npos);
  }
}
