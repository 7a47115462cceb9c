// The out-of-line parts of libstdc++ that common header-only code reaches, which normally live in
// libstdc++.so / libstdc++.a (tree.cc, list.cc, hashtable_c++0x.cc, hash_bytes.cc,
// shared_ptr.cc). Guests link no libstdc++, so without these std::map / std::set, std::list,
// std::unordered_map and std::make_shared would not link. They implement the same data-structure
// invariants the headers expect (the header node layouts of bits/stl_tree.h and bits/stl_list.h);
// the hash functions and the bucket-count sequence need only be deterministic, not identical to
// libstdc++'s.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

namespace std {

// ---- red-black trees (std::map, std::set, std::multimap, std::multiset) ----

namespace {

using Node = _Rb_tree_node_base;

Node* Minimum(Node* x) {
  while (x->_M_left != nullptr) x = x->_M_left;
  return x;
}

Node* Maximum(Node* x) {
  while (x->_M_right != nullptr) x = x->_M_right;
  return x;
}

Node* Increment(Node* x) {
  if (x->_M_right != nullptr) return Minimum(x->_M_right);
  Node* parent = x->_M_parent;
  while (x == parent->_M_right) {
    x = parent;
    parent = parent->_M_parent;
  }
  // Incrementing the rightmost node of a one-node tree ends at the header, whose right child is
  // that node: the loop above stops one step early there.
  if (x->_M_right != parent) x = parent;
  return x;
}

Node* Decrement(Node* x) {
  // The header (red, and its parent's parent is itself) decrements to the rightmost node.
  if (x->_M_color == _S_red && x->_M_parent->_M_parent == x) return x->_M_right;
  if (x->_M_left != nullptr) return Maximum(x->_M_left);
  Node* parent = x->_M_parent;
  while (x == parent->_M_left) {
    x = parent;
    parent = parent->_M_parent;
  }
  return parent;
}

void RotateLeft(Node* x, Node*& root) {
  Node* y = x->_M_right;
  x->_M_right = y->_M_left;
  if (y->_M_left != nullptr) y->_M_left->_M_parent = x;
  y->_M_parent = x->_M_parent;
  if (x == root) {
    root = y;
  } else if (x == x->_M_parent->_M_left) {
    x->_M_parent->_M_left = y;
  } else {
    x->_M_parent->_M_right = y;
  }
  y->_M_left = x;
  x->_M_parent = y;
}

void RotateRight(Node* x, Node*& root) {
  Node* y = x->_M_left;
  x->_M_left = y->_M_right;
  if (y->_M_right != nullptr) y->_M_right->_M_parent = x;
  y->_M_parent = x->_M_parent;
  if (x == root) {
    root = y;
  } else if (x == x->_M_parent->_M_right) {
    x->_M_parent->_M_right = y;
  } else {
    x->_M_parent->_M_left = y;
  }
  y->_M_right = x;
  x->_M_parent = y;
}

bool IsBlack(const Node* x) { return x == nullptr || x->_M_color == _S_black; }

}  // namespace

Node* _Rb_tree_increment(Node* x) throw() { return Increment(x); }
const Node* _Rb_tree_increment(const Node* x) throw() { return Increment(const_cast<Node*>(x)); }
Node* _Rb_tree_decrement(Node* x) throw() { return Decrement(x); }
const Node* _Rb_tree_decrement(const Node* x) throw() { return Decrement(const_cast<Node*>(x)); }

// The header node holds root (parent), leftmost (left) and rightmost (right).
void _Rb_tree_insert_and_rebalance(const bool insert_left, Node* x, Node* p, Node& header) throw() {
  Node*& root = header._M_parent;
  x->_M_parent = p;
  x->_M_left = nullptr;
  x->_M_right = nullptr;
  x->_M_color = _S_red;

  if (insert_left) {
    p->_M_left = x;  // also makes leftmost = x when p == &header
    if (p == &header) {
      header._M_parent = x;
      header._M_right = x;
    } else if (p == header._M_left) {
      header._M_left = x;
    }
  } else {
    p->_M_right = x;
    if (p == header._M_right) header._M_right = x;
  }

  while (x != root && x->_M_parent->_M_color == _S_red) {
    Node* const grandparent = x->_M_parent->_M_parent;
    if (x->_M_parent == grandparent->_M_left) {
      Node* const uncle = grandparent->_M_right;
      if (uncle != nullptr && uncle->_M_color == _S_red) {
        x->_M_parent->_M_color = _S_black;
        uncle->_M_color = _S_black;
        grandparent->_M_color = _S_red;
        x = grandparent;
      } else {
        if (x == x->_M_parent->_M_right) {
          x = x->_M_parent;
          RotateLeft(x, root);
        }
        x->_M_parent->_M_color = _S_black;
        grandparent->_M_color = _S_red;
        RotateRight(grandparent, root);
      }
    } else {
      Node* const uncle = grandparent->_M_left;
      if (uncle != nullptr && uncle->_M_color == _S_red) {
        x->_M_parent->_M_color = _S_black;
        uncle->_M_color = _S_black;
        grandparent->_M_color = _S_red;
        x = grandparent;
      } else {
        if (x == x->_M_parent->_M_left) {
          x = x->_M_parent;
          RotateRight(x, root);
        }
        x->_M_parent->_M_color = _S_black;
        grandparent->_M_color = _S_red;
        RotateLeft(grandparent, root);
      }
    }
  }
  root->_M_color = _S_black;
}

// Unlinks z and restores the red-black properties; returns the node to deallocate (z).
Node* _Rb_tree_rebalance_for_erase(Node* const z, Node& header) throw() {
  Node*& root = header._M_parent;
  Node*& leftmost = header._M_left;
  Node*& rightmost = header._M_right;
  Node* y = z;
  Node* x = nullptr;
  Node* x_parent = nullptr;

  if (y->_M_left == nullptr) {
    x = y->_M_right;  // may be null
  } else if (y->_M_right == nullptr) {
    x = y->_M_left;
  } else {
    y = Minimum(y->_M_right);  // z's successor
    x = y->_M_right;
  }

  if (y != z) {
    // Relink the successor y in place of z.
    z->_M_left->_M_parent = y;
    y->_M_left = z->_M_left;
    if (y != z->_M_right) {
      x_parent = y->_M_parent;
      if (x != nullptr) x->_M_parent = y->_M_parent;
      y->_M_parent->_M_left = x;
      y->_M_right = z->_M_right;
      z->_M_right->_M_parent = y;
    } else {
      x_parent = y;
    }
    if (root == z) {
      root = y;
    } else if (z->_M_parent->_M_left == z) {
      z->_M_parent->_M_left = y;
    } else {
      z->_M_parent->_M_right = y;
    }
    y->_M_parent = z->_M_parent;
    std::swap(y->_M_color, z->_M_color);
    y = z;  // the node actually removed from the tree
  } else {
    x_parent = y->_M_parent;
    if (x != nullptr) x->_M_parent = y->_M_parent;
    if (root == z) {
      root = x;
    } else if (z->_M_parent->_M_left == z) {
      z->_M_parent->_M_left = x;
    } else {
      z->_M_parent->_M_right = x;
    }
    if (leftmost == z) leftmost = z->_M_right == nullptr ? z->_M_parent : Minimum(x);
    if (rightmost == z) rightmost = z->_M_left == nullptr ? z->_M_parent : Maximum(x);
  }

  if (y->_M_color != _S_red) {
    while (x != root && IsBlack(x)) {
      if (x == x_parent->_M_left) {
        Node* w = x_parent->_M_right;
        if (w->_M_color == _S_red) {
          w->_M_color = _S_black;
          x_parent->_M_color = _S_red;
          RotateLeft(x_parent, root);
          w = x_parent->_M_right;
        }
        if (IsBlack(w->_M_left) && IsBlack(w->_M_right)) {
          w->_M_color = _S_red;
          x = x_parent;
          x_parent = x_parent->_M_parent;
        } else {
          if (IsBlack(w->_M_right)) {
            w->_M_left->_M_color = _S_black;
            w->_M_color = _S_red;
            RotateRight(w, root);
            w = x_parent->_M_right;
          }
          w->_M_color = x_parent->_M_color;
          x_parent->_M_color = _S_black;
          if (w->_M_right != nullptr) w->_M_right->_M_color = _S_black;
          RotateLeft(x_parent, root);
          break;
        }
      } else {
        Node* w = x_parent->_M_left;
        if (w->_M_color == _S_red) {
          w->_M_color = _S_black;
          x_parent->_M_color = _S_red;
          RotateRight(x_parent, root);
          w = x_parent->_M_left;
        }
        if (IsBlack(w->_M_right) && IsBlack(w->_M_left)) {
          w->_M_color = _S_red;
          x = x_parent;
          x_parent = x_parent->_M_parent;
        } else {
          if (IsBlack(w->_M_left)) {
            w->_M_right->_M_color = _S_black;
            w->_M_color = _S_red;
            RotateLeft(w, root);
            w = x_parent->_M_left;
          }
          w->_M_color = x_parent->_M_color;
          x_parent->_M_color = _S_black;
          if (w->_M_left != nullptr) w->_M_left->_M_color = _S_black;
          RotateRight(x_parent, root);
          break;
        }
      }
    }
    if (x != nullptr) x->_M_color = _S_black;
  }
  return y;
}

unsigned int _Rb_tree_black_count(const Node* node, const Node* root) throw() {
  if (node == nullptr) return 0;
  unsigned int count = 0;
  for (;;) {
    if (node->_M_color == _S_black) ++count;
    if (node == root) break;
    node = node->_M_parent;
  }
  return count;
}

// ---- doubly linked lists (std::list) ----

namespace __detail {

void _List_node_base::swap(_List_node_base& x, _List_node_base& y) noexcept {
  if (x._M_next != &x) {
    if (y._M_next != &y) {
      std::swap(x._M_next, y._M_next);
      std::swap(x._M_prev, y._M_prev);
      x._M_next->_M_prev = x._M_prev->_M_next = &x;
      y._M_next->_M_prev = y._M_prev->_M_next = &y;
    } else {
      y._M_next = x._M_next;
      y._M_prev = x._M_prev;
      y._M_next->_M_prev = y._M_prev->_M_next = &y;
      x._M_next = x._M_prev = &x;
    }
  } else if (y._M_next != &y) {
    x._M_next = y._M_next;
    x._M_prev = y._M_prev;
    x._M_next->_M_prev = x._M_prev->_M_next = &x;
    y._M_next = y._M_prev = &y;
  }
}

// Moves [first, last) before this node.
void _List_node_base::_M_transfer(_List_node_base* const first,
                                  _List_node_base* const last) noexcept {
  if (this == last) return;
  last->_M_prev->_M_next = this;
  first->_M_prev->_M_next = last;
  this->_M_prev->_M_next = first;
  _List_node_base* const old_prev = this->_M_prev;
  this->_M_prev = last->_M_prev;
  last->_M_prev = first->_M_prev;
  first->_M_prev = old_prev;
}

void _List_node_base::_M_reverse() noexcept {
  _List_node_base* node = this;
  do {
    std::swap(node->_M_next, node->_M_prev);
    node = node->_M_prev;  // the old next
  } while (node != this);
}

void _List_node_base::_M_hook(_List_node_base* const position) noexcept {
  this->_M_next = position;
  this->_M_prev = position->_M_prev;
  position->_M_prev->_M_next = this;
  position->_M_prev = this;
}

void _List_node_base::_M_unhook() noexcept {
  _List_node_base* const next = this->_M_next;
  _List_node_base* const prev = this->_M_prev;
  prev->_M_next = next;
  next->_M_prev = prev;
}

// ---- hash tables (std::unordered_map, std::unordered_set) ----

namespace {

// Bucket counts: primes, each roughly 1.5x to 2x the previous.
constexpr size_t kPrimes[] = {
    2ul,         3ul,         5ul,         7ul,          11ul,         13ul,
    17ul,        29ul,        53ul,        97ul,         193ul,        389ul,
    769ul,       1543ul,      3079ul,      6151ul,       12289ul,      24593ul,
    49157ul,     98317ul,     196613ul,    393241ul,     786433ul,     1572869ul,
    3145739ul,   6291469ul,   12582917ul,  25165843ul,   50331653ul,   100663319ul,
    201326611ul, 402653189ul, 805306457ul, 1610612741ul, 3221225473ul, 4294967291ul};

}  // namespace

size_t _Prime_rehash_policy::_M_next_bkt(size_t n) const {
  if (n == 0) return 1;
  const size_t* end = std::end(kPrimes);
  const size_t* next = std::lower_bound(std::begin(kPrimes), end, n);
  if (next == end) {
    _M_next_resize = size_t(-1);
    return kPrimes[std::size(kPrimes) - 1];
  }
  if (next == end - 1) {
    _M_next_resize = size_t(-1);
  } else {
    _M_next_resize = static_cast<size_t>(__builtin_floor(*next * double{_M_max_load_factor}));
  }
  return *next;
}

std::pair<bool, size_t> _Prime_rehash_policy::_M_need_rehash(size_t n_bkt, size_t n_elt,
                                                             size_t n_ins) const {
  if (n_elt + n_ins <= _M_next_resize) return {false, 0};
  // Grow when the load factor would be exceeded; start with at least 11 buckets.
  double min_buckets =
      std::max<size_t>(n_elt + n_ins, _M_next_resize ? 0 : 11) / double{_M_max_load_factor};
  if (min_buckets >= n_bkt) {
    return {true,
            _M_next_bkt(std::max<size_t>(static_cast<size_t>(__builtin_floor(min_buckets)) + 1,
                                         n_bkt * _S_growth_factor))};
  }
  _M_next_resize = static_cast<size_t>(__builtin_floor(n_bkt * double{_M_max_load_factor}));
  return {false, 0};
}

}  // namespace __detail

// MurmurHash2 (32-bit), the algorithm libstdc++ uses for 32-bit size_t; reads bytes one by one
// because keys need not be word-aligned.
size_t _Hash_bytes(const void* ptr, size_t len, size_t seed) {
  const uint32_t m = 0x5bd1e995;
  const auto* bytes = static_cast<const unsigned char*>(ptr);
  uint32_t hash = static_cast<uint32_t>(seed) ^ static_cast<uint32_t>(len);
  while (len >= 4) {
    uint32_t k = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | static_cast<uint32_t>(bytes[3]) << 24;
    k *= m;
    k ^= k >> 24;
    k *= m;
    hash *= m;
    hash ^= k;
    bytes += 4;
    len -= 4;
  }
  switch (len) {
    case 3:
      hash ^= static_cast<uint32_t>(bytes[2]) << 16;
      [[fallthrough]];
    case 2:
      hash ^= static_cast<uint32_t>(bytes[1]) << 8;
      [[fallthrough]];
    case 1:
      hash ^= bytes[0];
      hash *= m;
  }
  hash ^= hash >> 13;
  hash *= m;
  hash ^= hash >> 15;
  return hash;
}

// FNV-1a, 32-bit.
size_t _Fnv_hash_bytes(const void* ptr, size_t len, size_t seed) {
  const auto* bytes = static_cast<const unsigned char*>(ptr);
  uint32_t hash = static_cast<uint32_t>(seed);
  for (size_t i = 0; i < len; ++i) {
    hash ^= bytes[i];
    hash *= 16777619u;
  }
  return hash;
}

// ---- std::make_shared without RTTI ----

// Built with -fno-rtti, _S_ti() is the address of a unique tag object, so identity is equality.
bool _Sp_make_shared_tag::_S_eq(const type_info& ti) noexcept { return &ti == &_S_ti(); }

}  // namespace std
