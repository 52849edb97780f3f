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
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
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

TEST_CASE("a wrong password fails at start with a clear message", "[startup]") {
  std::string path = temp_file("wrong-password\n", 0600);
  McpClient client({"--database-url", testing::ro_url(), "--database-password-file", path}, true);
  CHECK(client.wait_exit() == 3);
  CHECK(client.stderr_text().find("cannot connect to the database") != std::string::npos);
  unlink(path.c_str());
}

TEST_CASE("an unreachable database fails at start, not a hang", "[startup]") {
  McpClient client({"--database-url", "postgresql://analytics_ro@127.0.0.1:1/tracksolid_db"}, true);
  CHECK(client.wait_exit() == 3);
  CHECK(client.stderr_text().find("doctor") != std::string::npos);
}

TEST_CASE("a role that could write is refused unless explicitly allowed", "[startup]") {
  McpClient refused({"--database-url", testing::admin_url()}, true);
  CHECK(refused.wait_exit() == 4);
  std::string err = refused.stderr_text();
  CHECK(err.find("refusing to serve") != std::string::npos);
  CHECK(err.find("superuser") != std::string::npos);

  McpClient allowed({"--database-url", testing::admin_url(), "--allow-writable-role"}, true);
  json result = allowed.call_tool("query", {{"sql", "SELECT current_user"}});
  CHECK(result["isError"] == false);
}
