// SqlConnection over libpq: the shared job store and queue of the scale-out deployment.

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "common/error.h"
#include "service/sql.h"

namespace prova::service {
namespace {

constexpr unsigned kByteaOid = 17;  // pg_type.oid of bytea

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      throw Error("cannot connect to PostgreSQL: " + message);
    }
    // Notices (e.g. "relation already exists, skipping") are not errors; keep stderr clean.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  std::vector<SqlRow> Query(std::string_view sql, const std::vector<SqlParam>& params) override {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlParam& p = params[i];
      formats[i] = p.kind == SqlParam::kBytes ? 1 : 0;  // bytea goes binary, the rest as text
      if (p.kind == SqlParam::kNull) continue;
      texts[i] = p.kind == SqlParam::kInteger ? std::to_string(p.integer) : p.text;
      values[i] = texts[i].data();
      lengths[i] = static_cast<int>(texts[i].size());
    }
    const std::string statement(sql);
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(
        PQexecParams(conn_, statement.c_str(), static_cast<int>(params.size()), nullptr,
                     values.data(), lengths.data(), formats.data(), 0),
        PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw Error(std::string("PostgreSQL: ") + PQresultErrorMessage(result.get()) +
                  " in: " + statement);
    }
    const char* changed = PQcmdTuples(result.get());
    changed_ = (changed && *changed) ? std::stoll(changed) : 0;
    return ReadRows(result.get());
  }

  int64_t ChangedRows() const override { return changed_; }

 private:
  static std::vector<SqlRow> ReadRows(PGresult* result) {
    std::vector<SqlRow> rows;
    const int n = PQntuples(result), columns = PQnfields(result);
    for (int r = 0; r < n; ++r) {
      SqlRow row;
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          row.emplace_back(std::nullopt);
        } else if (PQftype(result, c) == kByteaOid) {
          row.emplace_back(Unescape(PQgetvalue(result, r, c)));
        } else {
          row.emplace_back(std::string(PQgetvalue(result, r, c),
                                       static_cast<size_t>(PQgetlength(result, r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  static std::string Unescape(const char* text) {
    size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
    if (bytes == nullptr) throw Error("PostgreSQL: cannot decode a bytea value");
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }

  PGconn* conn_;
  int64_t changed_ = 0;
};

}  // namespace

std::unique_ptr<SqlConnection> OpenPostgres(const std::string& url) {
  return std::make_unique<PostgresConnection>(url);
}

}  // namespace prova::service
