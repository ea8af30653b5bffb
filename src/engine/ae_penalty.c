/*-------------------------------------------------------------------------
 *
 * ae_penalty.c
 *	  Penalty terms on the code layer's activations h (n rows x k units),
 *	  each with its value and its gradient.  All are added to the mean
 *	  reconstruction loss of the mini-batch:
 *
 *	  sparsity (variant "sparse"; Ng 2011, "Sparse autoencoder" notes):
 *		beta * sum_j KL(rho || rho_j),  rho_j = mean over the batch of h_j,
 *		KL(p || q) = p log(p/q) + (1-p) log((1-p)/(1-q)); needs h in (0, 1),
 *		i.e. sigmoid code units.  d/dh_ij = beta/n (-rho/rho_j +
 *		(1-rho)/(1-rho_j)).
 *	  L1 activity (option l1_activity, any variant):
 *		lambda * mean over rows of sum_j |h_ij|;  d/dh_ij = lambda/n sign(h_ij).
 *	  contractive (variant "contractive"; Rifai, Vincent, Muller, Glorot and
 *	  Bengio 2011, "Contractive auto-encoders"):
 *		lambda * mean over rows of ||J_f(x)||_F^2, J_f the Jacobian of the
 *		code with respect to the (scaled) input.  For a one-layer encoder
 *		h = f(W x + b) with an elementwise activation f, J = diag(f'(z)) W,
 *		so ||J||_F^2 = sum_j f'(z_j)^2 ||W_j||^2 (W_j: unit j's incoming
 *		weights), exactly; with a sigmoid f'(z) = h(1-h), the paper's closed
 *		form.  Writing g_j = f'(z_j) as a function of h_j, the gradient has
 *		a path through the code, d/dh_ij = 2 lambda/n g_ij g'(h_ij) ||W_j||^2,
 *		and a direct part on the weights, d/dW_ji = 2 lambda W_ji mean_i
 *		g_ij^2.
 *
 *		For a deeper encoder there is no such closed form; the penalty uses
 *		Hutchinson's estimator, ||J||_F^2 = E ||J e||^2 for e ~ N(0, I):
 *		one probe e per row (fresh every mini-batch, from the trainer's
 *		noise stream), J e computed exactly by forward-mode differentiation
 *		(t_0 = e, t_l = f'(z_l) * (W_l t_(l-1))), and its exact gradient by
 *		back-propagating through that tangent pass (second derivatives of
 *		the activations included).  The estimate is unbiased, so its
 *		expected gradient is that of the exact penalty.
 *
 * The gradient with respect to h goes to ae_nn_backward, which adds it to
 * the back-propagated gradient at the code layer, so penalties never touch
 * the layer code; the deep contractive penalty back-propagates through the
 * encoder itself and adds its parameter gradients directly.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"

#include <math.h>
#include <string.h>

/* Clamp for the batch mean of a sigmoid unit, so the KL stays finite. */
#define AE_KL_EPS	1e-7

/* Does var ask for any penalty on the code layer? */
bool
ae_penalty_active(const AeVariantConfig *var)
{
	if (!var)
		return false;
	return var->l1_activity > 0 ||
		(var->variant == AE_VARIANT_SPARSE && var->sparsity_weight > 0) ||
		(var->variant == AE_VARIANT_CONTRACTIVE && var->contractive_weight > 0);
}

/* f'(z) expressed through the output h = f(z), and its derivative in h. */
static inline void
act_slope(AeActivation act, double h, double *g, double *dg)
{
	switch (act)
	{
		case AE_ACT_SIGMOID:
			*g = h * (1 - h);
			*dg = 1 - 2 * h;
			break;
		case AE_ACT_TANH:
			*g = 1 - h * h;
			*dg = -2 * h;
			break;
		case AE_ACT_RELU:
			*g = h > 0 ? 1 : 0;
			*dg = 0;
			break;
		case AE_ACT_LEAKY_RELU:
			*g = h > 0 ? 1 : AE_LEAKY_SLOPE;
			*dg = 0;
			break;
		case AE_ACT_ELU:
			/* h = exp(z) - 1 below zero: f'(z) = exp(z) = h + 1 */
			*g = h > 0 ? 1 : h + 1;
			*dg = h > 0 ? 0 : 1;
			break;
		case AE_ACT_LINEAR:
		default:
			*g = 1;
			*dg = 0;
			break;
	}
}

/* Sparsity KL: value, and its gradient added to dcode. */
static double
sparsity_kl(const AeVariantConfig *var, const ae_real *h, int n, int k,
			ae_real *dcode)
{
	double		rho = var->sparsity_target;
	double		beta = var->sparsity_weight;
	double		value = 0;

	for (int j = 0; j < k; j++)
	{
		double		q = 0;

		for (int i = 0; i < n; i++)
			q += h[(size_t) i * k + j];
		q /= n;
		if (q < AE_KL_EPS)
			q = AE_KL_EPS;
		if (q > 1 - AE_KL_EPS)
			q = 1 - AE_KL_EPS;
		value += rho * log(rho / q) + (1 - rho) * log((1 - rho) / (1 - q));
		if (dcode)
		{
			ae_real		g = (ae_real) (beta / n * (-rho / q + (1 - rho) / (1 - q)));

			for (int i = 0; i < n; i++)
				dcode[(size_t) i * k + j] += g;
		}
	}
	return beta * value;
}

/* L1 activity: value, and its (sub)gradient added to dcode. */
static double
l1_activity(double lambda, const ae_real *h, int n, int k, ae_real *dcode)
{
	double		sum = 0;
	ae_real		c = (ae_real) (lambda / n);

	for (size_t i = 0; i < (size_t) n * k; i++)
	{
		sum += fabs((double) h[i]);
		if (dcode)
			dcode[i] += h[i] > 0 ? c : (h[i] < 0 ? -c : 0);
	}
	return lambda * sum / n;
}

/*
 * Contractive penalty of a one-layer encoder (closed form, any activation):
 * value, the gradient through the code into dcode (if not NULL), and the
 * direct weight part added to grad (if not NULL).
 */
static double
contractive_one_layer(const AeNet *net, double lambda, const ae_real *h,
					  int n, ae_real *dcode, ae_real *grad)
{
	const AeLayer *ly = &net->layers[0];
	const ae_real *W = net->params + ly->w_off;
	int			k = ly->n_out;
	int			d = ly->n_in;
	double		value = 0;

	for (int j = 0; j < k; j++)
	{
		const ae_real *wj = W + (size_t) j * d;	/* layer 0 is never transposed */
		double		s = 0;
		double		g2sum = 0;

		for (int i = 0; i < d; i++)
			s += (double) wj[i] * wj[i];
		for (int r = 0; r < n; r++)
		{
			double		g,
						dg;

			act_slope(ly->act, h[(size_t) r * k + j], &g, &dg);
			g2sum += g * g;
			if (dcode)
				dcode[(size_t) r * k + j] += (ae_real) (2 * lambda / n * g * dg * s);
		}
		value += g2sum * s;
		if (grad)
		{
			ae_real    *gw = grad + ly->w_off + (size_t) j * d;
			ae_real		c = (ae_real) (2 * lambda * g2sum / n);

			for (int i = 0; i < d; i++)
				gw[i] += c * wj[i];
		}
	}
	return lambda * value / n;
}

/* Workspace for the deep contractive penalty of up to rows rows. */
AeStatus
ae_tangent_init(AeTangentWork *tw, const AeNet *net, int rows, AeError *err)
{
	int			H = net->cfg.n_hidden;
	size_t		mw = (size_t) net->max_width;

	memset(tw, 0, sizeof(*tw));
	tw->rows = rows;
	tw->probe = ae_alloc_array((size_t) rows * net->cfg.n_inputs, sizeof(ae_real));
	for (int l = 1; l <= H; l++)
	{
		tw->t[l] = ae_alloc_array((size_t) rows * net->layers[l - 1].n_out, sizeof(ae_real));
		tw->v[l] = ae_alloc_array((size_t) rows * net->layers[l - 1].n_out, sizeof(ae_real));
		if (!tw->t[l] || !tw->v[l])
			goto oom;
	}
	tw->tbar = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	tw->tbar2 = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	tw->abar = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	tw->abar2 = ae_alloc_array((size_t) rows * mw, sizeof(ae_real));
	if (!tw->probe || !tw->tbar || !tw->tbar2 || !tw->abar || !tw->abar2)
		goto oom;
	tw->t[0] = tw->probe;
	return AE_OK;

oom:
	ae_tangent_free(tw);
	return ae_fail(err, AE_ENOMEM, "out of memory for the contractive penalty");
}

/* Free the deep contractive workspace. */
void
ae_tangent_free(AeTangentWork *tw)
{
	for (int l = 1; l <= AE_MAX_LAYERS; l++)
	{
		ae_free(tw->t[l]);
		ae_free(tw->v[l]);
		tw->t[l] = tw->v[l] = NULL;
	}
	ae_free(tw->probe);
	ae_free(tw->tbar);
	ae_free(tw->tbar2);
	ae_free(tw->abar);
	ae_free(tw->abar2);
	tw->probe = tw->tbar = tw->tbar2 = tw->abar = tw->abar2 = NULL;
	tw->t[0] = NULL;
}

/*
 * Hutchinson estimate lambda/n sum_rows ||J e||^2 for a deep encoder, after
 * ae_nn_forward; with grad, its exact gradient (for these probes) is added.
 */
static double
contractive_deep(const AeNet *net, double lambda, const AeBatchWork *w,
				 int n, ae_real *grad)
{
	AeTangentWork *tw = w->tangent;
	int			H = net->cfg.n_hidden;
	double		value = 0;
	ae_real    *tbar = tw->tbar;
	ae_real    *tbar2 = tw->tbar2;
	ae_real    *abar = tw->abar;
	ae_real    *abar2 = tw->abar2;
	size_t		kH = (size_t) net->layers[H - 1].n_out;

	/* tangent pass: v_l = t_(l-1) W^T, t_l = g(a_l) v_l */
	for (int l = 1; l <= H; l++)
	{
		const AeLayer *ly = &net->layers[l - 1];
		const ae_real *a = w->act[l];
		size_t		cnt = (size_t) n * ly->n_out;

		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, n, ly->n_out, ly->n_in,
				1, tw->t[l - 1], ly->n_in, net->params + ly->w_off, ly->n_in,
				0, tw->v[l], ly->n_out);
		for (size_t i = 0; i < cnt; i++)
		{
			double		g,
						dg;

			act_slope(ly->act, a[i], &g, &dg);
			tw->t[l][i] = (ae_real) (g * tw->v[l][i]);
		}
	}
	for (size_t i = 0; i < (size_t) n * kH; i++)
		value += (double) tw->t[H][i] * tw->t[H][i];
	if (!grad)
		return lambda * value / n;

	/* adjoints: tbar = dP/dt_l, abar = dP/da_l (main path) */
	for (size_t i = 0; i < (size_t) n * kH; i++)
	{
		tbar[i] = (ae_real) (2 * lambda / n) * tw->t[H][i];
		abar[i] = 0;
	}
	for (int l = H; l >= 1; l--)
	{
		const AeLayer *ly = &net->layers[l - 1];
		const ae_real *a = w->act[l];
		const ae_real *W = net->params + ly->w_off;
		ae_real    *gW = grad + ly->w_off;
		ae_real    *gb = grad + ly->b_off;
		int			m = ly->n_out;
		int			k = ly->n_in;
		size_t		cnt = (size_t) n * m;

		/*
		 * t_l = g(a_l) v_l: vbar = tbar g (kept in tbar), and abar gains
		 * tbar v g'(a); then zbar = abar g (kept in abar).
		 */
		for (size_t i = 0; i < cnt; i++)
		{
			double		g,
						dg;

			act_slope(ly->act, a[i], &g, &dg);
			abar[i] = (ae_real) ((abar[i] + tbar[i] * tw->v[l][i] * dg) * g);
			tbar[i] = (ae_real) (tbar[i] * g);
		}
		/* v_l = t_(l-1) W^T and z_l = a_(l-1) W^T + b */
		AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n,
				1, tbar, m, tw->t[l - 1], k, 1, gW, k);
		AE_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n,
				1, abar, m, w->act[l - 1], k, 1, gW, k);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < m; j++)
				gb[j] += abar[(size_t) i * m + j];
		if (l == 1)
			break;
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m,
				1, tbar, m, W, k, 0, tbar2, k);
		AE_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m,
				1, abar, m, W, k, 0, abar2, k);
		{
			ae_real    *tmp = tbar;

			tbar = tbar2;
			tbar2 = tmp;
			tmp = abar;
			abar = abar2;
			abar2 = tmp;
		}
	}
	return lambda * value / n;
}

/* Value of every active penalty; d/d(code) into dcode if not NULL. */
double
ae_penalty_eval(const AeNet *net, const AeVariantConfig *var,
				const AeBatchWork *w, const ae_real *x, int n, ae_real *dcode)
{
	int			H = net->cfg.n_hidden;
	int			k = net->layers[H - 1].n_out;
	const ae_real *h = w->act[H];
	double		value = 0;

	if (dcode)
		memset(dcode, 0, (size_t) n * k * sizeof(ae_real));
	if (!ae_penalty_active(var) || n <= 0)
		return 0;
	if (var->variant == AE_VARIANT_SPARSE && var->sparsity_weight > 0)
		value += sparsity_kl(var, h, n, k, dcode);
	if (var->l1_activity > 0)
		value += l1_activity(var->l1_activity, h, n, k, dcode);
	if (var->variant == AE_VARIANT_CONTRACTIVE && var->contractive_weight > 0)
	{
		if (H == 1)
			value += contractive_one_layer(net, var->contractive_weight, h, n,
										   dcode, NULL);
		else if (w->tangent)
			value += contractive_deep(net, var->contractive_weight, w, n, NULL);
	}
	return value;
}

/* Add the penalties' direct parameter gradients (not through the code). */
void
ae_penalty_param_grad(const AeNet *net, const AeVariantConfig *var,
					  const AeBatchWork *w, const ae_real *x, int n,
					  ae_real *grad)
{
	if (!var || n <= 0)
		return;
	if (var->variant == AE_VARIANT_CONTRACTIVE && var->contractive_weight > 0)
	{
		if (net->cfg.n_hidden == 1)
			contractive_one_layer(net, var->contractive_weight,
								  w->act[net->cfg.n_hidden], n, NULL, grad);
		else if (w->tangent)
			contractive_deep(net, var->contractive_weight, w, n, grad);
	}
}
