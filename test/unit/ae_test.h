/*-------------------------------------------------------------------------
 *
 * ae_test.h
 *	  A minimal harness for the engine's C unit tests.
 *
 * Each test binary defines test functions, lists them in AE_TEST_MAIN, and
 * prints one line per check that fails plus "ok"/"FAIL" per test and a
 * final "N passed, N failed" line counting tests; the exit status is
 * non-zero when any test failed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_TEST_H
#define AE_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int	ae_test_failures_in_test;

/* Record a failed check with its location and a formatted explanation. */
#define AE_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			ae_test_failures_in_test++; \
			fprintf(stderr, "  %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, "\n"); \
		} \
	} while (0)

/* |a-b| <= tol * max(1, |a|, |b|) */
#define AE_CHECK_CLOSE(a, b, tol) \
	AE_CHECK(fabs((double) (a) - (double) (b)) <= (tol) * fmax(1.0, fmax(fabs((double) (a)), fabs((double) (b)))), \
			 "%s = %.17g, %s = %.17g, tolerance %g", #a, (double) (a), #b, (double) (b), (double) (tol))

/* |a-b| <= tol * |b|: for values far from 1, where AE_CHECK_CLOSE is absolute */
#define AE_CHECK_REL(a, b, tol) \
	AE_CHECK(fabs((double) (a) - (double) (b)) <= (tol) * fabs((double) (b)), \
			 "%s = %.17g, %s = %.17g, relative difference %.3g, tolerance %g", #a, (double) (a), \
			 #b, (double) (b), fabs((double) (a) - (double) (b)) / fabs((double) (b)), (double) (tol))

/*
 * A counting allocator for ae_set_allocator: bytes live now and at the
 * peak (memory-estimate tests).
 */
static size_t ae_test_mem_live;
static size_t ae_test_mem_peak;

static inline void *
ae_test_peak_alloc(size_t size)
{
	size_t	   *p = malloc(size + 16);

	if (!p)
		return NULL;
	p[0] = size;
	ae_test_mem_live += size;
	if (ae_test_mem_live > ae_test_mem_peak)
		ae_test_mem_peak = ae_test_mem_live;
	return (char *) p + 16;
}

static inline void
ae_test_peak_free(void *ptr)
{
	size_t	   *p;

	if (!ptr)
		return;
	p = (size_t *) ((char *) ptr - 16);
	ae_test_mem_live -= p[0];
	free(p);
}

typedef struct AeTestCase
{
	const char *name;
	void		(*fn) (void);
} AeTestCase;

#define AE_TEST(fn) {#fn, fn}

/* Run every test case; print one line per test and the summary line. */
static inline int
ae_test_run(const char *suite, const AeTestCase *tests, int ntests)
{
	int			passed = 0;
	int			failed = 0;

	for (int i = 0; i < ntests; i++)
	{
		ae_test_failures_in_test = 0;
		tests[i].fn();
		if (ae_test_failures_in_test == 0)
		{
			passed++;
			printf("ok     %s/%s\n", suite, tests[i].name);
		}
		else
		{
			failed++;
			printf("FAIL   %s/%s (%d checks failed)\n", suite, tests[i].name,
				   ae_test_failures_in_test);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#define AE_TEST_MAIN(suite, ...) \
	int main(void) \
	{ \
		static const AeTestCase tests[] = {__VA_ARGS__}; \
		return ae_test_run(suite, tests, (int) (sizeof(tests) / sizeof(tests[0]))); \
	}

#endif							/* AE_TEST_H */
