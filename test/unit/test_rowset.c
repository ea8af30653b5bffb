/*-------------------------------------------------------------------------
 *
 * test_rowset.c
 *	  Canonical order and bottom-k samples (ae_rowset.c): the sort gives
 *	  the one sorted arrangement of the multiset whatever the input order;
 *	  the streamed, merged and shrunk bottom-k samples equal the k rows of
 *	  smallest (hash, bytes) found by brute force, in any input order.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_rowset.h"
#include "ae_test.h"

#include <string.h>

#define W 3						/* floats per row */
#define RB (W * sizeof(float))

static uint64_t rng_state = 12345;

/* xorshift64*: test data only */
static uint64_t
next_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static int
cmp_bytes(const void *a, const void *b)
{
	return memcmp(a, b, RB);
}

/* Fisher-Yates shuffle of n rows. */
static void
shuffle_rows(float *rows, int n)
{
	float		tmp[W];

	for (int i = n - 1; i > 0; i--)
	{
		int			j = (int) (next_rand() % (uint64_t) (i + 1));

		memcpy(tmp, rows + i * W, RB);
		memcpy(rows + i * W, rows + j * W, RB);
		memcpy(rows + j * W, tmp, RB);
	}
}

/* n rows; few distinct values when dup, and some -0, NaN and inf. */
static void
make_rows(float *rows, int n, bool dup)
{
	for (int i = 0; i < n * W; i++)
		rows[i] = dup ? (float) (next_rand() % 4) :
			(float) ((double) (next_rand() >> 11) / 9007199254740992.0 * 200 - 100);
	if (n > 10)
	{
		rows[0] = -0.0f;
		rows[4] = NAN;
		rows[8] = INFINITY;
	}
}

/* The sort gives qsort's arrangement, from any input order and shape. */
static void
test_sort(void)
{
	static const int sizes[] = {0, 1, 2, 17, 100, 5000};
	float		tmp[2 * W];

	for (int s = 0; s < (int) (sizeof(sizes) / sizeof(sizes[0])); s++)
		for (int shape = 0; shape < 5; shape++)
		{
			int			n = sizes[s];
			float	   *rows = malloc(RB * (n + 1));
			float	   *ref = malloc(RB * (n + 1));

			make_rows(rows, n, shape == 1);
			if (shape == 2)		/* all equal */
				for (int i = 1; i < n; i++)
					memcpy(rows + i * W, rows, RB);
			if (shape >= 3)		/* sorted, reversed */
			{
				qsort(rows, n, RB, cmp_bytes);
				if (shape == 4)
					for (int i = 0; i < n / 2; i++)
					{
						memcpy(tmp, rows + i * W, RB);
						memcpy(rows + i * W, rows + (n - 1 - i) * W, RB);
						memcpy(rows + (n - 1 - i) * W, tmp, RB);
					}
			}
			memcpy(ref, rows, RB * n);
			qsort(ref, n, RB, cmp_bytes);
			ae_rows_sort(rows, n, RB, tmp);
			AE_CHECK(n == 0 || memcmp(rows, ref, RB * n) == 0,
					 "n %d shape %d: not qsort's order", n, shape);
			/* another input order, the same result */
			shuffle_rows(rows, n);
			ae_rows_sort(rows, n, RB, tmp);
			AE_CHECK(n == 0 || memcmp(rows, ref, RB * n) == 0,
					 "n %d shape %d: differs after a shuffle", n, shape);
			free(rows);
			free(ref);
		}
}

typedef struct Keyed
{
	uint64_t	h;
	float		row[W];
} Keyed;

static int
cmp_keyed(const void *a, const void *b)
{
	const Keyed *x = a;
	const Keyed *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return memcmp(x->row, y->row, RB);
}

/* The k rows of smallest (hash, bytes), sorted by bytes: brute force. */
static void
bottom_k(const float *rows, int n, int k, uint64_t seed, float *out)
{
	Keyed	   *kd = malloc(sizeof(Keyed) * n);

	for (int i = 0; i < n; i++)
	{
		memcpy(kd[i].row, rows + i * W, RB);
		kd[i].h = ae_rows_hash(seed, rows + i * W, RB);
	}
	qsort(kd, n, sizeof(Keyed), cmp_keyed);
	for (int i = 0; i < k; i++)
		memcpy(out + i * W, kd[i].row, RB);
	qsort(out, k, RB, cmp_bytes);
	free(kd);
}

/* Stream rows into a sample of k, the way the aggregate does. */
static int
stream(float *sample, uint64_t *hash, int k, bool *heap, const float *rows, int n,
	   uint64_t seed, int have)
{
	float		tmp[2 * W];

	for (int i = 0; i < n; i++)
	{
		if (!*heap && have < k)
		{
			memcpy(sample + have * W, rows + i * W, RB);
			have++;
			continue;
		}
		if (!*heap)
		{
			for (int j = 0; j < have; j++)
				hash[j] = ae_rows_hash(seed, sample + j * W, RB);
			ae_rows_heapify(sample, hash, have, RB, tmp);
			*heap = true;
		}
		ae_rows_heap_offer(sample, hash, have, RB, rows + i * W,
						   ae_rows_hash(seed, rows + i * W, RB), tmp);
	}
	return have;
}

/* Is sample a max-heap on (hash, bytes)? */
static bool
is_heap(const float *sample, const uint64_t *hash, int n)
{
	for (int i = 1; i < n; i++)
	{
		int			p = (i - 1) / 2;

		if (hash[p] < hash[i] ||
			(hash[p] == hash[i] && memcmp(sample + p * W, sample + i * W, RB) < 0))
			return false;
	}
	return true;
}

/* Streamed, merged and shrunk samples are the brute-force bottom-k. */
static void
test_bottom_k(void)
{
	enum
	{
		N = 4000, K = 300, K2 = 120
	};
	float	   *rows = malloc(RB * N);
	float	   *ref = malloc(RB * K);
	float	   *ref2 = malloc(RB * K2);
	float	   *a = malloc(RB * K);
	float	   *b = malloc(RB * K);
	uint64_t	ha[K],
				hb[K];
	float		tmp[2 * W];
	uint64_t	seed = 42;

	make_rows(rows, N, false);
	bottom_k(rows, N, K, seed, ref);
	bottom_k(rows, N, K2, seed, ref2);
	for (int round = 0; round < 3; round++)
	{
		bool		heap_a = false;
		bool		heap_b = false;
		int			na;
		int			nb;

		shuffle_rows(rows, N);
		/* one stream */
		na = stream(a, ha, K, &heap_a, rows, N, seed, 0);
		AE_CHECK(na == K && is_heap(a, ha, na), "round %d: %d rows, heap %d", round, na,
				 is_heap(a, ha, na));
		qsort(a, na, RB, cmp_bytes);
		AE_CHECK(memcmp(a, ref, RB * K) == 0, "round %d: streamed sample differs", round);

		/* two partial samples of an uneven split, merged as combine does */
		heap_a = heap_b = false;
		na = stream(a, ha, K, &heap_a, rows, N / 5 + round, seed, 0);
		nb = stream(b, hb, K, &heap_b, rows + (N / 5 + round) * W, N - N / 5 - round, seed, 0);
		na = stream(a, ha, K, &heap_a, b, nb, seed, na);
		qsort(a, na, RB, cmp_bytes);
		AE_CHECK(na == K && memcmp(a, ref, RB * K) == 0, "round %d: merged sample differs", round);

		/* shrinking to K2 by popping the largest */
		heap_a = false;
		na = stream(a, ha, K, &heap_a, rows, N, seed, 0);
		while (na > K2)
		{
			ae_rows_heap_pop(a, ha, na, RB, tmp);
			na--;
		}
		AE_CHECK(is_heap(a, ha, na), "round %d: not a heap after popping", round);
		qsort(a, na, RB, cmp_bytes);
		AE_CHECK(memcmp(a, ref2, RB * K2) == 0, "round %d: shrunk sample differs", round);
	}
	/* another seed, another sample */
	{
		bool		heap_a = false;
		int			na = stream(a, ha, K, &heap_a, rows, N, seed + 1, 0);

		qsort(a, na, RB, cmp_bytes);
		AE_CHECK(memcmp(a, ref, RB * K) != 0, "the seed does not change the sample");
	}
	free(rows);
	free(ref);
	free(ref2);
	free(a);
	free(b);
}

/* Distinct rows get distinct hashes; the seed and every byte matter. */
static void
test_hash(void)
{
	enum
	{
		N = 5000
	};
	float	   *rows = malloc(RB * N);
	uint64_t   *h = malloc(sizeof(uint64_t) * N);
	int			same = 0;
	float		r[W] = {1, 2, 3};
	uint64_t	h0 = ae_rows_hash(7, r, RB);

	make_rows(rows, N, false);
	for (int i = 0; i < N; i++)
		h[i] = ae_rows_hash(7, rows + i * W, RB);
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			same += h[i] == h[j] && memcmp(rows + i * W, rows + j * W, RB) != 0;
	AE_CHECK(same == 0, "%d collisions", same);
	AE_CHECK(ae_rows_hash(8, r, RB) != h0, "the seed does not matter");
	r[2] = 3.0000002f;
	AE_CHECK(ae_rows_hash(7, r, RB) != h0, "the last float does not matter");
	AE_CHECK(ae_rows_hash(7, r, 2 * sizeof(float)) != ae_rows_hash(7, r, RB),
			 "the length does not matter");
	free(rows);
	free(h);
}

AE_TEST_MAIN("rowset",
			 AE_TEST(test_sort),
			 AE_TEST(test_bottom_k),
			 AE_TEST(test_hash))
