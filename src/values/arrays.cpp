// PostgreSQL array literals -> JSON arrays: "{{1,2},{3,4}}", "{\"a b\",NULL}", "[0:1]={1,2}".
#include "values/kind.hpp"

namespace values::detail {
namespace {

// PostgreSQL's MAXDIM: an array has at most 6 dimensions, so deeper braces are not its output.
constexpr int kMaxDimensions = 6;

class ArrayParser {
 public:
  ArrayParser(std::string& out, std::string_view text, const Catalog::Entry* element, char delimiter,
              const Catalog& catalog, int depth)
      : out_(out), text_(text), element_(element), delimiter_(delimiter), catalog_(catalog), depth_(depth) {}

  bool parse() { return skip_dimensions() && parse_array(1) && pos_ == text_.size(); }

 private:
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  // "[0:1][1:2]=" before the braces when a lower bound is not 1; the braces carry the shape.
  bool skip_dimensions() {
    if (!at('[')) return true;
    while (pos_ < text_.size() && text_[pos_] != '=') {
      const char c = text_[pos_++];
      if (c != '[' && c != ']' && c != ':' && c != '-' && (c < '0' || c > '9')) return false;
    }
    if (!at('=')) return false;
    ++pos_;
    return true;
  }

  bool parse_array(int dimension) {
    if (dimension > kMaxDimensions || !at('{')) return false;
    ++pos_;
    out_.push_back('[');
    if (at('}')) {
      ++pos_;
      out_.push_back(']');
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first) out_.push_back(',');
      const bool ok = at('{') ? parse_array(dimension + 1) : at('"') ? parse_quoted() : parse_unquoted();
      if (!ok || pos_ >= text_.size()) return false;
      const char next = text_[pos_++];
      if (next == '}') break;
      if (next != delimiter_) return false;
    }
    out_.push_back(']');
    return true;
  }

  // "x\"y" -> x"y. Borrowed from the text unless it holds a backslash.
  bool parse_quoted() {
    const std::size_t start = ++pos_;
    bool escaped = false;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        escaped = true;
        ++pos_;
      }
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;  // unterminated quote
    const std::string_view raw = text_.substr(start, pos_ - start);
    ++pos_;
    if (!escaped) {
      append_value(out_, raw, element_, catalog_, depth_ + 1);
      return true;
    }
    scratch_.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\') ++i;
      scratch_.push_back(raw[i]);
    }
    append_value(out_, scratch_, element_, catalog_, depth_ + 1);
    return true;
  }

  // Unquoted: up to the delimiter or '}'. PostgreSQL quotes anything with spaces, quotes,
  // backslashes or braces, and the empty string, so those here mean the text is not its output.
  bool parse_unquoted() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '}') {
      const char c = text_[pos_++];
      if (c == '"' || c == '\\' || c == '{' || c == ' ') return false;
    }
    const std::string_view raw = text_.substr(start, pos_ - start);
    if (raw.empty()) return false;
    if (raw == "NULL") {
      out_.append("null");
    } else {
      append_value(out_, raw, element_, catalog_, depth_ + 1);
    }
    return true;
  }

  std::string& out_;
  std::string_view text_;
  const Catalog::Entry* element_;
  char delimiter_;
  const Catalog& catalog_;
  int depth_;
  std::size_t pos_ = 0;
  std::string scratch_;  // an unescaped quoted element; only allocated when one has a backslash
};

}  // namespace

bool append_array(std::string& out, std::string_view text, const Catalog::Entry& array,
                  const Catalog& catalog, int depth) {
  ArrayParser parser(out, text, catalog.find(array.element), array.delimiter, catalog, depth);
  return parser.parse();
}

}  // namespace values::detail
