/*-------------------------------------------------------------------------
 *
 * ae_vae.c
 *	  The variational autoencoder (Kingma and Welling 2014, "Auto-encoding
 *	  variational Bayes"): the encoder's code layer outputs mu (linear), a
 *	  parallel head outputs log sigma^2, the decoder reads
 *	  z = mu + exp(log sigma^2 / 2) * eps (the reparameterisation trick), and
 *	  training minimises the negative ELBO with the KL term weighted by beta
 *	  (Higgins et al. 2017, beta-VAE):
 *
 *		recon + beta * KL,  per row, averaged over the mini-batch;
 *		recon = sum over features of the loss: squared error (mse: a
 *			Gaussian decoder, up to a constant) or binary cross-entropy
 *			(bce: a Bernoulli decoder);
 *		KL = KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2
 *			- 1 - log sigma_j^2).
 *
 * This is the objective of the common PyTorch VAE (reduction "sum" over
 * features); test/reference/vae_reference.py trains one with the same
 * architecture, initial weights, noise and optimiser and the engine must
 * match its ELBO.  The network itself (layers, the head's place in the
 * parameter vector, the NNET format) lives in ae_nn.c; this file is the
 * sampled forward pass, its gradient, the Monte Carlo ELBO used for
 * scoring, and sampling from the prior.  Encoding returns mu and decoding
 * maps a code to the decoder's mean, so ae_encode/ae_decode/ae_reconstruct
 * need nothing from here.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"

#include <math.h>
#include <string.h>

/* Rows per chunk when sampling. */
#define AE_SAMPLE_CHUNK 256

/* Sampled forward pass (eps NULL: z = mu); mu stays in w->out[H]. */
void
ae_vae_forward(const AeNet *net, AeBatchWork *w, const ae_real *x, int n,
			   const ae_real *eps)
{
	int			H = net->cfg.n_hidden;
	int			L = net->n_layers;
	size_t		cnt = (size_t) n * net->head.n_out;
	const ae_real *mu;

	ae_nn_forward_range(net, w, x, n, 0, H - 1);
	ae_layer_affine(net, &net->head, w->act[H - 1], n, w->logvar);
	mu = w->out[H];
	for (size_t i = 0; i < cnt; i++)
		w->z[i] = eps ? mu[i] + AE_EXP((ae_real) 0.5 * w->logvar[i]) * eps[i] : mu[i];
	ae_nn_forward_range(net, w, w->z, n, H, L - 1);
}

/* Prior mean of value i (row i / k, unit i % k): 0, or the row's class mean. */
static inline ae_real
prior_mean_at(const AeVaePrior *prior, size_t i, int k)
{
	if (!prior)
		return 0;
	return prior->means[(size_t) prior->cls[i / k] * k + i % k];
}

/*
 * KL(N(mu, exp(lv)) || N(m, I)) summed over units, averaged over n rows;
 * m is 0, or each row's class mean under a conditional prior.
 */
static double
kl_term(const ae_real *mu, const ae_real *lv, int n, int k,
		const AeVaePrior *prior)
{
	double		s = 0;

	for (size_t i = 0; i < (size_t) n * k; i++)
	{
		double		dm = (double) mu[i] - prior_mean_at(prior, i, k);

		s += 0.5 * (dm * dm + exp((double) lv[i]) - 1 - lv[i]);
	}
	return s / n;
}

/*
 * recon + beta * KL of n rows of x with noise eps (n x k; NULL: z = mu),
 * plus the gradient into grad (with l2 * W and the code penalties of var,
 * evaluated on mu) when grad is not NULL.  terms (if not NULL) receives the
 * two terms and the penalty.
 */
double
ae_vae_batch_grad(const AeNet *net, AeBatchWork *w, const ae_real *x, int n,
				  AeLoss loss, double l2, double beta,
				  const AeVariantConfig *var, const ae_real *eps,
				  const AeVaePrior *prior, ae_real *grad, AeVaeTerms *terms)
{
	int			H = net->cfg.n_hidden;
	int			L = net->n_layers;
	int			d = net->cfg.n_inputs;
	int			k = net->head.n_out;
	int			win = net->head.n_in;
	size_t		cnt = (size_t) n * k;
	const ae_real *mu;
	const ae_real *lv;
	double		recon,
				kl,
				pen = 0;
	bool		active = ae_penalty_active(var);
	ae_real    *G;
	ae_real    *Gprev;

	ae_vae_forward(net, w, x, n, eps);
	mu = w->out[H];
	lv = w->logvar;
	recon = ae_loss_eval(loss, net->layers[L - 1].act, w->zout, w->act[L], x,
						 (size_t) n * d, grad ? w->delta_a : NULL) * d;
	kl = kl_term(mu, lv, n, k, prior);
	if (active)
	{
		/* penalties look at the code the model reports: mu */
		w->act[H] = mu;
		pen = ae_penalty_eval(net, var, w, x, n, grad ? w->dcode : NULL);
		w->act[H] = w->z;
	}
	if (terms)
	{
		terms->recon = recon;
		terms->kl = kl;
		terms->penalty = pen;
	}
	if (!grad)
		return recon + beta * kl;

	/* the loss gradient is per value; ours sums over features */
	for (size_t i = 0; i < (size_t) n * d; i++)
		w->delta_a[i] *= (ae_real) d;
	/* decoder: d/dz */
	G = ae_nn_backward_range(net, w, n, w->delta_a, L - 1, H, grad);
	if (prior && prior->grad)
		memset(prior->grad, 0, (size_t) prior->n_classes * k * sizeof(ae_real));
	for (size_t i = 0; i < cnt; i++)
	{
		ae_real		s = AE_EXP((ae_real) 0.5 * lv[i]);
		ae_real		e = eps ? eps[i] : 0;
		ae_real		dkl = (ae_real) (beta / n) * (mu[i] - prior_mean_at(prior, i, k));

		w->dlogvar[i] = G[i] * e * (ae_real) 0.5 * s +
			(ae_real) (beta * 0.5 / n) * (s * s - 1);
		G[i] += dkl;
		/* the class mean pulls the other way */
		if (prior && prior->grad)
			prior->grad[(size_t) prior->cls[i / k] * k + i % k] -= dkl;
		if (active)
			G[i] += w->dcode[i];
	}
	/* log-variance head: weights, biases, and its share of d/d(act[H-1]) */
	AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, k, win, n,
			1, w->dlogvar, k, w->act[H - 1], win, 0, grad + net->head.w_off, win);
	memset(grad + net->head.b_off, 0, (size_t) k * sizeof(ae_real));
	for (int i = 0; i < n; i++)
		for (int j = 0; j < k; j++)
			grad[net->head.b_off + j] += w->dlogvar[(size_t) i * k + j];
	/* mu layer (linear), then the rest of the encoder */
	Gprev = ae_nn_backward_range(net, w, n, G, H - 1, H - 1, grad);
	if (Gprev)
	{
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, win, k,
				1, w->dlogvar, k, net->params + net->head.w_off, win, 1, Gprev, win);
		ae_act_backward(net->layers[H - 2].act, w->act[H - 1], Gprev,
						(size_t) n * win);
		ae_nn_backward_range(net, w, n, Gprev, H - 2, 0, grad);
	}
	if (l2 > 0)
	{
		ae_real		c = (ae_real) l2;

		for (size_t i = 0; i < net->n_weights; i++)
			grad[i] += c * net->params[i];
	}
	return recon + beta * kl;
}

/*
 * Monte Carlo negative ELBO of one scaled row: recon + KL (beta 1) averaged
 * over "samples" draws of eps from a generator seeded with seed, the same
 * draws for every row, so the score is a deterministic function of x.
 */
AeStatus
ae_vae_neg_elbo(AeNet *net, const float *x, AeLoss loss, int samples,
				uint64_t seed, double *out, AeError *err)
{
	AeBatchWork w;
	int			d = net->cfg.n_inputs;
	int			k = net->head.n_out;
	ae_real    *xin;
	ae_real    *eps;
	AeRng		rng;
	AeStatus	st;

	if (!net->cfg.variational || samples < 1)
		return ae_fail(err, AE_EINVAL, "the ELBO needs a variational network");
	st = ae_work_init(&w, net, samples, err);
	if (st != AE_OK)
		return st;
	xin = ae_alloc_array((size_t) samples * d, sizeof(ae_real));
	eps = ae_alloc_array((size_t) samples * k, sizeof(ae_real));
	if (!xin || !eps)
	{
		ae_free(xin);
		ae_free(eps);
		ae_work_free(&w);
		return ae_fail(err, AE_ENOMEM, "out of memory");
	}
	ae_rng_seed(&rng, seed);
	for (int s = 0; s < samples; s++)
		for (int j = 0; j < d; j++)
			xin[(size_t) s * d + j] = x[j];
	for (size_t i = 0; i < (size_t) samples * k; i++)
		eps[i] = (ae_real) ae_rng_normal(&rng);
	*out = ae_vae_batch_grad(net, &w, xin, samples, loss, 0, 1.0, NULL, eps,
							 NULL, NULL, NULL);
	ae_free(xin);
	ae_free(eps);
	ae_work_free(&w);
	return AE_OK;
}

/*
 * Rows first .. first+n-1 of the sample stream of seed: codes drawn from
 * the prior N(prior_mean, I) (prior_mean NULL: 0), decoded to the scaled
 * space, into out (n x n_inputs).  Each row's code comes from its own
 * generator, seeded from (seed, row number), so a row does not depend on
 * how the stream is cut into calls.
 */
AeStatus
ae_vae_sample(AeNet *net, int64_t first, int64_t n, uint64_t seed,
			  const double *prior_mean, float *out, AeError *err)
{
	AeBatchWork w;
	int			d = net->cfg.n_inputs;
	int			k = net->head.n_out;
	int			H = net->cfg.n_hidden;
	int			L = net->n_layers;
	int			chunk = n < AE_SAMPLE_CHUNK ? (int) n : AE_SAMPLE_CHUNK;
	AeRng		rng;
	AeStatus	st;

	if (!net->cfg.variational)
		return ae_fail(err, AE_EINVAL, "sampling needs a variational network");
	if (n <= 0)
		return AE_OK;
	st = ae_work_init(&w, net, chunk, err);
	if (st != AE_OK)
		return st;
	for (int64_t r0 = 0; r0 < n; r0 += chunk)
	{
		int			m = (n - r0 < chunk) ? (int) (n - r0) : chunk;

		ae_check_interrupts();
		for (int i = 0; i < m; i++)
		{
			uint64_t	s = seed ^ ((uint64_t) (first + r0 + i + 1) * 0x9E3779B97F4A7C15ull);

			ae_rng_seed(&rng, ae_splitmix64(&s));
			for (int j = 0; j < k; j++)
				w.z[(size_t) i * k + j] = (ae_real) ((prior_mean ? prior_mean[j] : 0) +
													 ae_rng_normal(&rng));
		}
		ae_nn_forward_range(net, &w, w.z, m, H, L - 1);
		for (size_t i = 0; i < (size_t) m * d; i++)
			out[(size_t) r0 * d + i] = (float) w.act[L][i];
	}
	ae_work_free(&w);
	return AE_OK;
}
