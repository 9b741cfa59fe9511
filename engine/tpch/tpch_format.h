/* dbgen's .tbl text format over typed batches: every field followed by '|', one row per line,
 * decimals as [-]d.dd, dates as YYYY-MM-DD. Hand-written formatting into a caller's buffer
 * (no printf), for writing files fast. */
#ifndef SHOAL_TPCH_FORMAT_H
#define SHOAL_TPCH_FORMAT_H

#include <stddef.h>

#include "engine/tpch/tpch.h"

/* No formatted row of any table is longer than this many bytes. */
#define TPCH_FORMAT_MAX_ROW_BYTES 1024

/* Formats rows *row, *row + 1, ... of batch into out while at least TPCH_FORMAT_MAX_ROW_BYTES
 * of out_capacity remain; advances *row past the rows written and returns the bytes written. */
size_t tpch_format_rows(const tpch_batch *batch, size_t *row, char *out, size_t out_capacity);

/* Writes the date (days since 1970-01-01) as YYYY-MM-DD (10 bytes); returns the end. */
char *tpch_format_date(char *out, int32_t days);

/* Writes cents as [-]d.dd; returns the end. */
char *tpch_format_decimal(char *out, int64_t cents);

/* Writes an integer in decimal; returns the end. */
char *tpch_format_int(char *out, int64_t v);

#endif
