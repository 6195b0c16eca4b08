#pragma once
// Error hierarchy of anttmap's core. Each class maps to one documented exit code of the CLI
// and one HTTP status of the server; the message says what failed and what the user can do.
#include <stdexcept>
#include <string>

namespace antt {

/// Exit codes of the `anttmap` tool (documented in `anttmap --help`).
enum class ExitCode : int {
  ok = 0,
  failure = 1,          ///< unexpected internal failure
  usage = 2,            ///< bad command line
  store = 3,            ///< the store cannot be opened, migrated or written
  input = 4,            ///< bad input file or value (import, status, candidate)
  crs = 5,              ///< missing or unusable coordinate reference system
  validation_errors = 6 ///< validate found errors
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual ExitCode exit_code() const { return ExitCode::failure; }
};

class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::usage; }
};

class StoreError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::store; }
};

class InputError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::input; }
};

class CrsError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::crs; }
};

/// A request the client can fix. The server answers it with status() (400 bad parameter, 401 not
/// signed in, 403 not allowed, 404 no such thing, 405, 409 conflict, 413 too large, 429 too many,
/// 503 busy) and the message as the reason; the CLI reports it as bad input.
class RequestError : public Error {
 public:
  explicit RequestError(const std::string& message, int status = 400) : Error(message), status_(status) {}
  RequestError(int status, const std::string& message) : RequestError(message, status) {}
  int status() const { return status_; }
  ExitCode exit_code() const override { return ExitCode::input; }

 private:
  int status_;
};

}  // namespace antt
