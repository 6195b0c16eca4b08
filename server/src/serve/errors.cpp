#include "serve/errors.hpp"

namespace antt::serve {

int status_of(const std::exception& error) {
  if (const auto* request = dynamic_cast<const RequestError*>(&error)) return request->status();
  if (dynamic_cast<const UsageError*>(&error) || dynamic_cast<const InputError*>(&error) ||
      dynamic_cast<const CrsError*>(&error))
    return 400;
  if (dynamic_cast<const StoreError*>(&error)) return 503;
  return 500;
}

http::Response json_error_response(const std::exception& error, std::string_view failure) {
  const int status = status_of(error);
  std::string reason;
  if (status == 503 && dynamic_cast<const StoreError*>(&error))
    reason = "the store cannot be read now / không đọc được CSDL: ";
  else if (status == 500 && !failure.empty())
    reason.append(failure).append(": ");
  reason += error.what();
  auto response = http::Response::json_error(status, reason);
  if (status == 503 || status == 429) response.headers["Retry-After"] = "5";
  if (status == 401) response.headers["WWW-Authenticate"] = "Bearer realm=\"anttmap\"";
  return response;
}

http::Response answer_json(const std::function<http::Response()>& body, std::string_view failure) {
  try {
    return body();
  } catch (const std::exception& error) {
    return json_error_response(error, failure);
  }
}

}  // namespace antt::serve
