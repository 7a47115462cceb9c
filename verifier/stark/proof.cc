#include "verifier/stark/proof.h"

#include <cstring>
#include <string>

#include "common/error.h"

namespace prova::stark {
namespace {

// Field elements take kFieldBits bits (BabyBear's p < 2^31), integers 32, packed
// least-significant bit first; the last byte is padded with zero bits.
constexpr size_t kFieldBits = 31;
constexpr size_t kIntBits = 32;

class Writer {
 public:
  void U32(uint32_t x) { Bits(x, kIntBits); }
  void Field(BabyBear x) { Bits(x.as_canonical(), kFieldBits); }
  void Ext(const BabyBear4& x) {
    for (size_t i = 0; i < 4; ++i) Field(x.coeff(i));
  }
  void Digest(const hash::Digest& d) {
    for (const auto& x : d) Field(x);
  }
  void Exts(const std::vector<BabyBear4>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& x : v) Ext(x);
  }
  // Every query opens rows and salts of the same lengths, so the lengths are written once.
  void Opening(const merkle::MultiOpening& m) {
    U32(static_cast<uint32_t>(m.queries.size()));
    if (!m.queries.empty()) {
      const merkle::QueryOpening& first = m.queries[0];
      for (const auto* parts : {&first.rows, &first.salts}) {
        U32(static_cast<uint32_t>(parts->size()));
        for (const auto& part : *parts) U32(static_cast<uint32_t>(part.size()));
      }
    }
    auto same_shape = [](const std::vector<std::vector<BabyBear>>& a,
                         const std::vector<std::vector<BabyBear>>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size()) return false;
      }
      return true;
    };
    for (const auto& q : m.queries) {
      PROVA_CHECK(same_shape(q.rows, m.queries[0].rows) && same_shape(q.salts, m.queries[0].salts),
                  "every query of an opening has the same shape");
      for (const auto* parts : {&q.rows, &q.salts}) {
        for (const auto& part : *parts) {
          for (const BabyBear& x : part) Field(x);
        }
      }
    }
    U32(static_cast<uint32_t>(m.siblings.size()));
    for (const auto& d : m.siblings) Digest(d);
  }
  std::vector<uint8_t> Take() {
    if (pending_bits_ > 0) out_.push_back(static_cast<uint8_t>(pending_));
    pending_ = 0;
    pending_bits_ = 0;
    return std::move(out_);
  }

 private:
  void Bits(uint32_t x, size_t n) {
    pending_ |= static_cast<uint64_t>(x) << pending_bits_;
    pending_bits_ += n;
    for (; pending_bits_ >= 8; pending_bits_ -= 8, pending_ >>= 8) {
      out_.push_back(static_cast<uint8_t>(pending_));
    }
  }

  std::vector<uint8_t> out_;
  uint64_t pending_ = 0;  // fewer than 8 bits between calls
  size_t pending_bits_ = 0;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}

  uint32_t U32() { return Bits(kIntBits, "integer"); }
  BabyBear Field() { return BabyBear::from_canonical_checked(Bits(kFieldBits, "field element")); }
  BabyBear4 Ext() {
    BabyBear a = Field(), b = Field(), c = Field(), d = Field();
    return BabyBear4::from_coeffs({a, b, c, d});
  }
  hash::Digest Digest() {
    hash::Digest d;
    for (auto& x : d) x = Field();
    return d;
  }
  // A count of items of at least `min_item_bits` each, capped.
  size_t Count(size_t cap, size_t min_item_bits, const char* what) {
    uint32_t n = U32();
    if (n > cap) throw Error(std::string("proof: too many ") + what);
    if (min_item_bits > 0 && n > RemainingBits() / min_item_bits) {
      throw Error(std::string("proof: truncated in ") + what);
    }
    return n;
  }
  std::vector<BabyBear4> Exts(size_t cap, const char* what) {
    std::vector<BabyBear4> v(Count(cap, 4 * kFieldBits, what));
    for (auto& x : v) x = Ext();
    return v;
  }
  merkle::MultiOpening Opening(const char* what) {
    merkle::MultiOpening m;
    const size_t num_queries = Count(fri::kMaxQueries, 0, what);
    std::vector<size_t> row_lengths, salt_lengths;
    size_t elements_per_query = 0;
    if (num_queries > 0) {
      for (auto [lengths, cap] :
           {std::pair{&row_lengths, kMaxColumns}, std::pair{&salt_lengths, size_t{64}}}) {
        lengths->resize(Count(kMaxTables * 4, kIntBits, what));
        for (size_t& length : *lengths) {
          length = U32();
          if (length > cap) throw Error(std::string("proof: too many values in ") + what);
          // Every committed matrix has a column (salts may be empty): so every row vector this
          // allocates per query is paid for by at least one element of input.
          if (lengths == &row_lengths && length == 0) {
            throw Error(std::string("proof: an empty row in ") + what);
          }
          elements_per_query += length;
        }
      }
      // A salt per height group, and a group holds at least one matrix.
      if (salt_lengths.size() > row_lengths.size()) {
        throw Error(std::string("proof: more salt groups than rows in ") + what);
      }
    }
    if (num_queries * elements_per_query > RemainingBits() / kFieldBits) {  // before allocating
      throw Error(std::string("proof: truncated in ") + what);
    }
    m.queries.resize(num_queries);
    for (auto& q : m.queries) {
      for (auto [parts, lengths] :
           {std::pair{&q.rows, &row_lengths}, std::pair{&q.salts, &salt_lengths}}) {
        parts->resize(lengths->size());
        for (size_t i = 0; i < parts->size(); ++i) {
          (*parts)[i].resize((*lengths)[i]);
          for (BabyBear& x : (*parts)[i]) x = Field();
        }
      }
    }
    m.siblings.resize(Count(kMaxSiblings, 8 * kFieldBits, what));
    for (auto& d : m.siblings) d = Digest();
    return m;
  }
  // Only the zero padding of the last byte may remain.
  bool AtEnd() const {
    if (RemainingBits() >= 8) return false;
    return RemainingBits() == 0 || (in_.back() >> (bit_pos_ % 8)) == 0;
  }

 private:
  static constexpr size_t kMaxTables = 64;

  size_t RemainingBits() const { return in_.size() * 8 - bit_pos_; }
  uint32_t Bits(size_t n, const char* what) {
    if (RemainingBits() < n) throw Error(std::string("proof: truncated in ") + what);
    const size_t first = bit_pos_ / 8, offset = bit_pos_ % 8;
    uint64_t x = 0;
    for (size_t i = 0; i < (offset + n + 7) / 8; ++i) {
      x |= static_cast<uint64_t>(in_[first + i]) << (8 * i);
    }
    bit_pos_ += n;
    return static_cast<uint32_t>((x >> offset) & ((uint64_t{1} << n) - 1));
  }

  std::span<const uint8_t> in_;
  size_t bit_pos_ = 0;
};

}  // namespace

std::vector<uint8_t> SerializeProof(const StarkProof& p) {
  Writer w;
  uint32_t magic;
  std::memcpy(&magic, kProofMagic, 4);
  w.U32(magic);
  w.U32(kProofVersion);
  w.U32(static_cast<uint32_t>(p.log_heights.size()));
  for (uint32_t h : p.log_heights) w.U32(h);
  w.Digest(p.main_root);
  w.U32(p.has_aux ? 1 : 0);
  if (p.has_aux) w.Digest(p.aux_root);
  w.Exts(p.cumulative_sums);
  w.Digest(p.quotient_root);
  w.U32(static_cast<uint32_t>(p.openings.size()));
  for (const auto* openings : {&p.openings, &p.second_openings}) {
    for (const auto& o : *openings) {
      w.Exts(o.preprocessed_local);
      w.Exts(o.preprocessed_next);
      w.Exts(o.main_local);
      w.Exts(o.main_next);
      w.Exts(o.aux_local);
      w.Exts(o.aux_next);
    }
  }
  w.Exts(p.quotient_opening);
  w.Exts(p.mask_opening);
  w.U32(static_cast<uint32_t>(p.fri.commitments.size()));
  for (const auto& d : p.fri.commitments) w.Digest(d);
  w.U32(static_cast<uint32_t>(p.fri.layer_openings.size()));
  for (const auto& m : p.fri.layer_openings) w.Opening(m);
  w.Exts(p.fri.final_poly);
  w.Field(p.fri.pow_witness);
  w.Opening(p.preprocessed_queries);
  w.Opening(p.main_queries);
  w.Opening(p.aux_queries);
  w.Opening(p.quotient_queries);
  return w.Take();
}

StarkProof DeserializeProof(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxProofBytes) throw Error("proof: larger than the size limit");
  Reader r(bytes);
  uint32_t expected_magic;
  std::memcpy(&expected_magic, kProofMagic, 4);
  if (r.U32() != expected_magic) throw Error("proof: bad magic (not a Prova proof)");
  uint32_t version = r.U32();
  if (version != kProofVersion) {
    throw Error("proof: unsupported version " + std::to_string(version));
  }
  StarkProof p;
  p.log_heights.resize(r.Count(64, kIntBits, "tables"));
  for (auto& h : p.log_heights) h = r.U32();
  p.main_root = r.Digest();
  uint32_t has_aux = r.U32();
  if (has_aux > 1) throw Error("proof: bad auxiliary flag");
  p.has_aux = has_aux == 1;
  if (p.has_aux) p.aux_root = r.Digest();
  p.cumulative_sums = r.Exts(64, "cumulative sums");
  p.quotient_root = r.Digest();
  p.openings.resize(r.Count(64, 6 * kIntBits, "table openings"));
  p.second_openings.resize(p.openings.size());
  for (auto* openings : {&p.openings, &p.second_openings}) {
    for (auto& o : *openings) {
      o.preprocessed_local = r.Exts(kMaxColumns, "openings");
      o.preprocessed_next = r.Exts(kMaxColumns, "openings");
      o.main_local = r.Exts(kMaxColumns, "openings");
      o.main_next = r.Exts(kMaxColumns, "openings");
      o.aux_local = r.Exts(kMaxColumns, "openings");
      o.aux_next = r.Exts(kMaxColumns, "openings");
    }
  }
  p.quotient_opening = r.Exts(kMaxColumns, "quotient openings");
  p.mask_opening = r.Exts(2, "mask opening");
  p.fri.commitments.resize(r.Count(fri::kMaxLogDomain, 8 * kFieldBits, "FRI commitments"));
  for (auto& d : p.fri.commitments) d = r.Digest();
  p.fri.layer_openings.resize(r.Count(fri::kMaxLogDomain, 2 * kIntBits, "FRI layers"));
  for (auto& m : p.fri.layer_openings) m = r.Opening("FRI layer openings");
  p.fri.final_poly = r.Exts(size_t{2} << fri::kMaxLogFinalPolyLen, "FRI final polynomial");
  p.fri.pow_witness = r.Field();
  p.preprocessed_queries = r.Opening("preprocessed openings");
  p.main_queries = r.Opening("main openings");
  p.aux_queries = r.Opening("auxiliary openings");
  p.quotient_queries = r.Opening("quotient openings");
  if (!r.AtEnd()) throw Error("proof: trailing bytes");
  return p;
}

}  // namespace prova::stark
