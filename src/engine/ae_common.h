/*-------------------------------------------------------------------------
 *
 * ae_common.h
 *	  Shared definitions of the numerical engine: status codes, the
 *	  pluggable allocator and interrupt hook, limits, and the little-endian
 *	  byte writer/reader used by the model format.
 *
 * The engine never includes PostgreSQL headers.  The PostgreSQL layer
 * installs palloc-based allocation and CHECK_FOR_INTERRUPTS() through the
 * hooks below; the unit tests and fuzzers use the malloc defaults.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_COMMON_H
#define AE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status codes returned by engine functions; 0 is success. */
typedef enum AeStatus
{
	AE_OK = 0,
	AE_ENOMEM,					/* allocation failed */
	AE_EINVAL,					/* invalid argument (bad option, size) */
	AE_ECORRUPT,				/* bytes are not a valid model or state */
	AE_EVERSION,				/* model written by a newer format version */
	AE_ELIMIT,					/* a size limit was exceeded */
	AE_ENUMERIC,				/* numerical failure (solver, non-finite) */
	AE_ECANCEL,					/* stopped by the interrupt/progress hook */
	AE_EDATA					/* the data cannot be trained on (no rows) */
} AeStatus;

/* Room for an engine error message; glue code turns it into errmsg. */
#define AE_ERRMSG_LEN 256

typedef struct AeError
{
	AeStatus	status;
	char		msg[AE_ERRMSG_LEN];
} AeError;

/* Hard limits, checked before anything is allocated from input sizes. */
#define AE_MAX_FEATURES		16000	/* scoring input / model width */
#define AE_MAX_PCA_FEATURES 4096	/* covariance is d*d doubles */
#define AE_MAX_FULL_EIGVEC	1024	/* store every eigenvector up to this d */
#define AE_MAX_MODEL_BYTES	((size_t) 1 << 29)	/* 512 MB, below bytea's 1 GB */

/* Allocation hooks (default: malloc/free). */
typedef void *(*ae_alloc_fn) (size_t size);
typedef void (*ae_free_fn) (void *ptr);
typedef void (*ae_interrupt_fn) (void);

extern void ae_set_allocator(ae_alloc_fn alloc_fn, ae_free_fn free_fn);
extern void ae_set_interrupt_hook(ae_interrupt_fn fn);

extern void *ae_alloc(size_t size);
extern void *ae_alloc0(size_t size);
extern void *ae_alloc_array(size_t nmemb, size_t size);
extern void ae_free(void *ptr);
extern void ae_check_interrupts(void);

/* Set err (if not NULL) to status and a formatted message; returns status. */
extern AeStatus ae_fail(AeError *err, AeStatus status, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Overflow-checked size arithmetic: false on overflow. */
extern bool ae_size_mul(size_t a, size_t b, size_t *out);
extern bool ae_size_add(size_t a, size_t b, size_t *out);

/* CRC-32 (IEEE 802.3 polynomial, as zlib). */
extern uint32_t ae_crc32(uint32_t crc, const void *data, size_t len);

/*
 * Byte writer: appends little-endian values to a growable buffer.  A failed
 * allocation sets "failed" and turns later writes into no-ops, so callers
 * check once at the end.
 */
typedef struct AeWriter
{
	uint8_t    *data;
	size_t		len;
	size_t		cap;
	bool		failed;
} AeWriter;

extern void ae_writer_init(AeWriter *w, size_t initial);
extern void ae_write_bytes(AeWriter *w, const void *src, size_t len);
extern void ae_write_u16(AeWriter *w, uint16_t v);
extern void ae_write_u32(AeWriter *w, uint32_t v);
extern void ae_write_u64(AeWriter *w, uint64_t v);
extern void ae_write_f64(AeWriter *w, double v);
extern void ae_write_f64s(AeWriter *w, const double *v, size_t n);
extern void ae_write_f32s(AeWriter *w, const float *v, size_t n);
extern void ae_write_str(AeWriter *w, const char *s);
extern void ae_put_u32_at(AeWriter *w, size_t offset, uint32_t v);

/*
 * Byte reader: every read checks the remaining length first; a short read
 * sets "failed" and yields zeros, so a truncated input can never be read
 * past its end.
 */
typedef struct AeReader
{
	const uint8_t *data;
	size_t		len;
	size_t		pos;
	bool		failed;
} AeReader;

extern void ae_reader_init(AeReader *r, const void *data, size_t len);
extern size_t ae_reader_remaining(const AeReader *r);
extern bool ae_read_bytes(AeReader *r, void *dst, size_t len);
extern uint16_t ae_read_u16(AeReader *r);
extern uint32_t ae_read_u32(AeReader *r);
extern uint64_t ae_read_u64(AeReader *r);
extern double ae_read_f64(AeReader *r);
extern bool ae_read_f64s(AeReader *r, double *dst, size_t n);
extern bool ae_read_f32s(AeReader *r, float *dst, size_t n);
/* Reads a length-prefixed string of at most maxlen bytes into new memory. */
extern char *ae_read_str(AeReader *r, size_t maxlen);

#endif							/* AE_COMMON_H */
