/*-------------------------------------------------------------------------
 *
 * ae_common.c
 *	  Allocation and interrupt hooks, error formatting, checked size
 *	  arithmetic, CRC-32 and the little-endian byte writer/reader.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ae_alloc_fn alloc_hook = malloc;
static ae_free_fn free_hook = free;
static ae_interrupt_fn interrupt_hook = NULL;

/* Install the allocator used by every engine allocation. */
void
ae_set_allocator(ae_alloc_fn alloc_fn, ae_free_fn free_fn)
{
	alloc_hook = alloc_fn ? alloc_fn : malloc;
	free_hook = free_fn ? free_fn : free;
}

/* Install the function called once per mini-batch (may not return). */
void
ae_set_interrupt_hook(ae_interrupt_fn fn)
{
	interrupt_hook = fn;
}

/* Allocate size bytes (at least one); NULL on failure. */
void *
ae_alloc(size_t size)
{
	return alloc_hook(size ? size : 1);
}

/* Allocate size zeroed bytes; NULL on failure. */
void *
ae_alloc0(size_t size)
{
	void	   *p = ae_alloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Allocate nmemb*size zeroed bytes with an overflow check. */
void *
ae_alloc_array(size_t nmemb, size_t size)
{
	size_t		total;

	if (!ae_size_mul(nmemb, size, &total))
		return NULL;
	return ae_alloc0(total);
}

/* Free memory from ae_alloc; NULL is ignored. */
void
ae_free(void *ptr)
{
	if (ptr)
		free_hook(ptr);
}

/* Give the host a chance to cancel a long computation. */
void
ae_check_interrupts(void)
{
	if (interrupt_hook)
		interrupt_hook();
}

/* Record an error status and message. */
AeStatus
ae_fail(AeError *err, AeStatus status, const char *fmt,...)
{
	va_list		ap;

	if (err)
	{
		err->status = status;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return status;
}

/* a*b without overflow. */
bool
ae_size_mul(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return false;
	*out = a * b;
	return true;
}

/* a+b without overflow. */
bool
ae_size_add(size_t a, size_t b, size_t *out)
{
	if (b > SIZE_MAX - a)
		return false;
	*out = a + b;
	return true;
}

/* Bitwise-table CRC-32 (reflected 0xEDB88320), as zlib's crc32(). */
uint32_t
ae_crc32(uint32_t crc, const void *data, size_t len)
{
	static uint32_t table[256];
	static bool table_ready = false;
	const uint8_t *p = data;

	if (!table_ready)
	{
		for (uint32_t i = 0; i < 256; i++)
		{
			uint32_t	c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		table_ready = true;
	}
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

/* ---------- writer ---------- */

/* Start an empty buffer with some initial capacity. */
void
ae_writer_init(AeWriter *w, size_t initial)
{
	w->len = 0;
	w->cap = initial ? initial : 64;
	w->failed = false;
	w->data = ae_alloc(w->cap);
	if (!w->data)
		w->failed = true;
}

/* Make room for len more bytes, doubling the capacity. */
static bool
writer_reserve(AeWriter *w, size_t len)
{
	size_t		need;
	size_t		cap;
	uint8_t    *nd;

	if (w->failed)
		return false;
	if (!ae_size_add(w->len, len, &need) || need > AE_MAX_MODEL_BYTES)
	{
		w->failed = true;
		return false;
	}
	if (need <= w->cap)
		return true;
	cap = w->cap;
	while (cap < need)
		cap *= 2;
	nd = ae_alloc(cap);
	if (!nd)
	{
		w->failed = true;
		return false;
	}
	memcpy(nd, w->data, w->len);
	ae_free(w->data);
	w->data = nd;
	w->cap = cap;
	return true;
}

/* Append raw bytes. */
void
ae_write_bytes(AeWriter *w, const void *src, size_t len)
{
	if (!writer_reserve(w, len))
		return;
	if (len)
		memcpy(w->data + w->len, src, len);
	w->len += len;
}

/* Append a little-endian uint16. */
void
ae_write_u16(AeWriter *w, uint16_t v)
{
	uint8_t		b[2] = {(uint8_t) v, (uint8_t) (v >> 8)};

	ae_write_bytes(w, b, 2);
}

/* Append a little-endian uint32. */
void
ae_write_u32(AeWriter *w, uint32_t v)
{
	uint8_t		b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	ae_write_bytes(w, b, 4);
}

/* Append a little-endian uint64. */
void
ae_write_u64(AeWriter *w, uint64_t v)
{
	uint8_t		b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	ae_write_bytes(w, b, 8);
}

/* Append an IEEE double, little-endian. */
void
ae_write_f64(AeWriter *w, double v)
{
	uint64_t	u;

	memcpy(&u, &v, 8);
	ae_write_u64(w, u);
}

/* Append n doubles. */
void
ae_write_f64s(AeWriter *w, const double *v, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t		bytes;

	if (!ae_size_mul(n, 8, &bytes))
	{
		w->failed = true;
		return;
	}
	ae_write_bytes(w, v, bytes);
#else
	for (size_t i = 0; i < n; i++)
		ae_write_f64(w, v[i]);
#endif
}

/* Append n floats. */
void
ae_write_f32s(AeWriter *w, const float *v, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t		bytes;

	if (!ae_size_mul(n, 4, &bytes))
	{
		w->failed = true;
		return;
	}
	ae_write_bytes(w, v, bytes);
#else
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	u;

		memcpy(&u, &v[i], 4);
		ae_write_u32(w, u);
	}
#endif
}

/* Append a uint32 length and the bytes of s (no terminator). */
void
ae_write_str(AeWriter *w, const char *s)
{
	size_t		n = s ? strlen(s) : 0;

	ae_write_u32(w, (uint32_t) n);
	ae_write_bytes(w, s, n);
}

/* Overwrite a uint32 at an earlier offset (for lengths and checksums). */
void
ae_put_u32_at(AeWriter *w, size_t offset, uint32_t v)
{
	if (w->failed || offset + 4 > w->len)
		return;
	for (int i = 0; i < 4; i++)
		w->data[offset + i] = (uint8_t) (v >> (8 * i));
}

/* ---------- reader ---------- */

/* Read from data[0..len). */
void
ae_reader_init(AeReader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->failed = false;
}

/* Bytes left to read. */
size_t
ae_reader_remaining(const AeReader *r)
{
	return r->len - r->pos;
}

/* Copy len bytes out, or fail without reading if fewer remain. */
bool
ae_read_bytes(AeReader *r, void *dst, size_t len)
{
	if (r->failed || len > r->len - r->pos)
	{
		r->failed = true;
		if (dst && len)
			memset(dst, 0, len);
		return false;
	}
	if (len)
		memcpy(dst, r->data + r->pos, len);
	r->pos += len;
	return true;
}

/* Read a little-endian uint16 (0 on failure). */
uint16_t
ae_read_u16(AeReader *r)
{
	uint8_t		b[2];

	ae_read_bytes(r, b, 2);
	return (uint16_t) (b[0] | (b[1] << 8));
}

/* Read a little-endian uint32 (0 on failure). */
uint32_t
ae_read_u32(AeReader *r)
{
	uint8_t		b[4];
	uint32_t	v = 0;

	ae_read_bytes(r, b, 4);
	for (int i = 0; i < 4; i++)
		v |= (uint32_t) b[i] << (8 * i);
	return v;
}

/* Read a little-endian uint64 (0 on failure). */
uint64_t
ae_read_u64(AeReader *r)
{
	uint8_t		b[8];
	uint64_t	v = 0;

	ae_read_bytes(r, b, 8);
	for (int i = 0; i < 8; i++)
		v |= (uint64_t) b[i] << (8 * i);
	return v;
}

/* Read a little-endian double (0 on failure). */
double
ae_read_f64(AeReader *r)
{
	uint64_t	u = ae_read_u64(r);
	double		v;

	memcpy(&v, &u, 8);
	return v;
}

/* Read n doubles into dst. */
bool
ae_read_f64s(AeReader *r, double *dst, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t		bytes;

	if (!ae_size_mul(n, 8, &bytes))
	{
		r->failed = true;
		return false;
	}
	return ae_read_bytes(r, dst, bytes);
#else
	for (size_t i = 0; i < n; i++)
		dst[i] = ae_read_f64(r);
	return !r->failed;
#endif
}

/* Read n floats into dst. */
bool
ae_read_f32s(AeReader *r, float *dst, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t		bytes;

	if (!ae_size_mul(n, 4, &bytes))
	{
		r->failed = true;
		return false;
	}
	return ae_read_bytes(r, dst, bytes);
#else
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	u = ae_read_u32(r);

		memcpy(&dst[i], &u, 4);
	}
	return !r->failed;
#endif
}

/* Read a length-prefixed string; NULL if too long, truncated or no memory. */
char *
ae_read_str(AeReader *r, size_t maxlen)
{
	uint32_t	n = ae_read_u32(r);
	char	   *s;

	if (r->failed || n > maxlen || n > ae_reader_remaining(r))
	{
		r->failed = true;
		return NULL;
	}
	s = ae_alloc((size_t) n + 1);
	if (!s)
		return NULL;
	ae_read_bytes(r, s, n);
	s[n] = '\0';
	if (memchr(s, '\0', n) != NULL)
	{
		/* embedded NUL: not a string we wrote */
		r->failed = true;
		ae_free(s);
		return NULL;
	}
	return s;
}
