/* PulseProp threshold memristor (VTEAM-type, true dead zone, linear window): XSPICE model.

   State x in [0,1] is the voltage of the state node s (a 1 F capacitor in the subcircuit),
   v the voltage across the device (p above n):

     dx/dt =  k_set   * ((v/v_set - 1)+)^a_set     * W(1 - x; w_set)    for v >  v_set
     dx/dt = -k_reset * ((-v/v_reset - 1)+)^a_reset * W(x; w_reset)      for v < -v_reset, 0 otherwise
     I     = (g_off + (g_on - g_off) * x) * v

   with the window W(d; o) = d for o = 0, else min(o + d, (1 + o/w_bound) * d): the offset o
   (x_top - 1 or -x_bot) linearises the response, and the window bends to zero within w_bound
   of the bound (ThresholdWindow in Sources/PulseProp/Devices).

   These are the expressions of the B-source subcircuit (templates/ngspice/memristor.cir),
   evaluated in C with their exact partial derivatives instead of being interpreted at every
   Newton iteration. The state stays a circuit node, so the simulator integrates it with the
   same capacitor, the same method and the same truncation-error control as the B-source form.
   To take the same Newton path as the B-sources (agreement to rounding), a netlist using the
   model sets `.options convabsstep=1e30` (no XSPICE input limiting between iterations) and
   `set xtrtol=7` (keeps ngspice's default truncation tolerance, which A devices lower to 1).
   XSPICE conductance ports take the current flowing into their positive node: the state and
   energy ports therefore output minus the current injected into their nodes. */

#include <math.h>

/* ((ratio - 1)+)^exponent and its derivative with respect to ratio. */
static void overdrive(double ratio, double exponent, double *value, double *slope)
{
    double excess = ratio - 1.0;
    if (excess <= 0.0) {
        *value = 0.0;
        *slope = 0.0;
    } else if (exponent == 1.0) {
        *value = excess;
        *slope = 1.0;
    } else {
        *value = pow(excess, exponent);
        *slope = exponent * pow(excess, exponent - 1.0);
    }
}

/* W(d; o) and its derivative with respect to d. */
static void window(double d, double offset, double bound, double *value, double *slope)
{
    if (offset == 0.0) {
        *value = d;
        *slope = 1.0;
        return;
    }
    double steep = 1.0 + offset / bound;
    if (offset + d <= steep * d) {
        *value = offset + d;
        *slope = 1.0;
    } else {
        *value = steep * d;
        *slope = steep;
    }
}

void cm_pp_threshold_memristor(ARGS)
{
    double v = INPUT(pn);
    double x = INPUT(s);
    double range = PARAM(g_on) - PARAM(g_off);
    double g = PARAM(g_off) + range * x;
    double set, set_slope, reset, reset_slope;
    overdrive(v / PARAM(v_set), PARAM(a_set), &set, &set_slope);
    overdrive(-v / PARAM(v_reset), PARAM(a_reset), &reset, &reset_slope);

    double up, up_slope, down, down_slope;
    window(1.0 - x, PARAM(w_set), PARAM(w_bound), &up, &up_slope);
    window(x, PARAM(w_reset), PARAM(w_bound), &down, &down_slope);

    double rate = PARAM(k_set) * set * up - PARAM(k_reset) * reset * down;
    double rate_dv = PARAM(k_set) * set_slope / PARAM(v_set) * up
                   + PARAM(k_reset) * reset_slope / PARAM(v_reset) * down;
    double rate_dx = -PARAM(k_set) * set * up_slope - PARAM(k_reset) * reset * down_slope;

    if (ANALYSIS == AC) {
        Complex_t gain = {g, 0.0};
        Complex_t zero = {0.0, 0.0};
        AC_GAIN(pn, pn) = gain;
        AC_GAIN(pn, s) = zero;
        AC_GAIN(s, pn) = zero;
        AC_GAIN(s, s) = zero;
        return;
    }

    OUTPUT(pn) = g * v;
    PARTIAL(pn, pn) = g;
    PARTIAL(pn, s) = range * v;
    OUTPUT(s) = -rate;
    PARTIAL(s, pn) = -rate_dv;
    PARTIAL(s, s) = -rate_dx;
    if (!PORT_NULL(e)) {
        double scale = PARAM(e_scale);
        OUTPUT(e) = -scale * v * v * g;
        PARTIAL(e, pn) = -scale * 2.0 * v * g;
        PARTIAL(e, s) = -scale * v * v * range;
        PARTIAL(e, e) = 0.0;
        PARTIAL(pn, e) = 0.0;
        PARTIAL(s, e) = 0.0;
    }
}
