/*-------------------------------------------------------------------------
 *
 * ae_pca.c
 *	  PCA from mergeable moments: scaling, covariance, LAPACK dsyevr,
 *	  component selection.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_pca.h"
#include "ae_stats.h"

#include <math.h>
#include <string.h>

/*
 * LAPACK and BLAS (Fortran interface, shipped inside libopenblas).  The
 * decomposition is LAPACK's dsyevr taken apart (dsytrd's blocked loop,
 * dstemr, dormtr) so that the O(d^3) steps run in blocks with an interrupt
 * check between them: dsyevr in one call ignored a cancel for 25 s at 4096
 * features.
 */
extern void dlatrd_(const char *uplo, const int *n, const int *nb, double *a,
					const int *lda, double *e, double *tau, double *w,
					const int *ldw);
extern void dsytd2_(const char *uplo, const int *n, double *a, const int *lda,
					double *d, double *e, double *tau, int *info);
extern void dsyr2k_(const char *uplo, const char *trans, const int *n,
					const int *k, const double *alpha, const double *a,
					const int *lda, const double *b, const int *ldb,
					const double *beta, double *c, const int *ldc);
extern void dstemr_(const char *jobz, const char *range, const int *n,
					double *d, double *e, const double *vl, const double *vu,
					const int *il, const int *iu, int *m, double *w,
					double *z, const int *ldz, const int *nzc, int *isuppz,
					int *tryrac, double *work, const int *lwork, int *iwork,
					const int *liwork, int *info);
extern void dormtr_(const char *side, const char *uplo, const char *trans,
					const int *m, const int *n, const double *a,
					const int *lda, const double *tau, double *c,
					const int *ldc, double *work, const int *lwork, int *info);

/* Columns reduced per interruptible step, and eigenvectors back-transformed per step. */
#define AE_EIG_BLOCK		8
#define AE_EIG_VEC_BLOCK	128

/* Defaults: 90% of the variance, standardised inputs, no whitening. */
void
ae_pca_options_defaults(AePcaOptions *opts)
{
	opts->components = 0;
	opts->variance = 0;
	opts->scale = AE_SCALE_STANDARD;
	opts->whiten = false;
}

/*
 * Reduce the symmetric matrix a (d*d; row-major = column-major, lower
 * triangle used) to tridiagonal form Q^T a Q = T, as LAPACK dsytrd does
 * with uplo "L": blocks of AE_EIG_BLOCK columns by dlatrd and a dsyr2k
 * update of the rest, then dsytd2 for the last block.  a keeps the
 * Householder vectors, dd (d) and e (d - 1) the diagonals of T.
 */
static AeStatus
tridiagonalize(int d, double *a, double *dd, double *e, double *tau,
			   AeError *err)
{
	int			nb = AE_EIG_BLOCK;
	int			lda = d;
	int			i;
	int			info = 0;
	int			m;
	double	   *w = NULL;
	const double minus_one = -1.0,
				one = 1.0;

#define A_(r, c) (a + (size_t) ((r) - 1) + (size_t) ((c) - 1) * lda)
	if (d > nb)
	{
		w = ae_alloc_array((size_t) d * nb, sizeof(double));
		if (!w)
			return ae_fail(err, AE_ENOMEM, "out of memory in eigen solver for %d features", d);
	}
	for (i = 1; i <= d - nb; i += nb)
	{
		int			rows = d - i + 1;
		int			rest = d - i - nb + 1;

		dlatrd_("L", &rows, &nb, A_(i, i), &lda, e + i - 1, tau + i - 1, w, &lda);
		dsyr2k_("L", "N", &rest, &nb, &minus_one, A_(i + nb, i), &lda,
				w + nb, &lda, &one, A_(i + nb, i + nb), &lda);
		for (int j = i; j < i + nb; j++)
		{
			*A_(j + 1, j) = e[j - 1];
			dd[j - 1] = *A_(j, j);
		}
		ae_check_interrupts();
	}
	m = d - i + 1;
	dsytd2_("L", &m, A_(i, i), &lda, dd + i - 1, e + i - 1, tau + i - 1, &info);
#undef A_
	ae_free(w);
	if (info != 0)
		return ae_fail(err, AE_ENUMERIC, "tridiagonal reduction failed (info %d)", info);
	return AE_OK;
}

/* Every eigenvalue of the tridiagonal (dd, e), descending, by dstemr. */
static AeStatus
tridiagonal_eigenvalues(int d, const double *dd, const double *e,
						double *eigvals, AeError *err)
{
	double	   *dc = ae_alloc_array(d, sizeof(double));
	double	   *ec = ae_alloc_array(d, sizeof(double));
	double	   *w = ae_alloc_array(d, sizeof(double));
	double	   *work = ae_alloc_array((size_t) 18 * d, sizeof(double));
	int		   *iwork = ae_alloc_array((size_t) 10 * d, sizeof(int));
	int			lwork = 18 * d,
				liwork = 10 * d;
	int			m = 0,
				info = 0,
				tryrac = 1,
				ldz = 1,
				nzc = 0,
				il = 0,
				iu = 0,
				isuppz[2];
	double		vl = 0,
				vu = 0,
				z = 0;
	AeStatus	st = AE_OK;

	if (!dc || !ec || !w || !work || !iwork)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory in eigen solver for %d features", d);
		goto done;
	}
	memcpy(dc, dd, sizeof(double) * d);
	memcpy(ec, e, sizeof(double) * (d - 1));
	ec[d - 1] = 0;
	dstemr_("N", "A", &d, dc, ec, &vl, &vu, &il, &iu, &m, w, &z, &ldz, &nzc,
			isuppz, &tryrac, work, &lwork, iwork, &liwork, &info);
	if (info != 0 || m != d)
	{
		st = ae_fail(err, AE_ENUMERIC, "eigen solver failed (info %d, %d of %d eigenvalues)",
					 info, m, d);
		goto done;
	}
	for (int i = 0; i < d; i++)
		eigvals[i] = w[d - 1 - i];
done:
	ae_free(dc);
	ae_free(ec);
	ae_free(w);
	ae_free(work);
	ae_free(iwork);
	return st;
}

/*
 * Unit eigenvectors of the nvec largest eigenvalues as rows of vecs
 * (nvec * d, descending), from the reduced matrix a: dstemr on the
 * tridiagonal, then Q applied (dormtr) a block of columns at a time.
 * Each vector's largest-magnitude entry is made positive.
 */
static AeStatus
top_eigenvectors(int d, const double *a, const double *dd, const double *e,
				 const double *tau, int nvec, double *vecs, AeError *err)
{
	double	   *dc = ae_alloc_array(d, sizeof(double));
	double	   *ec = ae_alloc_array(d, sizeof(double));
	double	   *w = ae_alloc_array(d, sizeof(double));
	double	   *z = ae_alloc_array((size_t) d * nvec, sizeof(double));
	int		   *isuppz = ae_alloc_array((size_t) 2 * nvec, sizeof(int));
	double	   *work = NULL;
	int		   *iwork = ae_alloc_array((size_t) 10 * d, sizeof(int));
	int			lwork = 18 * d,
				liwork = 10 * d;
	int			m = 0,
				info = 0,
				tryrac = 1,
				il = d - nvec + 1,
				iu = d;
	double		vl = 0,
				vu = 0;
	AeStatus	st = AE_OK;

	if (lwork < AE_EIG_VEC_BLOCK * 64)
		lwork = AE_EIG_VEC_BLOCK * 64;	/* dormtr's blocked workspace */
	work = ae_alloc_array(lwork, sizeof(double));
	if (!dc || !ec || !w || !z || !isuppz || !work || !iwork)
	{
		st = ae_fail(err, AE_ENOMEM, "out of memory for %d eigenvectors of %d features", nvec, d);
		goto done;
	}
	memcpy(dc, dd, sizeof(double) * d);
	memcpy(ec, e, sizeof(double) * (d - 1));
	ec[d - 1] = 0;
	dstemr_("V", nvec == d ? "A" : "I", &d, dc, ec, &vl, &vu, &il, &iu, &m, w,
			z, &d, &nvec, isuppz, &tryrac, work, &lwork, iwork, &liwork, &info);
	if (info != 0 || m != nvec)
	{
		st = ae_fail(err, AE_ENUMERIC, "eigen solver failed (info %d, %d of %d eigenvectors)",
					 info, m, nvec);
		goto done;
	}
	ae_check_interrupts();
	for (int c0 = 0; c0 < nvec; c0 += AE_EIG_VEC_BLOCK)
	{
		int			nc = nvec - c0 < AE_EIG_VEC_BLOCK ? nvec - c0 : AE_EIG_VEC_BLOCK;

		dormtr_("L", "L", "N", &d, &nc, a, &d, tau, z + (size_t) c0 * d, &d,
				work, &lwork, &info);
		if (info != 0)
		{
			st = ae_fail(err, AE_ENUMERIC, "eigenvector back-transformation failed (info %d)", info);
			goto done;
		}
		ae_check_interrupts();
	}
	/* ascending columns of z -> descending rows of vecs */
	for (int i = 0; i < nvec; i++)
	{
		const double *src = z + (size_t) (nvec - 1 - i) * d;
		double	   *dst = vecs + (size_t) i * d;
		int			imax = 0;

		for (int j = 0; j < d; j++)
			if (fabs(src[j]) > fabs(src[imax]))
				imax = j;
		for (int j = 0; j < d; j++)
			dst[j] = src[imax] < 0 ? -src[j] : src[j];
	}
done:
	ae_free(dc);
	ae_free(ec);
	ae_free(w);
	ae_free(z);
	ae_free(isuppz);
	ae_free(work);
	ae_free(iwork);
	return st;
}

/*
 * A symmetric matrix reduced to tridiagonal form, ready for eigenvalues
 * and any number of top eigenvectors.
 */
typedef struct EigenReduced
{
	double	   *dd;
	double	   *e;
	double	   *tau;
} EigenReduced;

/* Free a reduction's arrays. */
static void
reduced_free(EigenReduced *r)
{
	ae_free(r->dd);
	ae_free(r->e);
	ae_free(r->tau);
	r->dd = r->e = r->tau = NULL;
}

/* Reduce a (destroyed) and compute every eigenvalue, descending. */
static AeStatus
reduce_and_eigenvalues(int d, double *a, EigenReduced *r, double *eigvals,
					   AeError *err)
{
	AeStatus	st;

	r->dd = ae_alloc_array(d, sizeof(double));
	r->e = ae_alloc_array(d, sizeof(double));
	r->tau = ae_alloc_array(d, sizeof(double));
	if (!r->dd || !r->e || !r->tau)
		return ae_fail(err, AE_ENOMEM, "out of memory in eigen solver for %d features", d);
	if (d == 1)
	{
		eigvals[0] = a[0];
		return AE_OK;
	}
	st = tridiagonalize(d, a, r->dd, r->e, r->tau, err);
	if (st == AE_OK)
		st = tridiagonal_eigenvalues(d, r->dd, r->e, eigvals, err);
	return st;
}

/* The nvec top eigenvectors of a reduced matrix (d = 1: the unit vector). */
static AeStatus
reduced_eigenvectors(int d, const double *a, const EigenReduced *r, int nvec,
					 double *vecs, AeError *err)
{
	if (d == 1)
	{
		vecs[0] = 1.0;
		return AE_OK;
	}
	return top_eigenvectors(d, a, r->dd, r->e, r->tau, nvec, vecs, err);
}

/* Eigen-decomposition of a symmetric matrix, descending order. */
AeStatus
ae_eigen_symmetric(int d, double *a, double *eigvals, double *vecs,
				   AeError *err)
{
	EigenReduced r = {0};
	AeStatus	st = reduce_and_eigenvalues(d, a, &r, eigvals, err);

	if (st == AE_OK)
		st = reduced_eigenvectors(d, a, &r, d, vecs, err);
	reduced_free(&r);
	return st;
}

/* Fewest components whose cumulative share reaches opts->variance. */
int
ae_pca_choose_components(int d, const double *eigvals,
						 const AePcaOptions *opts)
{
	double		total = 0;
	double		cum = 0;
	double		target;

	if (opts->components > 0)
		return opts->components < d ? opts->components : d;

	target = opts->variance > 0 ? opts->variance : AE_PCA_DEFAULT_VARIANCE;
	for (int i = 0; i < d; i++)
		total += eigvals[i];
	if (!(total > 0))
		return 1;
	for (int i = 0; i < d; i++)
	{
		cum += eigvals[i];
		/* relative slack so that variance = 1.0 is reachable despite rounding */
		if (cum >= target * total * (1 - 1e-12))
			return i + 1;
	}
	return d;
}

/* PCA model from moments. */
AeModel *
ae_pca_fit(int d, double n, const double *mean, const double *m2,
		   const AePcaOptions *opts, AeError *err)
{
	AeModel    *model = NULL;
	double	   *cov = NULL;
	double	   *eig = NULL;
	double	   *vecs = NULL;
	int			k;
	int			nvec;
	EigenReduced reduced = {0};

	if (d < 1 || d > AE_MAX_PCA_FEATURES)
	{
		ae_fail(err, AE_ELIMIT, "pca supports 1 to %d features, not %d",
				AE_MAX_PCA_FEATURES, d);
		return NULL;
	}
	if (n < 2)
	{
		ae_fail(err, AE_EINVAL, "at least 2 rows are needed to train a model, not %.0f", n);
		return NULL;
	}
	if (opts->components > d)
	{
		ae_fail(err, AE_EINVAL, "components must be at most the number of features (%d), not %d",
				d, opts->components);
		return NULL;
	}

	cov = ae_alloc_array((size_t) d * d, sizeof(double));
	eig = ae_alloc_array(d, sizeof(double));
	vecs = ae_alloc_array((size_t) d * d, sizeof(double));
	model = ae_model_new(AE_KIND_PCA, d, 1, err);
	if (!cov || !eig || !vecs || !model)
	{
		if (model)
			ae_fail(err, AE_ENOMEM, "out of memory for a %d x %d covariance", d, d);
		goto fail;
	}

	model->scale_mode = opts->scale;
	model->whiten = opts->whiten;
	model->n_rows = (int64_t) n;

	/* covariance (n-1 divisor) in the scaled space, full symmetric */
	ae_scaling_from_moments(d, n, mean, m2, opts->scale, model->mean, model->scale);
	for (int i = 0; i < d; i++)
	{
		for (int j = i; j < d; j++)
		{
			double		c = m2[(size_t) i * d + j];

			/* uncentred second moment when the data are not centred */
			if (opts->scale == AE_SCALE_NONE)
				c += n * mean[i] * mean[j];
			c /= (n - 1) * model->scale[i] * model->scale[j];
			cov[(size_t) i * d + j] = c;
			cov[(size_t) j * d + i] = c;
		}
	}

	for (size_t i = 0; i < (size_t) d * d; i++)
		if (!isfinite(cov[i]))
		{
			ae_fail(err, AE_ENUMERIC,
					"the covariance of %d features overflowed or is not finite", d);
			goto fail;
		}
	/* every eigenvalue, then eigenvectors only for what the model keeps */
	if (reduce_and_eigenvalues(d, cov, &reduced, eig, err) != AE_OK)
		goto fail;
	for (int i = 0; i < d; i++)
		if (eig[i] < 0)
			eig[i] = 0;			/* rounding below zero on a singular matrix */

	k = ae_pca_choose_components(d, eig, opts);
	nvec = d <= AE_MAX_FULL_EIGVEC ? d : k;
	if (reduced_eigenvectors(d, cov, &reduced, nvec, vecs, err) != AE_OK)
		goto fail;
	reduced_free(&reduced);

	model->n_components = k;
	model->n_eigenvalues = d;
	model->eigenvalues = eig;
	eig = NULL;
	model->n_vectors = nvec;
	if (nvec < d)
	{
		double	   *kept = ae_alloc_array((size_t) nvec * d, sizeof(double));

		if (!kept)
		{
			ae_fail(err, AE_ENOMEM, "out of memory for %d components", nvec);
			goto fail;
		}
		memcpy(kept, vecs, sizeof(double) * (size_t) nvec * d);
		ae_free(vecs);
		vecs = kept;
	}
	model->vectors = vecs;
	vecs = NULL;

	if (ae_model_finish(model, err) != AE_OK)
		goto fail;
	ae_free(cov);
	return model;

fail:
	reduced_free(&reduced);
	ae_free(cov);
	ae_free(eig);
	ae_free(vecs);
	ae_model_free(model);
	return NULL;
}
