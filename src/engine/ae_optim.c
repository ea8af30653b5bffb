/*-------------------------------------------------------------------------
 *
 * ae_optim.c
 *	  First-order optimisers over the flat parameter vector.
 *
 * With g the gradient (weight decay already added) and lr the learning
 * rate, one step is:
 *	 sgd:       p -= lr g
 *	 momentum:  v = mu v - lr g;  p += v            (classical)
 *	            v = mu v - lr g;  p += mu v - lr g  (nesterov)
 *	 rmsprop:   s = rho s + (1-rho) g^2;  p -= lr g / (sqrt(s) + eps)
 *	 adadelta:  s = rho s + (1-rho) g^2;
 *	            dx = sqrt(u + eps) / sqrt(s + eps) g;
 *	            u = rho u + (1-rho) dx^2;  p -= lr dx
 *	 adam:      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *	            p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
 * (Adam as in PyTorch; the others as in Keras/PyTorch.)
 *
 *-------------------------------------------------------------------------
 */
#include "ae_nn_int.h"
#include "ae_kernels.h"

#include <math.h>
#include <string.h>

/* Allocate the state for n parameters. */
AeStatus
ae_opt_init(AeOptState *o, const AeTrainConfig *cfg, size_t n, AeError *err)
{
	bool		two = false;
	bool		one = true;

	memset(o, 0, sizeof(*o));
	o->kind = cfg->optimizer;
	o->nesterov = cfg->nesterov;
	o->lr = cfg->learning_rate;
	o->momentum = cfg->momentum;
	o->beta1 = cfg->beta1;
	o->beta2 = cfg->beta2;
	o->rho = cfg->rho;
	o->epsilon = cfg->epsilon;
	o->n = n;
	switch (o->kind)
	{
		case AE_OPT_SGD:
			one = false;
			break;
		case AE_OPT_MOMENTUM:
		case AE_OPT_RMSPROP:
			break;
		case AE_OPT_ADADELTA:
		case AE_OPT_ADAM:
			two = true;
			break;
	}
	if (one)
		o->s1 = ae_alloc_array(n, sizeof(ae_real));
	if (two)
		o->s2 = ae_alloc_array(n, sizeof(ae_real));
	if ((one && !o->s1) || (two && !o->s2))
	{
		ae_opt_free(o);
		return ae_fail(err, AE_ENOMEM, "out of memory for optimiser state");
	}
	return AE_OK;
}

/* Free the state vectors. */
void
ae_opt_free(AeOptState *o)
{
	ae_free(o->s1);
	ae_free(o->s2);
	o->s1 = o->s2 = NULL;
}

/* Apply one update to params given grad. */
void
ae_opt_step(AeOptState *o, ae_real *params, const ae_real *grad)
{
	size_t		n = o->n;
	ae_real    *s1 = o->s1;
	ae_real    *s2 = o->s2;
	ae_real		lr = (ae_real) o->lr;

	o->t++;
	switch (o->kind)
	{
		case AE_OPT_SGD:
			for (size_t i = 0; i < n; i++)
				params[i] -= lr * grad[i];
			break;
		case AE_OPT_MOMENTUM:
			{
				ae_real		mu = (ae_real) o->momentum;

				if (o->nesterov)
					for (size_t i = 0; i < n; i++)
					{
						s1[i] = mu * s1[i] - lr * grad[i];
						params[i] += mu * s1[i] - lr * grad[i];
					}
				else
					for (size_t i = 0; i < n; i++)
					{
						s1[i] = mu * s1[i] - lr * grad[i];
						params[i] += s1[i];
					}
			}
			break;
		case AE_OPT_RMSPROP:
			{
				ae_real		rho = (ae_real) o->rho;
				ae_real		eps = (ae_real) o->epsilon;

				for (size_t i = 0; i < n; i++)
				{
					ae_real		g = grad[i];

					s1[i] = rho * s1[i] + (1 - rho) * g * g;
					params[i] -= lr * g / (AE_SQRT(s1[i]) + eps);
				}
			}
			break;
		case AE_OPT_ADADELTA:
			{
				ae_real		rho = (ae_real) o->rho;
				ae_real		eps = (ae_real) o->epsilon;

				for (size_t i = 0; i < n; i++)
				{
					ae_real		g = grad[i];
					ae_real		dx;

					s1[i] = rho * s1[i] + (1 - rho) * g * g;
					dx = AE_SQRT(s2[i] + eps) / AE_SQRT(s1[i] + eps) * g;
					s2[i] = rho * s2[i] + (1 - rho) * dx * dx;
					params[i] -= lr * dx;
				}
			}
			break;
		case AE_OPT_ADAM:
			{
				double		bc1 = 1.0 - pow(o->beta1, (double) o->t);
				double		bc2 = 1.0 - pow(o->beta2, (double) o->t);

				ae_k_adam(params, s1, s2, grad, n, (ae_real) o->beta1,
						  (ae_real) o->beta2, (ae_real) (o->lr / bc1),
						  (ae_real) (1.0 / sqrt(bc2)), (ae_real) o->epsilon);
			}
			break;
	}
}
