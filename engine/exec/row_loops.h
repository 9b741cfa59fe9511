/* Loops over a batch's selected rows, shared by the kernels and the expression evaluator:
 * ROWS runs the body for each selected row (every row when sel is NULL) with the row number
 * in `r`; VALID_ROWS skips the rows whose bit in `valid` is clear (valid NULL: none). */
#ifndef SHOAL_ENGINE_ROW_LOOPS_H
#define SHOAL_ENGINE_ROW_LOOPS_H

#include "engine/exec/kernels.h" /* shoal_bit_is_set */

#define ROWS(sel, n, r, ...)                                                                            \
    do {                                                                                                \
        if (sel) {                                                                                      \
            for (uint32_t i_ = 0; i_ < (n); i_++) {                                                     \
                uint32_t r = (sel)[i_];                                                                 \
                __VA_ARGS__;                                                                            \
            }                                                                                           \
        } else {                                                                                        \
            for (uint32_t r = 0; r < (n); r++) { __VA_ARGS__; }                                         \
        }                                                                                               \
    } while (0)
#define VALID_ROWS(sel, n, valid, r, ...)                                                               \
    do {                                                                                                \
        if (valid) ROWS(sel, n, r, if (shoal_bit_is_set(valid, r)) { __VA_ARGS__; });                   \
        else ROWS(sel, n, r, __VA_ARGS__);                                                              \
    } while (0)

#endif
