// Node-based standard containers, whose algorithms the SDK provides (src/cxx_library.cc):
// random insert / erase sequences checked against a sorted std::vector, which needs no library
// code. Prints one summary line per container; exits non-zero at the first mismatch.
#include <algorithm>
#include <atomic>
#include <bitset>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <ranges>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

uint32_t state = 12345;
uint32_t Next() {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

#define CHECK(condition)                                                  \
  do {                                                                    \
    if (!(condition)) {                                                   \
      std::printf("check failed at line %d: %s\n", __LINE__, #condition); \
      return 1;                                                           \
    }                                                                     \
  } while (0)

int CheckMapAndSet() {
  std::map<uint32_t, uint32_t> map;
  std::multiset<uint32_t> multiset;
  std::vector<uint32_t> reference;  // sorted keys of map
  std::vector<uint32_t> multi_reference;
  for (int step = 0; step < 4000; ++step) {
    uint32_t key = Next() % 512;
    if (Next() % 3 != 0) {
      map[key] = key * 3;
      auto at = std::lower_bound(reference.begin(), reference.end(), key);
      if (at == reference.end() || *at != key) reference.insert(at, key);
      multiset.insert(key);
      multi_reference.insert(std::upper_bound(multi_reference.begin(), multi_reference.end(), key),
                             key);
    } else {
      size_t erased = map.erase(key);
      auto at = std::lower_bound(reference.begin(), reference.end(), key);
      bool present = at != reference.end() && *at == key;
      CHECK(erased == (present ? 1u : 0u));
      if (present) reference.erase(at);
      auto one = multiset.find(key);
      auto ref_one = std::lower_bound(multi_reference.begin(), multi_reference.end(), key);
      CHECK((one == multiset.end()) == (ref_one == multi_reference.end() || *ref_one != key));
      if (one != multiset.end()) {
        multiset.erase(one);
        multi_reference.erase(ref_one);
      }
    }
    if (step % 97 == 0) {
      CHECK(map.size() == reference.size());
      CHECK(std::equal(reference.begin(), reference.end(), map.begin(), map.end(),
                       [](uint32_t k, const auto& entry) { return k == entry.first; }));
      CHECK(std::equal(multi_reference.rbegin(), multi_reference.rend(), multiset.rbegin(),
                       multiset.rend()));
    }
  }
  for (const auto& [key, value] : map) CHECK(value == key * 3);

  // The tree under std::set, with its red-black invariants checked after every change.
  std::_Rb_tree<uint32_t, uint32_t, std::_Identity<uint32_t>, std::less<uint32_t>> tree;
  for (int step = 0; step < 1500; ++step) {
    uint32_t key = Next() % 256;
    if (Next() % 2 == 0) {
      tree._M_insert_unique(key);
    } else {
      tree.erase(key);
    }
    CHECK(tree.__rb_verify());
  }
  std::set<std::string> words = {"prova", "stark", "fri", "air", "merkle", "fri"};
  std::string joined;
  for (const std::string& word : words) joined += word + " ";
  std::printf("map %d multiset %d set: %s\n", static_cast<int>(map.size()),
              static_cast<int>(multiset.size()), joined.c_str());
  return 0;
}

int CheckList() {
  std::list<int> list;
  for (int i = 0; i < 10; ++i) list.push_back(i);
  list.reverse();
  list.remove_if([](int v) { return v % 3 == 0; });
  std::list<int> other = {100, 200};
  list.splice(std::next(list.begin()), other);
  list.sort();
  std::list<int> swapped;
  swapped.swap(list);
  CHECK(list.empty());
  std::printf("list:");
  for (int v : swapped) std::printf(" %d", v);
  std::printf("\n");
  return 0;
}

int CheckUnordered() {
  std::unordered_map<uint32_t, uint32_t> map;
  std::unordered_set<std::string> strings;
  for (uint32_t i = 0; i < 3000; ++i) {
    map[i * 7919u] = i;
    strings.insert("key" + std::to_string(i % 1000));
  }
  for (uint32_t i = 0; i < 3000; i += 2) CHECK(map.erase(i * 7919u) == 1);
  for (uint32_t i = 0; i < 3000; ++i) {
    auto it = map.find(i * 7919u);
    CHECK((it != map.end()) == (i % 2 == 1));
    if (it != map.end()) CHECK(it->second == i);
  }
  CHECK(strings.count("key999") == 1 && strings.count("key1000") == 0);
  std::printf("unordered_map %d unordered_set %d\n", static_cast<int>(map.size()),
              static_cast<int>(strings.size()));
  return 0;
}

int CheckSharedPtr() {
  auto shared = std::make_shared<std::vector<int>>(5, 1);
  std::weak_ptr<std::vector<int>> weak = shared;
  {
    std::shared_ptr<std::vector<int>> copy = shared;
    CHECK(shared.use_count() == 2);
  }
  CHECK(shared.use_count() == 1 && !weak.expired());
  shared.reset();
  CHECK(weak.expired());
  std::printf("shared_ptr ok\n");
  return 0;
}

// Header-only parts that need the runtime's libatomic replacements or nothing at all.
int CheckMisc() {
  std::deque<int> deque;
  for (int i = 0; i < 1000; ++i) {
    deque.push_back(i);
    deque.push_front(-i);
  }
  std::function<int(int)> plus_size = [&](int x) { return x + static_cast<int>(deque.size()); };
  std::bitset<100> bits;
  bits.set(3).set(77);
  int even_sum = 0;
  for (int e : std::views::iota(0, 10) | std::views::filter([](int x) { return x % 2 == 0; })) {
    even_sum += e;
  }
  char digits[16];
  auto [end, error] = std::to_chars(digits, digits + sizeof(digits), -12345);
  CHECK(error == std::errc());
  int parsed = 0;
  std::from_chars(digits, end, parsed);
  std::atomic<uint32_t> counter{1};
  counter.fetch_add(2);
  uint32_t expected = 3;
  CHECK(counter.compare_exchange_strong(expected, 10));
  std::atomic<uint64_t> wide{1};
  wide += 1ull << 40;
  std::priority_queue<int> queue;
  for (int v : {3, 9, 4}) queue.push(v);
  std::printf("misc: %d %d %d %d %u %d %s\n", plus_size(1), static_cast<int>(bits.count()),
              even_sum, parsed, static_cast<unsigned>(counter.load()), queue.top(),
              wide.load() == (1ull << 40) + 1 ? "ok" : "bad");
  return 0;
}

}  // namespace

int main() {
  if (int failed = CheckMapAndSet()) return failed;
  if (int failed = CheckList()) return failed;
  if (int failed = CheckUnordered()) return failed;
  if (int failed = CheckSharedPtr()) return failed;
  if (int failed = CheckMisc()) return failed;
  return 0;
}
