#include "serve/json_errors.hpp"


namespace antt::serve {

http::Response answer_json(const std::function<http::Response()>& body, std::string_view failure) {
  try {
    return body();
  } catch (const RequestError& error) {
    return http::Response::json_error(error.status(), error.what());
  } catch (const UsageError& error) {
    return http::Response::json_error(400, error.what());
  } catch (const InputError& error) {
    return http::Response::json_error(400, error.what());
  } catch (const CrsError& error) {
    return http::Response::json_error(400, error.what());
  } catch (const StoreError& error) {
    return http::Response::json_error(
        503, std::string("the store cannot be read now / không đọc được CSDL: ") + error.what());
  } catch (const std::exception& error) {
    return http::Response::json_error(500, failure.empty() ? std::string(error.what())
                                                           : std::string(failure) + ": " + error.what());
  }
}

}  // namespace antt::serve
