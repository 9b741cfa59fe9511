/* The `shoal` command line (ARCHITECTURE.md §5, a contract that tests and scripts rely on):
 *   shoal [--data DIR] [-c SQL | -f FILE] [--csv] [--dedicated-leader] [-h] [--version]
 * Every rank parses the same argv, so every rank reaches the same verdict on bad arguments. */
#ifndef SHOAL_SHELL_OPTIONS_H
#define SHOAL_SHELL_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct shell_options {
    const char *data_dir;  /* default $SHOAL_DATA, else ./shoal-data */
    const char *command;   /* -c */
    const char *file;      /* -f */
    bool csv;
    bool dedicated_leader;
    bool help, version;
} shell_options;

/* Returns 0 on success; otherwise writes a message into err and returns 2 (usage error). */
int shell_parse_options(int argc, char **argv, shell_options *opts, char *err, int err_size);
void shell_print_usage(FILE *out);

#endif
