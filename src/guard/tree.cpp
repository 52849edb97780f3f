#include "guard/tree.hpp"

#include <charconv>
#include <limits>

namespace guard {

// Reads the document in one pass, with a stack of the containers still open instead of recursion.
class Tree::Reader {
 public:
  explicit Reader(Tree& tree) : tree_(tree), s_(*tree.text_) {}

  bool run() {
    if (s_.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
    tree_.entries_.reserve(s_.size() / 16 + 1);
    skip_space();
    if (!value(Span{})) return false;
    while (!open_.empty()) {
      skip_space();
      const bool object = tree_.entries_[open_.back().index].kind == Kind::kObject;
      if (at(object ? '}' : ']')) {
        ++i_;
        open_.pop_back();
        continue;
      }
      if (!open_.back().empty) {
        if (!at(',')) return false;  // and after one a value must follow: [1,] is not JSON
        ++i_;
        skip_space();
      }
      Span key;
      if (object) {
        if (!at('"') || !string(key)) return false;
        skip_space();
        if (!at(':')) return false;
        ++i_;
        skip_space();
      }
      if (!value(key)) return false;
    }
    skip_space();
    return i_ == s_.size();
  }

 private:
  struct Open {
    std::uint32_t index;
    std::uint32_t last = kNone;  // its last child so far
    bool empty = true;
  };

  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }

  // Adds an entry under the innermost open container (or as the root), and opens it if it is one.
  bool value(Span key) {
    if (i_ >= s_.size()) return false;
    Entry entry;
    entry.key = key;
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      entry.kind = c == '{' ? Kind::kObject : Kind::kArray;
      ++i_;
    } else if (c == '"') {
      entry.kind = Kind::kString;
      if (!string(entry.text)) return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      entry.kind = Kind::kNumber;
      if (!number(entry.text)) return false;
    } else if (!literal(entry.kind)) {
      return false;
    }
    const auto index = static_cast<std::uint32_t>(tree_.entries_.size());
    tree_.entries_.push_back(entry);
    if (!open_.empty()) {
      Open& parent = open_.back();
      Entry& parent_entry = tree_.entries_[parent.index];
      if (parent.last == kNone)
        parent_entry.first = index;
      else
        tree_.entries_[parent.last].next = index;
      parent.last = index;
      parent.empty = false;
      ++parent_entry.count;
    }
    if (entry.kind == Kind::kObject || entry.kind == Kind::kArray) open_.push_back(Open{index});
    return true;
  }

  bool literal(Kind& kind) {
    static constexpr std::pair<std::string_view, Kind> kWords[] = {
        {"true", Kind::kTrue}, {"false", Kind::kFalse}, {"null", Kind::kNull}};
    const std::string_view rest = std::string_view(s_).substr(i_);
    for (auto [word, meaning] : kWords) {
      if (!rest.starts_with(word)) continue;
      i_ += word.size();
      kind = meaning;
      return true;
    }
    return false;
  }

  std::size_t digits() {
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ - start;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(Span& text) {
    const std::size_t start = i_;
    if (at('-')) ++i_;
    if (at('0'))
      ++i_;
    else if (digits() == 0)
      return false;
    if (at('.')) {
      ++i_;
      if (digits() == 0) return false;
    }
    if (at('e') || at('E')) {
      ++i_;
      if (at('+') || at('-')) ++i_;
      if (digits() == 0) return false;
    }
    text = Span{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i_ - start), false};
    return true;
  }

  // At a quote: reads the string, its escapes decoded into strings_ if it has any.
  bool string(Span& text) {
    const std::size_t start = ++i_;
    std::string decoded;
    bool escaped = false;
    for (;;) {
      if (i_ >= s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') break;
      if (c < 0x20) return false;  // control characters must be escaped
      if (c == '\\') {
        if (!escaped) decoded.assign(s_, start, i_ - start);
        escaped = true;
        if (!escape(decoded)) return false;
        continue;
      }
      const std::size_t length = c < 0x80 ? 1 : utf8_length();
      if (length == 0) return false;
      if (escaped) decoded.append(s_, i_, length);
      i_ += length;
    }
    ++i_;
    if (!escaped) {
      text = Span{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i_ - 1 - start), false};
      return true;
    }
    text = Span{static_cast<std::uint32_t>(tree_.strings_.size()), static_cast<std::uint32_t>(decoded.size()),
                true};
    tree_.strings_ += decoded;
    return tree_.strings_.size() < std::numeric_limits<std::uint32_t>::max();
  }

  // The bytes of the UTF-8 sequence at i_ (well-formed, RFC 3629: no overlong forms, no
  // surrogates, nothing past U+10FFFF), or 0.
  std::size_t utf8_length() const {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s_[i_ + k]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return 0;
    }
    if (i_ + length > s_.size() || byte(1) < low || byte(1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
      if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
    return length;
  }

  std::optional<unsigned> hex4() {
    if (i_ + 4 > s_.size()) return std::nullopt;
    unsigned value = 0;
    auto [end, error] = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, value, 16);
    if (error != std::errc() || end != s_.data() + i_ + 4) return std::nullopt;
    i_ += 4;
    return value;
  }

  // At a backslash: appends what the escape stands for.
  bool escape(std::string& out) {
    if (++i_ >= s_.size()) return false;
    const char c = s_[i_++];
    switch (c) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    auto code = hex4();
    if (!code || (*code >= 0xDC00 && *code <= 0xDFFF)) return false;  // a low surrogate alone
    if (*code >= 0xD800 && *code <= 0xDBFF) {                         // a high one needs its low one
      if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
      i_ += 2;
      auto low = hex4();
      if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
      *code = 0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00);
    }
    append_utf8(out, *code);
    return true;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  Tree& tree_;
  const std::string& s_;
  std::size_t i_ = 0;
  std::vector<Open> open_;
};

std::optional<Tree> Tree::parse(std::string text) {
  Tree tree;
  tree.text_ = std::make_unique<const std::string>(std::move(text));
  if (!Reader(tree).run()) return std::nullopt;
  return tree;
}

Tree::Node Tree::root() const {
  return entries_.empty() ? Node() : Node(this, 0);
}

Tree::Node Tree::Node::operator[](std::string_view key) const {
  if (!is_object()) return Node();
  for (Node member : *this)
    if (member.key() == key) return member;
  return Node();
}

Tree::Node Tree::Node::at(std::size_t index) const {
  if (!is_structured()) return Node();
  for (Node child : *this)
    if (index-- == 0) return child;
  return Node();
}

namespace {

// All of `text` as a T, or nothing.
template <class T>
std::optional<T> read_as(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<double> Tree::Node::number() const {
  return is_number() ? read_as<double>(tree_->view(entry().text)) : std::nullopt;
}

std::optional<long> Tree::Node::integer() const {
  return is_number() ? read_as<long>(tree_->view(entry().text)) : std::nullopt;
}

}  // namespace guard
