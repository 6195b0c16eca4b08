// Replaced by the HTTP layer implementation.
namespace antt::http {}
