/* Parsing of the `shoal` command line (see options.h). */
#include "shell/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void shell_print_usage(FILE *out)
{
    fputs("usage: mpirun -np N shoal [--data DIR] [-c SQL | -f FILE] [--csv] [--dedicated-leader]\n"
          "  --data DIR          the cluster's data directory (default $SHOAL_DATA, else ./shoal-data;\n"
          "                      rank K uses DIR/rank-K)\n"
          "  -c SQL              run the statements (or a \\meta-command) and exit\n"
          "  -f FILE             run the statements in FILE and exit\n"
          "  --csv               print results as CSV with a header line; notices go to stderr\n"
          "  --dedicated-leader  rank 0 coordinates only and stores no data (Redshift's layout)\n"
          "  -h, --help          this text;  --version  the version\n"
          "Without -c or -f: the interactive shell on rank 0 (reads stdin when there is no terminal).\n",
          out);
}

int shell_parse_options(int argc, char **argv, shell_options *opts, char *err, int err_size)
{
    memset(opts, 0, sizeof *opts);
    const char *env_data = getenv("SHOAL_DATA");
    opts->data_dir = env_data && *env_data ? env_data : "./shoal-data";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp(a, "--data") == 0) target = &opts->data_dir;
        else if (strcmp(a, "-c") == 0) target = &opts->command;
        else if (strcmp(a, "-f") == 0) target = &opts->file;
        else if (strncmp(a, "--data=", 7) == 0) { opts->data_dir = a + 7; continue; }
        else if (strcmp(a, "--csv") == 0) { opts->csv = true; continue; }
        else if (strcmp(a, "--dedicated-leader") == 0) { opts->dedicated_leader = true; continue; }
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { opts->help = true; continue; }
        else if (strcmp(a, "--version") == 0) { opts->version = true; continue; }
        else {
            snprintf(err, (size_t)err_size, "unknown option \"%s\" (see shoal --help)", a);
            return 2;
        }
        if (i + 1 >= argc) {
            snprintf(err, (size_t)err_size, "option %s needs a value", a);
            return 2;
        }
        *target = argv[++i];
    }
    if (opts->command && opts->file) {
        snprintf(err, (size_t)err_size, "-c and -f cannot be used together");
        return 2;
    }
    if (opts->data_dir[0] == '\0') {
        snprintf(err, (size_t)err_size, "--data needs a directory");
        return 2;
    }
    return 0;
}
