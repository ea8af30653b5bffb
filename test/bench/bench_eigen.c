/*-------------------------------------------------------------------------
 *
 * bench_eigen.c
 *	  How long PCA's eigen decomposition takes, and how long it can go
 *	  without checking for interrupts (what a cancel waits for), for
 *	  LAPACK's dsyevr in one call (0.1.0) and the blocked solver of
 *	  ae_pca.c (ae_eigen_symmetric: every eigenvector; ae_pca_fit's path
 *	  for d > 1024: every eigenvalue and 10 eigenvectors), one thread.
 *	  Prints medians and the eigenvalues' largest relative difference.
 *
 * Build and run: test/bench/bench_eigen.sh [repeats] [d ...]
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ae_pca.h"
#include "ae_stats.h"

extern void dsyevr_(const char *jobz, const char *range, const char *uplo,
					const int *n, double *a, const int *lda,
					const double *vl, const double *vu,
					const int *il, const int *iu, const double *abstol,
					int *m, double *w, double *z, const int *ldz,
					int *isuppz, double *work, const int *lwork,
					int *iwork, const int *liwork, int *info);

static double last_check;
static double max_gap;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The interrupt hook: record the longest time between two calls. */
static void
hook(void)
{
	double		t = now();

	if (t - last_check > max_gap)
		max_gap = t - last_check;
	last_check = t;
}

static int
cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A covariance-like matrix: X^T X / n of 2d random rows with a spectrum. */
static double *
make_matrix(int d)
{
	int			n = 2 * d;
	double	   *x = malloc(sizeof(double) * n * d);
	double	   *c = calloc((size_t) d * d, sizeof(double));
	unsigned	seed = 7;

	for (size_t i = 0; i < (size_t) n * d; i++)
	{
		seed = seed * 1103515245u + 12345u;
		x[i] = ((seed >> 8) / 16777216.0 - 0.5) * (1.0 + (i % d) * 0.01);
	}
	for (int i = 0; i < n; i++)
		for (int a = 0; a < d; a++)
			for (int b = a; b < d; b++)
				c[(size_t) a * d + b] += x[(size_t) i * d + a] * x[(size_t) i * d + b] / n;
	for (int a = 0; a < d; a++)
		for (int b = 0; b < a; b++)
			c[(size_t) a * d + b] = c[(size_t) b * d + a];
	free(x);
	return c;
}

int
main(int argc, char **argv)
{
	int			repeats = argc > 1 ? atoi(argv[1]) : 3;
	int			dims[16] = {512, 1024, 2048, 4096};
	int			nd = 4;

	if (argc > 2)
	{
		nd = 0;
		for (int i = 2; i < argc && nd < 16; i++)
			dims[nd++] = atoi(argv[i]);
	}
	ae_set_interrupt_hook(hook);
	printf("| d | dsyevr, s | blocked, all vectors, s | longest uninterrupted step, s | "
		   "PCA path (values + 10 vectors), s | its longest step, s | eigenvalues, max rel diff |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int k = 0; k < nd; k++)
	{
		int			d = dims[k];
		double	   *c = make_matrix(d);
		double	   *a = malloc(sizeof(double) * d * d);
		double	   *w0 = malloc(sizeof(double) * d);
		double	   *w1 = malloc(sizeof(double) * d);
		double	   *v = malloc(sizeof(double) * d * d);
		double	   *z = malloc(sizeof(double) * d * d);
		double		t_old[16],
					t_new[16],
					t_pca[16],
					g_new[16],
					g_pca[16];
		double		maxrel = 0;

		for (int r = 0; r < repeats && r < 16; r++)
		{
			int			m,
						info,
						lwork = -1,
						liwork = -1,
						iq,
						il = 0,
						iu = 0;
			double		wq,
						zero = 0;
			int		   *isuppz = malloc(sizeof(int) * 2 * d);
			double		t0;
			AePcaOptions opts;
			AeModel    *model;
			double	   *mean = calloc(d, sizeof(double));
			double	   *m2 = malloc(sizeof(double) * d * d);
			AeError		err;

			memcpy(a, c, sizeof(double) * d * d);
			dsyevr_("V", "A", "U", &d, a, &d, &zero, &zero, &il, &iu, &zero, &m, w0, z, &d,
					isuppz, &wq, &lwork, &iq, &liwork, &info);
			lwork = (int) wq;
			liwork = iq;
			{
				double	   *work = malloc(sizeof(double) * lwork);
				int		   *iwork = malloc(sizeof(int) * liwork);

				t0 = now();
				dsyevr_("V", "A", "U", &d, a, &d, &zero, &zero, &il, &iu, &zero, &m, w0, z, &d,
						isuppz, work, &lwork, iwork, &liwork, &info);
				t_old[r] = now() - t0;
				free(work);
				free(iwork);
			}

			memcpy(a, c, sizeof(double) * d * d);
			max_gap = 0;
			last_check = t0 = now();
			if (ae_eigen_symmetric(d, a, w1, v, &err) != AE_OK)
			{
				fprintf(stderr, "solver failed: %s\n", err.msg);
				return 1;
			}
			hook();
			t_new[r] = now() - t0;
			g_new[r] = max_gap;
			for (int i = 0; i < d; i++)
			{
				double		rel = fabs(w1[i] - w0[d - 1 - i]) / fabs(w0[d - 1]);

				if (rel > maxrel)
					maxrel = rel;
			}

			/* the PCA path: the co-moments are the matrix itself (n = 2) */
			for (size_t i = 0; i < (size_t) d * d; i++)
				m2[i] = c[i];
			ae_pca_options_defaults(&opts);
			opts.components = 10;
			opts.scale = AE_SCALE_CENTER;
			max_gap = 0;
			last_check = t0 = now();
			model = ae_pca_fit(d, 2, mean, m2, &opts, &err);
			hook();
			t_pca[r] = now() - t0;
			g_pca[r] = max_gap;
			if (!model)
			{
				fprintf(stderr, "pca failed: %s\n", err.msg);
				return 1;
			}
			ae_model_free(model);
			free(mean);
			free(m2);
			free(isuppz);
		}
		printf("| %d | %.2f | %.2f | %.3f | %.2f | %.3f | %.1e |\n", d,
			   median(t_old, repeats), median(t_new, repeats), median(g_new, repeats),
			   median(t_pca, repeats), median(g_pca, repeats), maxrel);
		fflush(stdout);
		free(c);
		free(a);
		free(w0);
		free(w1);
		free(v);
		free(z);
	}
	return 0;
}
