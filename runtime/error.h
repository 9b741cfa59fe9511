/* Errors travel as messages: an actor on any rank that fails sends SHOAL_MSG_ERROR (rank,
 * SQLSTATE-style code, message) to whoever asked, and the leader reports it; no rank crashes.
 * Codes follow PostgreSQL's SQLSTATE classes (e.g. 42601 syntax error, 57014 cancelled,
 * P0001 raised by the user, XX000 internal). */
#ifndef SHOAL_RUNTIME_ERROR_H
#define SHOAL_RUNTIME_ERROR_H

#include "runtime/message.h"

#include <stdint.h>

#define SHOAL_SQLSTATE_INTERNAL "XX000"
#define SHOAL_SQLSTATE_CANCELED "57014"
#define SHOAL_SQLSTATE_RAISED "P0001"
#define SHOAL_SQLSTATE_SYNTAX "42601"
#define SHOAL_ERROR_MESSAGE_MAX 1024

typedef struct shoal_error {
    int32_t rank; /* where it was raised; -1 for errors found by the leader before dispatch */
    char sqlstate[6];
    char message[SHOAL_ERROR_MESSAGE_MAX];
} shoal_error;

void shoal_error_set(shoal_error *err, int rank, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "message (rank R, SQLSTATE C)" — or without the rank part when rank < 0. */
void shoal_error_format(const shoal_error *err, char *buf, size_t size);

struct shoal_rt;
struct shoal_actor;
/* Sends an error message from `from` (NULL: the system actor) to `to` for `query_id`. */
void shoal_raise_error(struct shoal_rt *rt, struct shoal_actor *from, shoal_addr to,
                       uint64_t query_id, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Decodes a SHOAL_MSG_ERROR payload; false when it is malformed. */
int shoal_error_decode(const shoal_msg *msg, shoal_error *err);

#endif
