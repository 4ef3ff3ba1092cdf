// write_file_replacing with std::filesystem only (macOS, Windows, -DMIL_PLATFORM=portable):
// the same refusals as the Linux version.
#include "platform/safe_write.hpp"

#include "platform/utf8_path.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

namespace mil {

namespace {

namespace fs = std::filesystem;

bool fail(std::string* error, std::string message) {
    if (error) *error = std::move(message);
    return false;
}

} // namespace

bool write_file_replacing(const std::string& path, std::string_view data,
                          const std::function<bool(const std::string&)>& forbidden,
                          std::string* error) {
    std::error_code ec;
    const fs::path target = utf8_path(path);
    const fs::file_status st = fs::symlink_status(target, ec);
    const bool exists = !ec && st.type() != fs::file_type::not_found;
    if (exists) {
        if (st.type() == fs::file_type::symlink)
            return fail(error, path + ": is a symbolic link; not followed");
        if (st.type() != fs::file_type::regular)
            return fail(error,
                        path + (st.type() == fs::file_type::directory ? ": is a directory"
                                                                      : ": not a regular file"));
        if (forbidden && forbidden(path))
            return fail(error, path + ": is one of the checked files; not overwritten");
    }
    // A new file beside the target, never an existing one.
    std::random_device seed;
    fs::path tmp;
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp = target;
        tmp += ".mil-" + std::to_string(seed()) + ".tmp";
        if (!fs::exists(fs::symlink_status(tmp, ec))) break;
    }
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return fail(error, path + ": cannot create a file beside it");
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.close();
        if (!out) {
            fs::remove(tmp, ec);
            return fail(error, path + ": cannot write");
        }
    }
    if (exists) fs::permissions(tmp, st.permissions(), fs::perm_options::replace, ec);
    fs::rename(tmp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return fail(error, path + ": cannot replace: " + ec.message());
    }
    return true;
}

} // namespace mil
