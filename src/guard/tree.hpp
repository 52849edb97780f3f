// A read-only JSON document read into one vector of entries: how the guard holds libpg_query's parse
// tree. The tree's objects are small and many; built as nlohmann objects (a std::map each, then torn
// down) they took two thirds of the guard's time. Internal to guard/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guard {

class Tree {
 public:
  class Node;

  Tree() = default;  // empty: its root is missing
  // Nothing when `text` is not one JSON value (RFC 8259) in valid UTF-8, escapes included. Nesting
  // of any depth is read without recursion.
  static std::optional<Tree> parse(std::string text);
  Node root() const;

 private:
  enum class Kind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };
  // Where a key or a value's text is: in the document, or (when it had escapes) decoded in strings_.
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    bool decoded = false;
  };
  static constexpr std::uint32_t kNone = 0;  // no child, no next sibling: the root is nobody's
  struct Entry {
    Kind kind = Kind::kNull;
    std::uint32_t first = kNone;  // first child
    std::uint32_t next = kNone;   // next sibling
    std::uint32_t count = 0;      // children
    Span key;                     // as a member of an object
    Span text;                    // a string's value, a number as written
  };
  class Reader;

  std::string_view view(Span span) const {
    const std::string& from = span.decoded ? strings_ : *text_;
    return std::string_view(from).substr(span.offset, span.size);
  }

  std::unique_ptr<const std::string> text_;  // apart, so that a moved Tree's spans still hold
  std::string strings_;
  std::vector<Entry> entries_;
};

// One value of a Tree, or a missing one (what a lookup that finds nothing gives: every question
// about it answers no, empty or nothing). Valid while its Tree lives.
class Tree::Node {
 public:
  bool exists() const { return tree_ != nullptr; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_structured() const { return is_object() || is_array(); }
  bool is_boolean() const { return kind() == Kind::kTrue || kind() == Kind::kFalse; }
  bool is_true() const { return kind() == Kind::kTrue; }

  // An object's members or an array's items; 0 for anything else.
  std::size_t size() const { return exists() ? entry().count : 0; }
  // The member named `key` of an object; missing otherwise.
  Node operator[](std::string_view key) const;
  // The item at `index` of an array (or member of an object); missing past the end.
  Node at(std::size_t index) const;
  Node back() const { return size() ? at(size() - 1) : Node(); }
  // Its name, as a member of an object; "" otherwise.
  std::string_view key() const { return exists() ? tree_->view(entry().key) : ""; }
  // A string's value, decoded; "" for anything else.
  std::string_view string() const { return is_string() ? tree_->view(entry().text) : ""; }
  std::optional<double> number() const;
  std::optional<long> integer() const;  // a number without fraction or exponent that fits

  // Iterates the children: an array's items, an object's members (each with its key()).
  class Iterator {
   public:
    Node operator*() const { return Node(tree_, index_); }
    Iterator& operator++() {
      index_ = tree_->entries_[index_].next;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return index_ != other.index_; }

   private:
    friend class Node;
    Iterator(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    const Tree* tree_;
    std::uint32_t index_;
  };
  Iterator begin() const { return {tree_, exists() ? entry().first : kNone}; }
  Iterator end() const { return {tree_, kNone}; }

 private:
  friend class Tree;
  Node() = default;
  Node(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
  const Entry& entry() const { return tree_->entries_[index_]; }
  Kind kind() const { return exists() ? entry().kind : Kind::kNull; }

  const Tree* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

}  // namespace guard
