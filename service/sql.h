#pragma once

// The narrow SQL interface the job store is written against, so that one store implementation
// runs on SQLite (embedded) and on PostgreSQL (scale-out). Statements use PostgreSQL's `$1, $2`
// placeholders; SQLite accepts them as named parameters.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prova::service {

enum class SqlDialect { kSqlite, kPostgres };

// A statement parameter: NULL, an integer, text, or binary bytes (BLOB / bytea).
struct SqlParam {
  enum Kind { kNull, kInteger, kText, kBytes };
  Kind kind = kNull;
  int64_t integer = 0;
  std::string text;  // kText and kBytes

  SqlParam() = default;
  SqlParam(int64_t value) : kind(kInteger), integer(value) {}  // NOLINT: implicit by design
  SqlParam(uint64_t value) : kind(kInteger), integer(static_cast<int64_t>(value)) {}  // NOLINT
  SqlParam(int value) : kind(kInteger), integer(value) {}                             // NOLINT
  SqlParam(bool value) : kind(kInteger), integer(value ? 1 : 0) {}                    // NOLINT
  SqlParam(std::string value) : kind(kText), text(std::move(value)) {}                // NOLINT
  SqlParam(const char* value) : kind(kText), text(value) {}                           // NOLINT
  static SqlParam Bytes(std::string_view bytes) {
    SqlParam p;
    p.kind = kBytes;
    p.text = std::string(bytes);
    return p;
  }
};

// One result row: each column as its bytes (integers in decimal), or nullopt for NULL.
using SqlRow = std::vector<std::optional<std::string>>;

// A database connection. Not thread-safe: the store hands each connection to one thread at a time.
// Failures throw prova::Error with the database's message.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // Runs one statement; returns its rows (RETURNING rows for INSERT/UPDATE).
  virtual std::vector<SqlRow> Query(std::string_view sql, const std::vector<SqlParam>& params) = 0;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  virtual int64_t ChangedRows() const = 0;
};

// Opens (creating if needed) a SQLite database file in WAL mode with full fsync.
std::unique_ptr<SqlConnection> OpenSqlite(const std::string& path);
// Connects to PostgreSQL with a libpq connection string or postgres:// URL.
std::unique_ptr<SqlConnection> OpenPostgres(const std::string& url);

// Column helpers for rows read back from the store's own tables.
int64_t ColumnInt(const SqlRow& row, size_t index, int64_t if_null = 0);
double ColumnDouble(const SqlRow& row, size_t index);
std::string ColumnText(const SqlRow& row, size_t index);

}  // namespace prova::service
