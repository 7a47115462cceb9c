// `prova prove`, `verify`, `inspect`, `image-id`, `params` and the standalone `prova-verify`, run
// as a user would: example guests are proved once, then their receipts are verified, inspected,
// tampered with and checked against other image IDs and journals.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/file_io.h"
#include "tests/cli/command.h"

namespace prova {
namespace {

namespace fs = std::filesystem;

using cli_testing::CommandResult;
using cli_testing::ReadText;

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// The guests proved here: the examples by name, and "fashion_mlp", the ONNX-compiled Fashion-MNIST
// MLP of examples/fashion with its weights in the image, on test image 0.
fs::path ExampleSource(const std::string& name) {
  return fs::path(PROVA_SOURCE_DIR) / "examples" / (name == "fashion_mlp" ? "fashion" : name);
}

fs::path ExampleElf(const std::string& name) {
  const std::string dir = name == "fashion_mlp" ? "fashion" : name;
  return fs::path(PROVA_EXAMPLES_BUILD_DIR) / dir / (name + ".elf");
}

fs::path ExpectedJournal(const std::string& name) {
  return ExampleSource(name) /
         (name == "fashion_mlp" ? "expected_journal_mlp_0.bin" : "expected_journal.bin");
}

std::string InputArg(const std::string& name) {
  const fs::path p = ExampleSource(name) / (name == "fashion_mlp" ? "input_mlp_0.bin"
                                            : name == "mlp"       ? "sample.bin"
                                                                  : "input.bin");
  return fs::exists(p) ? " --input " + p.string() : "";
}

class ReceiptCliTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("prova_receipt_cli_test." + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    proofs_ = new std::map<std::string, nlohmann::json>();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete proofs_;
  }
  void SetUp() override {
    if (!PROVA_GUESTS_BUILT) GTEST_SKIP() << "guests are not built in this configuration";
  }

  // Runs `<binary> <args>` through the shell with stdout and stderr captured.
  static CommandResult Run(const std::string& binary, const std::string& args) {
    return cli_testing::RunCommand(binary, args, *dir_);
  }
  static CommandResult Prova(const std::string& args) { return Run(PROVA_CLI_PATH, args); }
  static CommandResult ProvaVerify(const std::string& args) {
    return Run(PROVA_VERIFY_CLI_PATH, args);
  }

  // Proves an example once per process and returns the JSON summary of `prova prove`. Under
  // CTest the fixture test cli_prove_receipts has proved it already: PROVA_CLI_RECEIPTS names
  // the directory holding <name>.receipt and <name>.json (tests/cli/CMakeLists.txt).
  static const nlohmann::json& Proved(const std::string& name) {
    auto it = proofs_->find(name);
    if (it != proofs_->end()) return it->second;
    const fs::path receipt = ReceiptPath(name);
    nlohmann::json summary;
    if (const char* shared = std::getenv("PROVA_CLI_RECEIPTS");
        shared != nullptr && fs::exists(fs::path(shared) / (name + ".json"))) {
      fs::copy_file(fs::path(shared) / (name + ".receipt"), receipt,
                    fs::copy_options::overwrite_existing);
      summary = nlohmann::json::parse(ReadText(fs::path(shared) / (name + ".json")));
    } else {
      CommandResult run = Prova("prove " + ExampleElf(name).string() + InputArg(name) + " -o " +
                                receipt.string() + " --json");
      if (run.status == 0) {
        summary = nlohmann::json::parse(run.out);
      } else {
        ADD_FAILURE() << "prova prove " << name << " exited " << run.status << ": " << run.err;
      }
    }
    return proofs_->emplace(name, summary).first->second;
  }
  static fs::path ReceiptPath(const std::string& name) { return *dir_ / (name + ".receipt"); }
  static std::string ImageId(const std::string& name) {
    CommandResult run = Prova("image-id " + ExampleElf(name).string());
    EXPECT_EQ(run.status, 0) << run.err;
    return run.out.substr(0, run.out.find('\n'));
  }
  static fs::path WriteFile(const std::string& file, std::span<const uint8_t> bytes) {
    fs::path p = *dir_ / file;
    WriteFileAtomic(p.string(), bytes);
    return p;
  }

  static fs::path* dir_;
  static std::map<std::string, nlohmann::json>* proofs_;
};
fs::path* ReceiptCliTest::dir_ = nullptr;
std::map<std::string, nlohmann::json>* ReceiptCliTest::proofs_ = nullptr;

TEST_F(ReceiptCliTest, ProveWritesAReceiptWithTheExpectedJournal) {
  const nlohmann::json& summary = Proved("hello");
  ASSERT_FALSE(summary.is_null());
  std::vector<uint8_t> expected =
      ReadFileBytes((ExampleSource("hello") / "expected_journal.bin").string());
  EXPECT_EQ(summary["journal_hex"], ToHex(expected));
  EXPECT_EQ(summary["exit_code"], 0);
  EXPECT_GT(summary["cycles"].get<uint64_t>(), 0u);
  EXPECT_EQ(summary["receipt_bytes"].get<uint64_t>(), fs::file_size(ReceiptPath("hello")));
}

// Every example guest, those that read private input included, proves and its receipt verifies
// with the standalone verifier against the expected journal (and not against another one).
TEST_F(ReceiptCliTest, EveryExampleProvesAndVerifies) {
  for (const std::string name : {"hello", "sha256", "mlp", "fashion_mlp"}) {
    const nlohmann::json& summary = Proved(name);
    ASSERT_FALSE(summary.is_null()) << name;
    const fs::path journal = ExpectedJournal(name);
    EXPECT_EQ(summary["journal_hex"], ToHex(ReadFileBytes(journal.string()))) << name;
    const std::string receipt = ReceiptPath(name).string();
    CommandResult ok =
        ProvaVerify(receipt + " --image-id " + ImageId(name) + " --journal " + journal.string());
    EXPECT_EQ(ok.status, 0) << name << ": " << ok.err;
    std::vector<uint8_t> other = ReadFileBytes(journal.string());
    other.back() ^= 1;
    const fs::path other_path = WriteFile(name + ".other_journal", other);
    CommandResult bad =
        ProvaVerify(receipt + " --image-id " + ImageId(name) + " --journal " + other_path.string());
    EXPECT_EQ(bad.status, 1) << name << ": a receipt verified against another journal";
  }
}

// A guest that allocates (operator new and malloc over sbrk, so brk ecalls) proves, and its
// receipt verifies against the journal qemu-riscv32 produces (guest_sdk_qemu_test.cc).
TEST_F(ReceiptCliTest, AGuestThatAllocatesProvesAndVerifies) {
  const fs::path elf = fs::path(PROVA_SDK_TEST_GUEST_DIR) / "cxx_heap.elf";
  const fs::path journal =
      fs::path(PROVA_SOURCE_DIR) / "guest-sdk/tests/guests/cxx_heap_journal.bin";
  const fs::path receipt = *dir_ / "cxx_heap.receipt";
  CommandResult prove = Prova("prove " + elf.string() + " -o " + receipt.string() + " --quiet");
  ASSERT_EQ(prove.status, 0) << prove.err;
  CommandResult id = Prova("image-id " + elf.string());
  ASSERT_EQ(id.status, 0) << id.err;
  const std::string image_id = id.out.substr(0, id.out.find('\n'));
  CommandResult ok =
      ProvaVerify(receipt.string() + " --image-id " + image_id + " --journal " + journal.string());
  EXPECT_EQ(ok.status, 0) << ok.err;
  std::vector<uint8_t> other = ReadFileBytes(journal.string());
  other.back() ^= 1;  // the "freed block reused" check
  const fs::path other_path = WriteFile("cxx_heap.other_journal", other);
  EXPECT_EQ(ProvaVerify(receipt.string() + " --image-id " + image_id + " --journal " +
                        other_path.string())
                .status,
            1);
}

TEST_F(ReceiptCliTest, ImageIdAgreesEverywhere) {
  const nlohmann::json& summary = Proved("hello");
  ASSERT_FALSE(summary.is_null());
  const std::string id = ImageId("hello");
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << "lowercase hex";
  EXPECT_EQ(summary["image_id"], id);
  CommandResult inspect = Prova("inspect " + ReceiptPath("hello").string() + " --json");
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["image_id"], id);
  EXPECT_NE(ImageId("sha256"), id);
}

TEST_F(ReceiptCliTest, VerifyAcceptsTheRightImageAndJournal) {
  ASSERT_FALSE(Proved("hello").is_null());
  const std::string receipt = ReceiptPath("hello").string();
  const std::string journal = (ExampleSource("hello") / "expected_journal.bin").string();
  const std::string id = ImageId("hello");
  for (const std::string& args :
       {receipt + " --image-id " + id, receipt + " --image-id " + id + " --journal " + journal}) {
    CommandResult verify = Prova("verify " + args);
    EXPECT_EQ(verify.status, 0) << verify.err;
    EXPECT_NE(verify.out.find("verified"), std::string::npos);
    CommandResult standalone = ProvaVerify(args);
    EXPECT_EQ(standalone.status, 0) << standalone.err;
  }
  CommandResult json = Prova("verify " + receipt + " --image-id " + id + " --json");
  ASSERT_EQ(json.status, 0) << json.err;
  nlohmann::json report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["verified"], true);
  EXPECT_EQ(report["image_id"], id);
}

// An empty --journal (say, an unset shell variable) is a usage error: it used to turn the journal
// check off, so any receipt of the image verified.
TEST_F(ReceiptCliTest, EmptyJournalPathIsAUsageError) {
  ASSERT_FALSE(Proved("hello").is_null());
  const std::string args =
      ReceiptPath("hello").string() + " --image-id " + ImageId("hello") + " --journal ''";
  for (const CommandResult& run : {Prova("verify " + args), ProvaVerify(args)}) {
    EXPECT_EQ(run.status, 2) << run.err;
    EXPECT_NE(run.err.find("--journal needs a file"), std::string::npos) << run.err;
  }
}

// With --json a rejected receipt's claim is reported under "unverified_claim", never as the
// top-level fields a script reads after a success, and without its journal.
TEST_F(ReceiptCliTest, JsonKeepsARejectedClaimApart) {
  ASSERT_FALSE(Proved("hello").is_null());
  const std::string args =
      ReceiptPath("hello").string() + " --image-id " + ImageId("sha256") + " --json";
  for (const CommandResult& run : {Prova("verify " + args), ProvaVerify(args)}) {
    EXPECT_EQ(run.status, 1) << run.err;
    const nlohmann::json report = nlohmann::json::parse(run.out);
    EXPECT_EQ(report["verified"], false);
    EXPECT_FALSE(report.contains("image_id"));
    EXPECT_FALSE(report.contains("journal_hex"));
    EXPECT_EQ(report["unverified_claim"]["image_id"], ImageId("hello"));
    // Its length, not its journal, which a hostile receipt can make 64 MiB long.
    EXPECT_EQ(report["unverified_claim"]["journal_len"], Proved("hello")["journal_len"]);
    EXPECT_FALSE(report["unverified_claim"].contains("journal_hex"));
  }
}

TEST_F(ReceiptCliTest, VerifyRejectsAnotherImageId) {
  ASSERT_FALSE(Proved("hello").is_null());
  const std::string args = ReceiptPath("hello").string() + " --image-id " + ImageId("sha256");
  for (const CommandResult& run : {Prova("verify " + args), ProvaVerify(args)}) {
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("image ID mismatch"), std::string::npos) << run.err;
    EXPECT_EQ(Lines(run.err), 1) << run.err;
  }
}

TEST_F(ReceiptCliTest, VerifyRejectsAnotherJournal) {
  ASSERT_FALSE(Proved("hello").is_null());
  std::vector<uint8_t> journal =
      ReadFileBytes((ExampleSource("hello") / "expected_journal.bin").string());
  journal.back() ^= 1;
  fs::path wrong = WriteFile("wrong_journal.bin", journal);
  const std::string args = ReceiptPath("hello").string() + " --image-id " + ImageId("hello") +
                           " --journal " + wrong.string();
  for (const CommandResult& run : {Prova("verify " + args), ProvaVerify(args)}) {
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("journal mismatch"), std::string::npos) << run.err;
    EXPECT_EQ(Lines(run.err), 1) << run.err;
  }
}

// A guest whose check fails (an assert: abort, exit code 134) still proves: the receipt proves that
// exit code. Verification asks for exit code 0 unless told otherwise, so such a receipt is not
// taken for a successful run; --exit-code 134 or --any-exit-code accept it, another code does not.
TEST_F(ReceiptCliTest, VerifyRequiresTheExpectedExitCode) {
  const fs::path elf = fs::path(PROVA_SDK_TEST_GUEST_DIR) / "cxx_errors.elf";
  const std::vector<uint8_t> assert_fails = {'b'};
  const fs::path input = WriteFile("cxx_errors.input", assert_fails);
  const fs::path receipt = *dir_ / "cxx_errors.receipt";
  CommandResult prove = Prova("prove " + elf.string() + " --input " + input.string() + " -o " +
                              receipt.string() + " --json");
  ASSERT_EQ(prove.status, 0) << prove.err;
  EXPECT_EQ(nlohmann::json::parse(prove.out)["exit_code"], 134);
  CommandResult id = Prova("image-id " + elf.string());
  ASSERT_EQ(id.status, 0) << id.err;
  const std::string args = receipt.string() + " --image-id " + id.out.substr(0, 64);
  for (const bool standalone : {false, true}) {
    auto verify = [&](const std::string& extra) {
      return standalone ? ProvaVerify(args + extra) : Prova("verify " + args + extra);
    };
    CommandResult by_default = verify("");
    EXPECT_EQ(by_default.status, 1) << standalone;
    EXPECT_NE(by_default.err.find("exit code mismatch: the guest exited with code 134, expected 0"),
              std::string::npos)
        << by_default.err;
    EXPECT_EQ(verify(" --exit-code 0").status, 1) << standalone;
    EXPECT_EQ(verify(" --exit-code 1").status, 1) << standalone;
    CommandResult expected = verify(" --exit-code 134");
    EXPECT_EQ(expected.status, 0) << expected.err;
    EXPECT_NE(expected.out.find("exit code 134"), std::string::npos) << expected.out;
    CommandResult any = verify(" --any-exit-code --json");
    EXPECT_EQ(any.status, 0) << any.err;
    EXPECT_EQ(nlohmann::json::parse(any.out)["exit_code"], 134);
    EXPECT_EQ(verify(" --any-exit-code --exit-code 134").status, 2) << standalone;
    for (const std::string bad : {"=-1", " 0x86", " 4294967296", " 134x", " ''"}) {
      EXPECT_EQ(verify(" --exit-code" + bad).status, 2) << standalone << bad;
    }
    // Decimal, not octal: 0206 is 206 (octal 0206 would be 134), 00134 is 134.
    EXPECT_EQ(verify(" --exit-code 0206").status, 1) << standalone;
    EXPECT_EQ(verify(" --exit-code 00134").status, 0) << standalone;
  }
}

// One flipped byte in each region of the receipt: header, claim (every field), journal, seal
// header, seal; both verifiers reject every one.
TEST_F(ReceiptCliTest, VerifyRejectsAFlippedByteInEachRegion) {
  ASSERT_FALSE(Proved("hello").is_null());
  const std::vector<uint8_t> bytes = ReadFileBytes(ReceiptPath("hello").string());
  const size_t journal_len = Proved("hello")["journal_len"].get<size_t>();
  const size_t seal = 176 + journal_len;
  ASSERT_GT(bytes.size(), seal + 100);
  const std::map<std::string, size_t> regions = {{"magic", 0},
                                                 {"version", 8},
                                                 {"flags", 12},
                                                 {"image id", 16},
                                                 {"journal digest", 48},
                                                 {"exit code", 80},
                                                 {"pre-state pc", 84},
                                                 {"pre-state root", 100},
                                                 {"post-state pc", 120},
                                                 {"post-state root", 140},
                                                 {"journal length", 156},
                                                 {"journal", 160},
                                                 {"seal kind", seal - 16},
                                                 {"seal version", seal - 12},
                                                 {"seal length", seal - 8},
                                                 {"seal raw length", seal - 4},
                                                 {"seal start", seal + 2},
                                                 {"seal middle", (seal + bytes.size()) / 2},
                                                 {"seal end", bytes.size() - 1}};
  const std::string id = ImageId("hello");
  for (const auto& [region, offset] : regions) {
    std::vector<uint8_t> flipped = bytes;
    flipped[offset] ^= 0x10;
    fs::path path = WriteFile("flipped.receipt", flipped);
    // Any exit code is accepted, so that the seal, not the exit-code policy, rejects a flipped
    // exit code.
    const std::string args = path.string() + " --image-id " + id + " --any-exit-code";
    CommandResult run = Prova("verify " + args);
    EXPECT_EQ(run.status, 1) << region << ": " << run.err;
    EXPECT_EQ(Lines(run.err), 1) << region << ": " << run.err;
    EXPECT_EQ(ProvaVerify(args).status, 1) << region;
  }
  std::vector<uint8_t> truncated(bytes.begin(), bytes.end() - 1);
  EXPECT_EQ(
      Prova("verify " + WriteFile("truncated.receipt", truncated).string() + " --image-id " + id)
          .status,
      1);
}

TEST_F(ReceiptCliTest, CompressedReceiptVerifies) {
  ASSERT_FALSE(Proved("hello").is_null());
  fs::path receipt = *dir_ / "hello.zstd.receipt";
  CommandResult prove = Prova("prove " + ExampleElf("hello").string() + " -o " + receipt.string() +
                              " --zstd --quiet");
  ASSERT_EQ(prove.status, 0) << prove.err;
  EXPECT_EQ(prove.err, "") << "--quiet prints nothing";
  CommandResult verify = ProvaVerify(receipt.string() + " --image-id " + ImageId("hello"));
  EXPECT_EQ(verify.status, 0) << verify.err;
  CommandResult inspect = Prova("inspect " + receipt.string() + " --json");
  ASSERT_EQ(inspect.status, 0);
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["seal_compressed"], true);
}

TEST_F(ReceiptCliTest, InspectShowsTheClaim) {
  const nlohmann::json& summary = Proved("hello");
  ASSERT_FALSE(summary.is_null());
  CommandResult text = Prova("inspect " + ReceiptPath("hello").string());
  ASSERT_EQ(text.status, 0) << text.err;
  for (const char* field : {"unverified claim", "receipt version", "image ID", "exit code",
                            "journal", "claim digest", "seal", "rv32im-stark"}) {
    EXPECT_NE(text.out.find(field), std::string::npos) << field << "\n" << text.out;
  }
  CommandResult json = Prova("inspect " + ReceiptPath("hello").string() + " --json");
  ASSERT_EQ(json.status, 0) << json.err;
  nlohmann::json info = nlohmann::json::parse(json.out);
  EXPECT_EQ(info["verified"], false);
  EXPECT_EQ(info["version"], 1);
  EXPECT_EQ(info["journal_hex"], summary["journal_hex"]);
  EXPECT_EQ(info["journal_len"], summary["journal_len"]);
  EXPECT_EQ(info["journal_digest_matches"], true);
  EXPECT_EQ(info["claim_digest"], summary["claim_digest"]);
  EXPECT_EQ(info["seal_bytes"], summary["seal_bytes"]);
  EXPECT_EQ(info["seal_compressed"], false);
  EXPECT_EQ(info["post_state"]["pc"], "0x00000000");
  EXPECT_EQ(info["pre_state"]["memory_root"], summary["image_id"]);
}

TEST_F(ReceiptCliTest, InspectRejectsGarbage) {
  std::string text = "not a receipt";
  fs::path path = WriteFile("garbage.receipt",
                            std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  CommandResult run = Prova("inspect " + path.string());
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.err.find("receipt"), std::string::npos) << run.err;
}

TEST_F(ReceiptCliTest, ProveRefusesAnExecutionBeyondTheLimit) {
  CommandResult run = Prova("prove " + ExampleElf("hello").string() + " --max-cycles 10 -o " +
                            (*dir_ / "never.receipt").string());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("limit of a single proof"), std::string::npos) << run.err;
  EXPECT_EQ(Lines(run.err), 1) << run.err;
  EXPECT_FALSE(fs::exists(*dir_ / "never.receipt"));
}

TEST_F(ReceiptCliTest, UsageErrors) {
  EXPECT_EQ(Prova("verify x.receipt").status, 2) << "--image-id is required";
  CommandResult bad_id = Prova("verify x.receipt --image-id 1234");
  EXPECT_EQ(bad_id.status, 2);
  EXPECT_NE(bad_id.err.find("64 hex digits"), std::string::npos) << bad_id.err;
  EXPECT_EQ(ProvaVerify("x.receipt --image-id zz").status, 2);
  EXPECT_EQ(Prova("prove " + ExampleElf("hello").string()).status, 2) << "-o is required";
  CommandResult missing = ProvaVerify("/nonexistent.receipt --image-id " + std::string(64, 'a'));
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("/nonexistent.receipt"), std::string::npos) << missing.err;
}

TEST(ParamsCliTest, PrintsTheSecurityOfTheDefaultConfiguration) {
  CommandResult run;
  {
    const fs::path out = fs::temp_directory_path() / ("prova_params." + std::to_string(::getpid()));
    std::string command =
        std::string(PROVA_CLI_PATH) + " params --rows 1048576 --json >" + out.string() + " 2>&1";
    run.status = WEXITSTATUS(std::system(command.c_str()));
    run.out = ReadText(out);
    fs::remove(out);
  }
  ASSERT_EQ(run.status, 0) << run.out;
  nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["config"]["blowup"], 4);
  EXPECT_EQ(report["config"]["queries"], 42);
  EXPECT_EQ(report["tables"], 15);
  EXPECT_GE(report["conjectured_bits"].get<double>(), 100.0 - 1e-9);
  EXPECT_LT(report["provable_unique_decoding_bits"].get<double>(),
            report["conjectured_bits"].get<double>());
  EXPECT_GT(report["provable_johnson_bits"].get<double>(),
            report["provable_unique_decoding_bits"].get<double>());
  // Conjectured query bits: queries * log2(1 / rate) + grinding (ethSTARK). With zero knowledge
  // the worst rate is the final FRI layer's: 34 coefficients over 128 points.
  EXPECT_NEAR(report["rate"].get<double>(), 34.0 / 128, 1e-12);
  EXPECT_NEAR(report["query_bits"].get<double>(), 42 * std::log2(128.0 / 34), 1e-9);
  EXPECT_NEAR(report["grinding_bits"].get<double>(), 20.0, 1e-9);
  // Field term (docs/security.md): the combined identity checked at two out-of-domain points,
  // 2 (log2 |EF| - log2((d + T - 1) D)) with T = 15 tables, the circuit's degree d = 4 and the
  // degree bound D = rate * 4n = 34/32 * 2^20; the combinations of C constraints and T tables,
  // log2 |EF| - log2(C + T - 1), bind; one bit for the union.
  const double field = 4 * std::log2(2013265921.0);
  EXPECT_EQ(report["constraint_degree"], 4);
  EXPECT_NEAR(report["ali_bits"].get<double>(), 2 * (field - std::log2(18 * 34.0 / 32 * (1 << 20))),
              1e-9);
  EXPECT_NEAR(report["field_bound_bits"].get<double>(), field - std::log2(1014.0) - 1, 1e-9);
}

TEST(ParamsCliTest, RejectsABlowupThatIsNotAPowerOfTwo) {
  std::string command = std::string(PROVA_CLI_PATH) + " params --blowup 3 >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(command.c_str())), 2);
}

}  // namespace
}  // namespace prova
