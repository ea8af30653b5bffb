/*-------------------------------------------------------------------------
 *
 * ae_pca.h
 *	  PCA, the linear autoencoder: from accumulated moments to a model.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_PCA_H
#define AE_PCA_H

#include "ae_model.h"

#define AE_PCA_DEFAULT_VARIANCE 0.9

typedef struct AePcaOptions
{
	int			components;		/* 0: not given */
	double		variance;		/* 0: not given; (0, 1] */
	AeScaleMode scale;
	bool		whiten;
} AePcaOptions;

extern void ae_pca_options_defaults(AePcaOptions *opts);

/*
 * Symmetric eigen-decomposition: a (d*d, row-major, symmetric; destroyed)
 * gives eigenvalues in descending order and the matching unit eigenvectors
 * as rows of vecs (d*d).  Each eigenvector's largest-magnitude entry is
 * made positive so results are reproducible.  LAPACK's dsyevr steps run in
 * blocks with the interrupt hook between them (cancel within a fraction of
 * a second at 4096 features; test/bench/bench_eigen.sh).
 */
extern AeStatus ae_eigen_symmetric(int d, double *a, double *eigvals,
								   double *vecs, AeError *err);

/*
 * Builds a PCA model from n rows' moments (mean, upper-triangular
 * co-moment m2, as ae_stats.h keeps them; m2 is not modified).
 * n must be at least 2.
 */
extern AeModel *ae_pca_fit(int d, double n, const double *mean,
						   const double *m2, const AePcaOptions *opts,
						   AeError *err);

/* Number of components that the options keep, given descending eigenvalues. */
extern int	ae_pca_choose_components(int d, const double *eigvals,
									 const AePcaOptions *opts);

#endif							/* AE_PCA_H */
