// SqlConnection over SQLite: the embedded job store of `prova serve` with no --db.

#include <sqlite3.h>

#include <string>

#include "common/error.h"
#include "service/sql.h"

namespace prova::service {
namespace {

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw Error("cannot open SQLite database " + path + ": " + message);
    }
    // Another process (prova keys) may hold the write lock for a moment: wait, do not fail.
    sqlite3_busy_timeout(db_, 10000);
    // WAL + synchronous=FULL: a committed job survives kill -9 and power loss.
    Query("PRAGMA journal_mode=WAL", {});
    Query("PRAGMA synchronous=FULL", {});
  }
  ~SqliteConnection() override { sqlite3_close(db_); }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  std::vector<SqlRow> Query(std::string_view sql, const std::vector<SqlParam>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      throw Error(std::string("SQLite: ") + sqlite3_errmsg(db_) + " in: " + std::string(sql));
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
    Bind(stmt, params);
    std::vector<SqlRow> rows;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        throw Error(std::string("SQLite: ") + sqlite3_errmsg(db_) + " in: " + std::string(sql));
      }
      rows.push_back(ReadRow(stmt));
    }
    changed_ = sqlite3_changes(db_);
    return rows;
  }

  int64_t ChangedRows() const override { return changed_; }

 private:
  // Parameters are named "$1", "$2"...: bind each by its name so the order they appear in the
  // statement does not matter.
  void Bind(sqlite3_stmt* stmt, const std::vector<SqlParam>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      std::string name = "$";  // appended, not `"$" + ...`: GCC 12 misreports that (-Wrestrict)
      name += std::to_string(i + 1);
      int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;  // a parameter the statement does not use
      const SqlParam& p = params[i];
      int rc = SQLITE_OK;
      switch (p.kind) {
        case SqlParam::kNull:
          rc = sqlite3_bind_null(stmt, index);
          break;
        case SqlParam::kInteger:
          rc = sqlite3_bind_int64(stmt, index, p.integer);
          break;
        case SqlParam::kText:
          rc = sqlite3_bind_text(stmt, index, p.text.data(), static_cast<int>(p.text.size()),
                                 SQLITE_TRANSIENT);
          break;
        case SqlParam::kBytes:
          rc = sqlite3_bind_blob(stmt, index, p.text.data(), static_cast<int>(p.text.size()),
                                 SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) throw Error(std::string("SQLite bind: ") + sqlite3_errmsg(db_));
    }
  }

  static SqlRow ReadRow(sqlite3_stmt* stmt) {
    SqlRow row;
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(std::nullopt);
          break;
        case SQLITE_INTEGER:
          row.emplace_back(std::to_string(sqlite3_column_int64(stmt, c)));
          break;
        default: {
          const void* data = sqlite3_column_blob(stmt, c);
          const int size = sqlite3_column_bytes(stmt, c);
          row.emplace_back(std::string(static_cast<const char*>(data), static_cast<size_t>(size)));
        }
      }
    }
    return row;
  }

  sqlite3* db_ = nullptr;
  int64_t changed_ = 0;
};

}  // namespace

std::unique_ptr<SqlConnection> OpenSqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

int64_t ColumnInt(const SqlRow& row, size_t index, int64_t if_null) {
  if (!row.at(index)) return if_null;
  return std::stoll(*row[index]);
}

double ColumnDouble(const SqlRow& row, size_t index) {
  return row.at(index) ? std::stod(*row[index]) : 0.0;
}

std::string ColumnText(const SqlRow& row, size_t index) { return row.at(index).value_or(""); }

}  // namespace prova::service
