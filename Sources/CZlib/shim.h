#include <zlib.h>

/// deflateInit / inflateInit are function-like macros that Swift cannot import.
static inline int jwtaudit_deflate_init(z_streamp stream, int level) {
    return deflateInit(stream, level);
}
static inline int jwtaudit_inflate_init(z_streamp stream) {
    return inflateInit(stream);
}
