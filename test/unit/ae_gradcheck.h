/*-------------------------------------------------------------------------
 *
 * ae_gradcheck.h
 *	  The finite-difference loop shared by the engine's gradient checks
 *	  (test_nn.c, test_variants.c): every parameter is moved by +h and -h
 *	  and the central difference of the objective is compared with the
 *	  analytic gradient.  Each test supplies its own objective (loss,
 *	  penalties, the VAE's sampled path, the CVAE prior) through a callback.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_GRADCHECK_H
#define AE_GRADCHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ae_nn_int.h"

/* The objective at the current parameters. */
typedef double (*AeFdObjective) (void *ctx);

/*
 * Compare grad (analytic, n values) with central differences of f over the
 * n parameters at p, step h.  rel (if not NULL) receives each parameter's
 * relative error |g - fd| / max(|g| + |fd|, 1e-6); returns the largest.
 * With AE_TEST_DEBUG set, parameters off by more than 1e-4 are printed.
 */
static inline double
ae_fd_check(ae_real *p, const ae_real *grad, size_t n, double h,
			AeFdObjective f, void *ctx, double *rel)
{
	double		worst = 0;

	for (size_t i = 0; i < n; i++)
	{
		ae_real		keep = p[i];
		double		fp,
					fm,
					fd,
					r;

		p[i] = keep + (ae_real) h;
		fp = f(ctx);
		p[i] = keep - (ae_real) h;
		fm = f(ctx);
		p[i] = keep;
		fd = (fp - fm) / (2 * h);
		r = fabs((double) grad[i] - fd) / fmax(fabs((double) grad[i]) + fabs(fd), 1e-6);
		if (getenv("AE_TEST_DEBUG") && r > 1e-4)
			printf("    param %zu: analytic %.10g, numeric %.10g\n", i,
				   (double) grad[i], fd);
		if (rel)
			rel[i] = r;
		worst = fmax(worst, r);
	}
	return worst;
}

#endif							/* AE_GRADCHECK_H */
