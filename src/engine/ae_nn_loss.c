/*-------------------------------------------------------------------------
 *
 * ae_nn_loss.c
 *	  Reconstruction losses and the per-mini-batch gradient.
 *
 * A loss maps the output layer (its pre-activation z and activation a) and
 * the target to a mean over rows and features, and yields d(loss)/d(z),
 * which ae_nn_backward propagates.  Penalties that do not depend on the
 * output (weight decay here; the code-layer penalties of ae_penalty.c) are
 * added in ae_nn_batch_grad, separately from the layer code.
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"

#include <math.h>
#include <string.h>

/* Mean loss of count outputs; d(loss)/dz into dz when not NULL. */
double
ae_loss_eval(AeLoss loss, AeActivation out_act, const ae_real *z,
			 const ae_real *a, const ae_real *t, size_t count, ae_real *dz)
{
	double		sum = 0;
	ae_real		inv = (ae_real) (1.0 / (double) count);

	if (count == 0)
		return 0;
	if (loss == AE_LOSS_BCE)
	{
		/*
		 * Binary cross-entropy from logits (needs a sigmoid output):
		 * max(z,0) - z t + log(1 + exp(-|z|)), gradient sigmoid(z) - t.
		 */
		for (size_t i = 0; i < count; i++)
		{
			ae_real		zi = z[i];

			sum += (double) ((zi > 0 ? zi : 0) - zi * t[i] +
							 AE_LOG1P(AE_EXP(zi > 0 ? -zi : zi)));
		}
		if (dz)
			for (size_t i = 0; i < count; i++)
				dz[i] = (a[i] - t[i]) * inv;
	}
	else
	{
		/* mean squared error */
		if (dz)
		{
			ae_real		two_inv = 2 * inv;

			for (size_t i = 0; i < count; i++)
			{
				ae_real		diff = a[i] - t[i];

				sum += (double) (diff * diff);
				dz[i] = two_inv * diff;
			}
			ae_act_backward(out_act, a, dz, count);
		}
		else
		{
			for (size_t i = 0; i < count; i++)
			{
				ae_real		diff = a[i] - t[i];

				sum += (double) (diff * diff);
			}
		}
	}
	return sum / (double) count;
}

/* Forward, loss, backward and weight decay for one mini-batch. */
double
ae_nn_batch_grad(const AeNet *net, AeBatchWork *w, const ae_real *x_in,
				 const ae_real *target, int n, AeLoss loss, double l2,
				 const AeVariantConfig *var, ae_real *grad, double *penalty)
{
	int			L = net->n_layers;
	size_t		count = (size_t) n * net->layers[L - 1].n_out;
	double		value;
	double		pen = 0;
	bool		active = ae_penalty_active(var);

	ae_nn_forward(net, w, x_in, n);
	value = ae_loss_eval(loss, net->layers[L - 1].act, w->zout, w->act[L],
						 target, count, w->delta_a);
	if (active)
		pen = ae_penalty_eval(net, var, w, x_in, n, w->dcode);
	ae_nn_backward(net, w, n, w->delta_a, active ? w->dcode : NULL, grad);
	/* direct weight terms after backward, whose GEMMs overwrite grad */
	if (active)
		ae_penalty_param_grad(net, var, w, x_in, n, grad);
	if (penalty)
		*penalty = pen;
	if (l2 > 0)
	{
		ae_real		c = (ae_real) l2;
		const ae_real *p = net->params;

		for (size_t i = 0; i < net->n_weights; i++)
			grad[i] += c * p[i];
	}
	return value;
}
