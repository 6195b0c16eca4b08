#include "problems.hpp"

#include "antt/core/error.hpp"

namespace antt::importer {

void Problems::throw_if_any(const std::string& path) const {
  if (items_.empty()) return;
  constexpr size_t kShown = 25;
  std::string message = "cannot import '" + path + "': " + std::to_string(items_.size()) +
                        (items_.size() == 1 ? " problem" : " problems") +
                        ", nothing was imported / không nhập được, chưa ghi gì:";
  for (size_t i = 0; i < items_.size() && i < kShown; ++i) message += "\n  - " + items_[i];
  if (items_.size() > kShown) message += "\n  … and " + std::to_string(items_.size() - kShown) + " more";
  throw InputError(message);
}

std::string short_list(const std::vector<std::string>& items) {
  std::string list;
  for (size_t i = 0; i < items.size() && i < 10; ++i) list += (i ? ", " : "") + items[i];
  if (items.size() > 10) list += ", …";
  return list;
}

std::string validity_text(const store::UnitVersion& unit) {
  return unit.valid_from + " … " + (unit.valid_to ? *unit.valid_to : std::string("open"));
}

}  // namespace antt::importer
