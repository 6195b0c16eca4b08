// Replaced by the engine implementation.
namespace antt::mapserver {}
