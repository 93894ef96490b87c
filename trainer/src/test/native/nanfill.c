/*
 * LD_PRELOAD shim for NativeMemoryTest: every fresh allocation (malloc, posix_memalign, aligned_alloc, memalign and
 * the new tail of realloc; calloc stays zeroed) is filled with 0xFF bytes, so a float read from memory nothing wrote
 * is NaN. Built by the test with the machine's gcc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define FILL 0xff

static void *(*next_malloc)(size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static void *(*next_memalign)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);

void *malloc(size_t size) {
    if (!next_malloc) next_malloc = dlsym(RTLD_NEXT, "malloc");
    void *p = next_malloc(size);
    if (p) memset(p, FILL, size);
    return p;
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (!next_posix_memalign) next_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    int rc = next_posix_memalign(out, alignment, size);
    if (rc == 0) memset(*out, FILL, size);
    return rc;
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!next_aligned_alloc) next_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    void *p = next_aligned_alloc(alignment, size);
    if (p) memset(p, FILL, size);
    return p;
}

void *memalign(size_t alignment, size_t size) {
    if (!next_memalign) next_memalign = dlsym(RTLD_NEXT, "memalign");
    void *p = next_memalign(alignment, size);
    if (p) memset(p, FILL, size);
    return p;
}

void *realloc(void *old, size_t size) {
    if (!next_realloc) next_realloc = dlsym(RTLD_NEXT, "realloc");
    size_t kept = old ? malloc_usable_size(old) : 0;
    void *p = next_realloc(old, size);
    if (p && size > kept) memset((char *) p + kept, FILL, size - kept);
    return p;
}
