#include "http/mhd_handles.hpp"

#include <string>

namespace antt::http {
namespace {

void release_body(void* holder) noexcept { delete static_cast<std::shared_ptr<const std::string>*>(holder); }

}  // namespace

ResponseHandle mhd_response(const Response& response) {
  ResponseHandle mhd_response;
  if (response.body->empty()) {
    mhd_response.reset(MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT));
  } else {
    // Zero copy: the response keeps its own reference to the (possibly cached) body.
    auto holder = std::make_unique<std::shared_ptr<const std::string>>(response.body);
    mhd_response.reset(MHD_create_response_from_buffer_with_free_callback_cls(
        response.body->size(), const_cast<char*>(response.body->data()), &release_body, holder.get()));
    if (mhd_response) holder.release();
  }
  if (!mhd_response) return mhd_response;
  if (!response.content_type.empty()) {
    MHD_add_response_header(mhd_response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  }
  for (const auto& [name, value] : response.headers) {
    MHD_add_response_header(mhd_response.get(), name.c_str(), value.c_str());
  }
  return mhd_response;
}

}  // namespace antt::http
