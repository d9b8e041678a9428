/* libnghttp2's HPACK on the same corpus as the Swift benchmarks, as a yardstick.
 *
 *   bench CORPUS.bin [passes]
 *
 * A pass replays every story once through a fresh inflater (decode) or deflater (encode),
 * as one iteration of the Swift benchmarks does. Each pass is timed on its own, by the
 * thread's CPU time and by the wall clock; the medians over `passes` passes (after a
 * warm-up) are printed as headers/s, like the Swift benchmarks' p50. Before timing, every
 * story is checked: decoding gives the expected headers, and the deflater's blocks inflate
 * back to them. The corpus format is in corpus2bin.py. */
#define _POSIX_C_SOURCE 200809L
#include <nghttp2/nghttp2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const uint8_t *wire;
    size_t wire_len;
    nghttp2_nv *nva;
    size_t nv_len;
} block_t;

typedef struct {
    uint32_t table_size;
    block_t *blocks;
    size_t block_count;
} story_t;

static story_t *stories;
static size_t story_count, total_blocks, total_headers;
static uint8_t *out_buf;
static size_t out_cap = 1 << 20;
static unsigned long malloc_calls;

static void die(const char *what) {
    fprintf(stderr, "nghttp2 bench: %s\n", what);
    exit(1);
}

/* Counting allocator: nghttp2 always allocates through its nghttp2_mem. */
static void *count_malloc(size_t size, void *ud) { (void)ud; malloc_calls++; return malloc(size); }
static void count_free(void *ptr, void *ud) { (void)ud; free(ptr); }
static void *count_calloc(size_t n, size_t size, void *ud) { (void)ud; malloc_calls++; return calloc(n, size); }
static void *count_realloc(void *ptr, size_t size, void *ud) { (void)ud; malloc_calls++; return realloc(ptr, size); }
static nghttp2_mem mem = {NULL, count_malloc, count_free, count_calloc, count_realloc};

static const uint8_t *cursor, *limit;

static uint32_t read_u32(void) {
    if (limit - cursor < 4) die("truncated corpus");
    uint32_t v = (uint32_t)cursor[0] | (uint32_t)cursor[1] << 8 | (uint32_t)cursor[2] << 16 | (uint32_t)cursor[3] << 24;
    cursor += 4;
    return v;
}

static const uint8_t *read_bytes(size_t n) {
    if ((size_t)(limit - cursor) < n) die("truncated corpus");
    const uint8_t *p = cursor;
    cursor += n;
    return p;
}

static void load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open corpus");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) die("cannot read corpus");
    fclose(f);
    cursor = data;
    limit = data + size;
    if (memcmp(read_bytes(4), "HPK1", 4) != 0) die("not a corpus file");
    story_count = read_u32();
    stories = calloc(story_count, sizeof *stories);
    for (size_t s = 0; s < story_count; s++) {
        story_t *story = &stories[s];
        story->table_size = read_u32();
        story->block_count = read_u32();
        story->blocks = calloc(story->block_count, sizeof *story->blocks);
        for (size_t b = 0; b < story->block_count; b++) {
            block_t *block = &story->blocks[b];
            block->wire_len = read_u32();
            block->wire = read_bytes(block->wire_len);
            block->nv_len = read_u32();
            block->nva = calloc(block->nv_len ? block->nv_len : 1, sizeof *block->nva);
            for (size_t h = 0; h < block->nv_len; h++) {
                nghttp2_nv *nv = &block->nva[h];
                nv->namelen = read_u32();
                nv->name = (uint8_t *)read_bytes(nv->namelen);
                nv->valuelen = read_u32();
                nv->value = (uint8_t *)read_bytes(nv->valuelen);
                nv->flags = NGHTTP2_NV_FLAG_NONE;
            }
            total_blocks++;
            total_headers += block->nv_len;
        }
    }
}

/* Inflates one block; returns the number of fields, checks them against `expect` if given. */
static size_t inflate_block(nghttp2_hd_inflater *inflater, const uint8_t *in, size_t in_len, const block_t *expect) {
    size_t fields = 0;
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
#if NGHTTP2_VERSION_NUM >= 0x013d00
        nghttp2_ssize rv = nghttp2_hd_inflate_hd3(inflater, &nv, &flags, in, in_len, 1);
#else
        ssize_t rv = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, in_len, 1);
#endif
        if (rv < 0) die("inflate failed");
        in += rv;
        in_len -= (size_t)rv;
        if (flags & NGHTTP2_HD_INFLATE_EMIT) {
            if (expect) {
                const nghttp2_nv *want = &expect->nva[fields];
                if (fields >= expect->nv_len || nv.namelen != want->namelen || nv.valuelen != want->valuelen ||
                    memcmp(nv.name, want->name, nv.namelen) != 0 || memcmp(nv.value, want->value, nv.valuelen) != 0)
                    die("decoded header differs from the story");
            }
            fields++;
        }
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inflater);
            break;
        }
        if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && in_len == 0) break;
    }
    if (expect && fields != expect->nv_len) die("decoded header count differs from the story");
    return fields;
}

static nghttp2_hd_inflater *new_inflater(const story_t *story) {
    nghttp2_hd_inflater *inflater;
    if (nghttp2_hd_inflate_new2(&inflater, &mem) != 0) die("inflate_new");
    if (story->table_size != 4096 && nghttp2_hd_inflate_change_table_size(inflater, story->table_size) != 0)
        die("inflate_change_table_size");
    return inflater;
}

static size_t decode_pass(void) {
    size_t fields = 0;
    for (size_t s = 0; s < story_count; s++) {
        nghttp2_hd_inflater *inflater = new_inflater(&stories[s]);
        for (size_t b = 0; b < stories[s].block_count; b++)
            fields += inflate_block(inflater, stories[s].blocks[b].wire, stories[s].blocks[b].wire_len, NULL);
        nghttp2_hd_inflate_del(inflater);
    }
    return fields;
}

static size_t encode_pass(size_t *bytes) {
    size_t fields = 0, total = 0;
    for (size_t s = 0; s < story_count; s++) {
        nghttp2_hd_deflater *deflater;
        if (nghttp2_hd_deflate_new2(&deflater, stories[s].table_size, &mem) != 0) die("deflate_new");
        for (size_t b = 0; b < stories[s].block_count; b++) {
            const block_t *block = &stories[s].blocks[b];
#if NGHTTP2_VERSION_NUM >= 0x013d00
            nghttp2_ssize n = nghttp2_hd_deflate_hd2(deflater, out_buf, out_cap, block->nva, block->nv_len);
#else
            ssize_t n = nghttp2_hd_deflate_hd(deflater, out_buf, out_cap, block->nva, block->nv_len);
#endif
            if (n < 0) die("deflate failed");
            total += (size_t)n;
            fields += block->nv_len;
        }
        nghttp2_hd_deflate_del(deflater);
    }
    if (bytes) *bytes = total;
    return fields;
}

/* Decodes the stories and round-trips the deflater's output; returns the encoded size. */
static size_t verify(void) {
    size_t encoded = 0;
    for (size_t s = 0; s < story_count; s++) {
        nghttp2_hd_inflater *inflater = new_inflater(&stories[s]), *peer = new_inflater(&stories[s]);
        nghttp2_hd_deflater *deflater;
        if (nghttp2_hd_deflate_new2(&deflater, stories[s].table_size, &mem) != 0) die("deflate_new");
        for (size_t b = 0; b < stories[s].block_count; b++) {
            const block_t *block = &stories[s].blocks[b];
            inflate_block(inflater, block->wire, block->wire_len, block);
#if NGHTTP2_VERSION_NUM >= 0x013d00
            nghttp2_ssize n = nghttp2_hd_deflate_hd2(deflater, out_buf, out_cap, block->nva, block->nv_len);
#else
            ssize_t n = nghttp2_hd_deflate_hd(deflater, out_buf, out_cap, block->nva, block->nv_len);
#endif
            if (n < 0) die("deflate failed");
            encoded += (size_t)n;
            inflate_block(peer, out_buf, (size_t)n, block);
        }
        nghttp2_hd_inflate_del(inflater);
        nghttp2_hd_inflate_del(peer);
        nghttp2_hd_deflate_del(deflater);
    }
    return encoded;
}

static double clock_seconds(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* Median headers/s over `passes` passes, by CPU time and by wall clock. */
static void measure(int encode, int passes, double *cpu_rate, double *wall_rate) {
    double *cpu = calloc((size_t)passes, sizeof *cpu), *wall = calloc((size_t)passes, sizeof *wall);
    volatile size_t sink = 0;
    for (int p = -passes / 10 - 1; p < passes; p++) { /* p < 0: warm-up */
        double cpu_start = clock_seconds(CLOCK_THREAD_CPUTIME_ID), wall_start = clock_seconds(CLOCK_MONOTONIC);
        size_t fields = encode ? encode_pass(NULL) : decode_pass();
        double wall_end = clock_seconds(CLOCK_MONOTONIC), cpu_end = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
        sink += fields;
        if (p >= 0) {
            cpu[p] = (double)fields / (cpu_end - cpu_start);
            wall[p] = (double)fields / (wall_end - wall_start);
        }
    }
    (void)sink;
    *cpu_rate = median(cpu, passes);
    *wall_rate = median(wall, passes);
    free(cpu);
    free(wall);
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage: bench CORPUS.bin [passes]");
    int passes = argc > 2 ? atoi(argv[2]) : 2000;
    if (passes < 1) die("passes must be positive");
    out_buf = malloc(out_cap);
    load(argv[1]);
    size_t encoded = verify();

    unsigned long before = malloc_calls;
    decode_pass();
    double decode_mallocs = (double)(malloc_calls - before) / (double)total_blocks;
    before = malloc_calls;
    encode_pass(NULL);
    double encode_mallocs = (double)(malloc_calls - before) / (double)total_blocks;

    double decode_cpu, decode_wall, encode_cpu, encode_wall;
    measure(0, passes, &decode_cpu, &decode_wall);
    measure(1, passes, &encode_cpu, &encode_wall);
    printf("libnghttp2 %s: %zu stories, %zu blocks, %zu headers per pass; encoded %zu bytes\n", NGHTTP2_VERSION,
           story_count, total_blocks, total_headers, encoded);
    printf("libnghttp2 decode: %.2f M headers/s by CPU time, %.2f M by wall clock, %.2f mallocs/block "
           "(median of %d passes)\n", decode_cpu / 1e6, decode_wall / 1e6, decode_mallocs, passes);
    printf("libnghttp2 encode: %.2f M headers/s by CPU time, %.2f M by wall clock, %.2f mallocs/block "
           "(median of %d passes)\n", encode_cpu / 1e6, encode_wall / 1e6, encode_mallocs, passes);
    printf("RESULT nghttp2 decode_cpu=%.0f decode_wall=%.0f encode_cpu=%.0f encode_wall=%.0f "
           "decode_mallocs_per_block=%.3f encode_mallocs_per_block=%.3f encoded_bytes=%zu\n",
           decode_cpu, decode_wall, encode_cpu, encode_wall, decode_mallocs, encode_mallocs, encoded);
    return 0;
}
