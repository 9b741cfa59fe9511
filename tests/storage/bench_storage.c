/* Encode/decode speed of 64K-row blocks per encoding and type, and raw bit-unpacking speed.
 * Not a ctest (timings on a shared machine are noise); run build/bench_storage by hand. */
#include "engine/storage/bitpack.h"
#include "engine/storage/block.h"
#include "tests/storage/test_storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { N = 65536, REPS = 50 };

static void bench(const char *name, const shoal_vector *v, shoal_encoding_request req)
{
    shoal_block_encoder *enc = shoal_block_encoder_create(3);
    shoal_decoded_block dec;
    shoal_decoded_block_init(&dec);
    shoal_writer w;
    shoal_writer_init(&w, 1 << 20);
    shoal_zone_map zm;
    shoal_block_info info;
    shoal_error err;
    double t0 = now();
    for (int r = 0; r < REPS; r++) {
        w.len = 0;
        if (!shoal_block_encode(enc, v, req, &w, &zm, &info, &err)) {
            fprintf(stderr, "%s: %s\n", name, err.message);
            exit(1);
        }
    }
    double t_enc = (now() - t0) / REPS;
    t0 = now();
    for (int r = 0; r < REPS; r++) {
        if (!shoal_block_decode(w.data, w.len, shoal_type_physical(v->type), &dec, &err)) {
            fprintf(stderr, "%s: %s\n", name, err.message);
            exit(1);
        }
    }
    double t_dec = (now() - t0) / REPS;
    printf("| %-34s | %-5s%s | %7.2f | %8.1f | %8.1f | %8.0f |\n", name, shoal_encoding_name(info.encoding),
           info.compressed ? "+zstd" : "     ", (double)info.plain_bytes / info.block_bytes, t_enc * 1e6, t_dec * 1e6,
           info.plain_bytes / t_dec / 1e6);
    shoal_writer_free(&w);
    shoal_decoded_block_free(&dec);
    shoal_block_encoder_free(enc);
}

int main(void)
{
    uint64_t rng = 1;
    shoal_vector v;
    printf("64K-row blocks, mean of %d runs\n\n", REPS);
    printf("| %-34s | %-10s | %7s | %8s | %8s | %8s |\n", "column", "encoding", "ratio", "enc us", "dec us", "dec MB/s");
    printf("|---|---|---|---|---|---|\n");

    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_INTEGER), N);
    for (int i = 0; i < N; i++) shoal_vector_append_i64(&v, (int64_t)(test_rand(&rng) % 200000));
    bench("INTEGER random 0..200000 (FOR)", &v, shoal_encoding_auto());
    shoal_vector_reset(&v);
    for (int i = 0, k = 0; i < N; i++) shoal_vector_append_i64(&v, k += 1 + (int)(test_rand(&rng) % 8));
    bench("INTEGER sorted keys (DELTA)", &v, shoal_encoding_auto());
    shoal_vector_reset(&v);
    for (int i = 0; i < N; i++) shoal_vector_append_i64(&v, 8035 + (int64_t)(test_rand(&rng) % 2526));
    bench("DATE 7 years random (FOR)", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    shoal_vector_init(&v, shoal_type_decimal(15, 2), N);
    for (int i = 0; i < N; i++) shoal_vector_append_i64(&v, 90000 + (int64_t)(test_rand(&rng) % 10400000));
    bench("DECIMAL(15,2) prices (FOR)", &v, shoal_encoding_auto());
    bench("DECIMAL(15,2) prices, RAW", &v, shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_NEVER));
    bench("DECIMAL(15,2) prices, RAW+zstd", &v, shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_ALWAYS));
    shoal_vector_reset(&v);
    for (int i = 0; i < N; i++) shoal_vector_append_i64(&v, (int64_t)(test_rand(&rng) % 11));
    bench("DECIMAL(15,2) discount 0..0.10", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    shoal_vector_init(&v, shoal_type_decimal(38, 2), N);
    for (int i = 0; i < N; i++) shoal_vector_append_i128(&v, (shoal_int128)1e30 + (shoal_int128)(test_rand(&rng) % 1000000));
    bench("DECIMAL(38,2) near 1e30 (FOR)", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_BIGINT), N);
    for (int r = 0; r < 64; r++) {
        int64_t x = (int64_t)test_rand(&rng);
        for (int i = 0; i < N / 64; i++) shoal_vector_append_i64(&v, x);
    }
    bench("BIGINT runs of 1024 (RLE)", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    shoal_vector_init(&v, shoal_type_make(SHOAL_TYPE_DOUBLE), N);
    for (int i = 0; i < N; i++) shoal_vector_append_f64(&v, (double)test_rand(&rng) / 3.0);
    bench("DOUBLE random", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    static const char *const modes[] = {"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"};
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_CHAR, 10), N);
    for (int i = 0; i < N; i++) {
        const char *m = modes[test_rand(&rng) % 7];
        shoal_vector_append_string(&v, m, (uint32_t)strlen(m));
    }
    bench("CHAR(10) 7 values (DICT)", &v, shoal_encoding_auto());
    shoal_vector_free(&v);

    static const char *const words[] = {"furiously", "quickly", "carefully", "regular", "deposits", "sleep",
                                        "ironic", "accounts", "haggle", "blithely", "pending", "requests",
                                        "final", "express", "packages", "theodolites"};
    shoal_vector_init(&v, shoal_type_string(SHOAL_TYPE_VARCHAR, 44), N);
    for (int i = 0; i < N; i++) {
        char line[256];
        int len = 0, nw = 2 + (int)(test_rand(&rng) % 4);
        for (int k = 0; k < nw; k++) len += sprintf(line + len, "%s%s", k ? " " : "", words[test_rand(&rng) % 16]);
        shoal_vector_append_string(&v, line, (uint32_t)len);
    }
    bench("VARCHAR(44) comment-like text", &v, shoal_encoding_auto());
    bench("VARCHAR(44) comment-like, RAW", &v, shoal_encoding_forced(SHOAL_ENC_RAW, SHOAL_ZSTD_NEVER));
    shoal_vector_free(&v);

    /* raw bit unpacking */
    printf("\nbit unpacking, %d values:\n", N);
    uint64_t *in = malloc(N * 8), *out = malloc(N * 8);
    uint8_t *packed = calloc(N * 8 + SHOAL_BITPACK_PAD, 1);
    const unsigned widths[] = {1, 3, 7, 12, 17, 24, 33, 48, 60, 64};
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
        unsigned wdt = widths[k];
        uint64_t mask = wdt == 64 ? ~0ull : (1ull << wdt) - 1;
        for (int i = 0; i < N; i++) in[i] = test_rand(&rng) & mask;
        shoal_bitpack(in, N, wdt, packed);
        double t0 = now();
        for (int r = 0; r < 200; r++) shoal_bitunpack(packed, N, wdt, 7, out);
        double t = (now() - t0) / 200;
        printf("  width %2u: %6.1f us  (%.2f ns/value)\n", wdt, t * 1e6, t * 1e9 / N);
    }
    free(in);
    free(out);
    free(packed);
    return 0;
}
