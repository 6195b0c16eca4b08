#pragma once
// The OpenAPI 3 document of the JSON API, served at /api/openapi.json.
#include <string>

#include <nlohmann/json.hpp>

namespace antt::serve {

/// The document; `server_url` (the public URL, or empty) goes into its `servers`.
nlohmann::ordered_json openapi_document(const std::string& server_url);

}  // namespace antt::serve
