/*-------------------------------------------------------------------------
 *
 * ae_rowset.c
 *	  Canonical order and bottom-k samples of fixed-size rows, so that the
 *	  training aggregates give the same model whatever order their rows and
 *	  partial states arrive in (see ae_rowset.h).
 *
 * The bottom-k sample (Cohen and Kaplan, "Summarizing data using bottom-k
 * sketches", PODC 2007) keeps the k rows of smallest hash.  With a random
 * hash it is a uniform sample of the distinct rows, and the bottom-k of a
 * union is the bottom-k of the two sides' bottom-k: the combine function
 * merges exactly, in any order.  Equal rows have equal hashes, so copies of
 * a row are kept or dropped together.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_rowset.h"

#include <string.h>

#define ROW(p, i, rb)	((char *) (p) + (size_t) (i) * (rb))

/* Seeded 64-bit hash of a row: 8 bytes at a time, then a finaliser. */
uint64_t
ae_rows_hash(uint64_t seed, const void *row, size_t row_bytes)
{
	const char *p = row;
	uint64_t	h = seed ^ (0x9E3779B97F4A7C15ull * (row_bytes + 1));
	size_t		i = 0;

	for (; i + 8 <= row_bytes; i += 8)
	{
		uint64_t	v;

		memcpy(&v, p + i, 8);
		h ^= v;
		h *= 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	if (i < row_bytes)
	{
		uint32_t	w;

		memcpy(&w, p + i, 4);
		h ^= w;
		h *= 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	/* splitmix64's finaliser spreads every input bit over the result */
	h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
	h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
	return h ^ (h >> 31);
}

/* Swap two rows through tmp. */
static inline void
swap_rows(char *a, char *b, size_t rb, void *tmp)
{
	if (a == b)
		return;
	memcpy(tmp, a, rb);
	memcpy(a, b, rb);
	memcpy(b, tmp, rb);
}

/* Sift row i down the max-heap rows[0..n) ordered by bytes. */
static void
sort_sift(char *rows, int64_t i, int64_t n, size_t rb, void *tmp)
{
	for (;;)
	{
		int64_t		l = 2 * i + 1;
		int64_t		m = i;

		if (l < n && memcmp(ROW(rows, l, rb), ROW(rows, m, rb), rb) > 0)
			m = l;
		if (l + 1 < n && memcmp(ROW(rows, l + 1, rb), ROW(rows, m, rb), rb) > 0)
			m = l + 1;
		if (m == i)
			return;
		swap_rows(ROW(rows, i, rb), ROW(rows, m, rb), rb, tmp);
		i = m;
	}
}

/* Heapsort: the introsort's fallback. */
static void
heap_sort(char *rows, int64_t n, size_t rb, void *tmp)
{
	for (int64_t i = n / 2 - 1; i >= 0; i--)
		sort_sift(rows, i, n, rb, tmp);
	for (int64_t end = n - 1; end > 0; end--)
	{
		swap_rows(rows, ROW(rows, end, rb), rb, tmp);
		sort_sift(rows, 0, end, rb, tmp);
	}
}

/* Insertion sort of a short run. */
static void
insertion_sort(char *rows, int64_t n, size_t rb, void *tmp)
{
	for (int64_t i = 1; i < n; i++)
		for (int64_t j = i; j > 0 &&
			 memcmp(ROW(rows, j - 1, rb), ROW(rows, j, rb), rb) > 0; j--)
			swap_rows(ROW(rows, j - 1, rb), ROW(rows, j, rb), rb, tmp);
}

/*
 * Quicksort with Dijkstra's three-way partition around the median of the
 * first, middle and last rows; recursion on the smaller side only, so the
 * stack stays O(log n).  tmp holds two rows: the swap space and the pivot.
 */
static void
intro_sort(char *rows, int64_t n, size_t rb, char *tmp, int depth)
{
	char	   *piv = tmp + rb;

	while (n > 16)
	{
		const char *a = rows;
		const char *b = ROW(rows, n / 2, rb);
		const char *c = ROW(rows, n - 1, rb);
		const char *m;
		int64_t		lt = 0;
		int64_t		i = 0;
		int64_t		gt = n;

		if (depth-- <= 0)
		{
			heap_sort(rows, n, rb, tmp);
			return;
		}
		if (memcmp(a, b, rb) < 0)
			m = memcmp(b, c, rb) < 0 ? b : (memcmp(a, c, rb) < 0 ? c : a);
		else
			m = memcmp(a, c, rb) < 0 ? a : (memcmp(b, c, rb) < 0 ? c : b);
		memcpy(piv, m, rb);
		/* [0,lt) < pivot, [lt,i) = pivot, [i,gt) unseen, [gt,n) > pivot */
		while (i < gt)
		{
			int			cmp = memcmp(ROW(rows, i, rb), piv, rb);

			if (cmp < 0)
				swap_rows(ROW(rows, lt++, rb), ROW(rows, i++, rb), rb, tmp);
			else if (cmp > 0)
				swap_rows(ROW(rows, i, rb), ROW(rows, --gt, rb), rb, tmp);
			else
				i++;
		}
		if (lt < n - gt)
		{
			intro_sort(rows, lt, rb, tmp, depth);
			rows = ROW(rows, gt, rb);
			n -= gt;
		}
		else
		{
			intro_sort(ROW(rows, gt, rb), n - gt, rb, tmp, depth);
			n = lt;
		}
		if ((n & 0xFFF) == 0)
			ae_check_interrupts();
	}
	insertion_sort(rows, n, rb, tmp);
}

void
ae_rows_sort(void *rows, int64_t n, size_t row_bytes, void *tmp)
{
	int			depth = 0;

	for (int64_t m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(rows, n, row_bytes, tmp, depth);
}

/* Order of two rows in the bottom-k heap: by hash, then by bytes. */
static inline int
key_cmp(uint64_t ha, const void *a, uint64_t hb, const void *b, size_t rb)
{
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return memcmp(a, b, rb);
}

/* Sift row i down the bottom-k max-heap of n rows. */
static void
key_sift(char *rows, uint64_t *hash, int64_t i, int64_t n, size_t rb, void *tmp)
{
	for (;;)
	{
		int64_t		l = 2 * i + 1;
		int64_t		m = i;

		if (l < n && key_cmp(hash[l], ROW(rows, l, rb), hash[m], ROW(rows, m, rb), rb) > 0)
			m = l;
		if (l + 1 < n &&
			key_cmp(hash[l + 1], ROW(rows, l + 1, rb), hash[m], ROW(rows, m, rb), rb) > 0)
			m = l + 1;
		if (m == i)
			return;
		{
			uint64_t	t = hash[i];

			hash[i] = hash[m];
			hash[m] = t;
		}
		swap_rows(ROW(rows, i, rb), ROW(rows, m, rb), rb, tmp);
		i = m;
	}
}

void
ae_rows_heapify(void *rows, uint64_t *hash, int64_t n, size_t row_bytes, void *tmp)
{
	for (int64_t i = n / 2 - 1; i >= 0; i--)
	{
		key_sift(rows, hash, i, n, row_bytes, tmp);
		if ((i & 0xFFFF) == 0)
			ae_check_interrupts();
	}
}

bool
ae_rows_heap_offer(void *rows, uint64_t *hash, int64_t n, size_t row_bytes,
				   const void *row, uint64_t h, void *tmp)
{
	/* an equal row is the same bytes: keeping either is the same sample */
	if (n < 1 || key_cmp(h, row, hash[0], rows, row_bytes) >= 0)
		return false;
	memcpy(rows, row, row_bytes);
	hash[0] = h;
	key_sift(rows, hash, 0, n, row_bytes, tmp);
	return true;
}

void
ae_rows_heap_pop(void *rows, uint64_t *hash, int64_t n, size_t row_bytes, void *tmp)
{
	if (n < 2)
		return;
	memcpy(rows, ROW(rows, n - 1, row_bytes), row_bytes);
	hash[0] = hash[n - 1];
	key_sift(rows, hash, 0, n - 1, row_bytes, tmp);
}
