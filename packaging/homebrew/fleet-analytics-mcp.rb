# Homebrew formula for fleet-analytics-mcp, for analysts on macOS.
#
# url, sha256 and the commit passed as FAM_GIT_COMMIT are placeholders until packaging/release.sh
# makes the release's source tarball (git archive) and writes them here. Then, from a tap that holds
# this file:  brew install fleet-analytics-mcp
class FleetAnalyticsMcp < Formula
  desc "Read-only MCP server for the fleet analytics PostgreSQL database"
  homepage "https://github.com/fleet-analytics/fleet-analytics-mcp"
  url "https://github.com/fleet-analytics/fleet-analytics-mcp/releases/download/v0.1.0/fleet-analytics-mcp-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"

  depends_on "cli11" => :build # header-only
  depends_on "cmake" => :build
  depends_on "nlohmann-json" => :build # header-only
  depends_on "pkgconf" => :build # Homebrew's pkg-config
  depends_on "libpg_query"
  depends_on "libpq"
  depends_on "libssh2"

  def install
    # A source tarball has no .git: the commit that --version shows comes from here.
    args = %w[-DFAM_TESTS=OFF -DFAM_GIT_COMMIT=000000000000]
    system "cmake", "-S", ".", "-B", "build", *args, *std_cmake_args
    system "cmake", "--build", "build"
    # The binary, the man page, the docs, and the database host's scripts under share/.
    system "cmake", "--install", "build"
  end

  def caveats
    <<~EOS
      Add it to Claude Code (see `man fleet-analytics-mcp` for the SSH tunnel and the rest):
        claude mcp add --transport stdio fleet-analytics -- #{opt_bin}/fleet-analytics-mcp \\
          --database-url 'postgresql://analytics_ro@db.internal:5432/tracksolid_db' \\
          --database-password-file ~/.analytics_ro.pw
      Check the set-up first with the same options:
        fleet-analytics-mcp doctor --database-url ... --database-password-file ...
    EOS
  end

  test do
    # The release and the commit it was built from (FAM_GIT_COMMIT above).
    assert_match(/^fleet-analytics-mcp #{Regexp.escape(version.to_s)} \([0-9a-f]{12}\)$/,
                 shell_output("#{bin}/fleet-analytics-mcp --version"))
    assert_match "--database-url", shell_output("#{bin}/fleet-analytics-mcp --help")
    # A bad option is refused with exit code 2 and one line on stderr.
    assert_match "error", shell_output("#{bin}/fleet-analytics-mcp --no-such-option 2>&1", 2)
  end
end
