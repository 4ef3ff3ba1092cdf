#include "platform/safe_write.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mil {

namespace {

bool fail(std::string* error, std::string message) {
    if (error) *error = std::move(message);
    return false;
}

mode_t new_file_mode() {
    const mode_t mask = ::umask(0); // read it: umask has no getter
    ::umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
}

} // namespace

bool write_file_replacing(const std::string& path, std::string_view data,
                          const std::function<bool(const std::string&)>& forbidden,
                          std::string* error) {
    mode_t mode = new_file_mode();
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode)) return fail(error, path + ": is a symbolic link; not followed");
        if (!S_ISREG(st.st_mode))
            return fail(error,
                        path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
        if (forbidden && forbidden(path))
            return fail(error, path + ": is one of the checked files; not overwritten");
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        return fail(error, path + ": " + std::strerror(errno));
    }
    const std::string dir = parent_path(path);
    std::string tmp = (dir.empty() ? std::string(".") : dir) + "/." + file_name(path) + ".XXXXXX";
    const int fd = ::mkostemp(tmp.data(), O_CLOEXEC); // O_EXCL: a new file, never a link
    if (fd < 0)
        return fail(error, path + ": cannot create a file beside it: " + std::strerror(errno));
    bool ok = ::fchmod(fd, mode) == 0;
    for (std::size_t done = 0; ok && done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    const int write_errno = errno;
    ok = ::close(fd) == 0 && ok;
    // rename replaces the name itself: a link planted meanwhile is replaced, not followed.
    if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
    const int err = ok ? errno : write_errno;
    ::unlink(tmp.c_str());
    return fail(error, path + ": cannot write: " + std::strerror(err));
}

} // namespace mil
