/*-------------------------------------------------------------------------
 *
 * ae_detect.h
 *	  Outlier detection on top of a model: the named score methods, each
 *	  feature's share of the reconstruction error, and the distribution
 *	  of the training rows' scores (quantiles) behind percentiles and
 *	  thresholds.
 *
 * Score methods are a table (ae_detect.c): a method names the model
 * kinds it scores and the function that scores one row.  A new method
 * (for example a variational model's ELBO) is one more entry.
 *
 *-------------------------------------------------------------------------
 */
#ifndef AE_DETECT_H
#define AE_DETECT_H

#include "ae_model.h"

#define AE_METHOD_NAME_LEN	32

typedef struct AeScoreMethod
{
	const char *name;
	/* true when this method can score model m */
	bool		(*applies) (const AeModel *m);
	/* score of one row x (original space, d values); larger is more unusual */
	double		(*score) (AeModel *m, const double *x);
	/* what the method computes, for error hints and documentation */
	const char *summary;
} AeScoreMethod;

/* The method called name, or NULL. */
extern const AeScoreMethod *ae_score_method_find(const char *name);
/* Methods in table order; NULL past the end. */
extern const AeScoreMethod *ae_score_method_at(int i);
/* "\"reconstruction\", \"mahalanobis\", \"full\"": the methods that apply to m. */
extern void ae_score_method_list(const AeModel *m, char *buf, size_t len);

/* Mean squared reconstruction error in the scaled space (the Q statistic / d). */
extern double ae_score_reconstruction(AeModel *m, const double *x);
/* Hotelling's T^2 over the kept components (PCA). */
extern double ae_score_mahalanobis(AeModel *m, const double *x);
/* Sum over every component of its squared projection / eigenvalue (PCA). */
extern double ae_score_full(AeModel *m, const double *x);

/* Each feature's squared reconstruction error in the scaled space (d values). */
extern void ae_model_feature_errors(AeModel *m, const double *x, double *out);

#endif							/* AE_DETECT_H */
