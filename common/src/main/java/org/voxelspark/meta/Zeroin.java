package org.voxelspark.meta;

/**
 * Brent's root finder (Brent 1973, "Algorithms for minimization without derivatives", ch. 4) in the
 * form R's {@code uniroot} runs it (R's {@code R_zeroin2}: the endpoint values are given, at most
 * {@code maxIterations + 1} new evaluations, tolerance {@code 2·DBL_EPSILON·|b| + tol/2}). metafor's
 * Paule–Mandel τ² is this root at R's default tolerance (1.2e-4), so reproducing metafor to 1e-9
 * needs the same sequence of iterates, not just any root.
 */
final class Zeroin {
  private Zeroin() {}

  /** A function of one variable. */
  interface Function {
    double value(double x);
  }

  /** The root and whether the iteration limit was reached first (R's "_NOT_ converged"). */
  record Root(double x, boolean converged) {}

  static Root find(Function f, double ax, double bx, double fax, double fbx, double tol, int maxIterations) {
    double a = ax;
    double b = bx;
    double fa = fax;
    double fb = fbx;
    double c = a;
    double fc = fa;
    if (fa == 0) {
      return new Root(a, true);
    }
    if (fb == 0) {
      return new Root(b, true);
    }
    double eps = Math.ulp(1.0);
    for (int left = maxIterations + 1; left > 0; left--) {
      double prevStep = b - a;
      if (Math.abs(fc) < Math.abs(fb)) {
        a = b;
        b = c;
        c = a;
        fa = fb;
        fb = fc;
        fc = fa;
      }
      double tolAct = 2 * eps * Math.abs(b) + tol / 2;
      double newStep = (c - b) / 2;
      if (Math.abs(newStep) <= tolAct || fb == 0) {
        return new Root(b, true);
      }
      if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
        double p;
        double q;
        double cb = c - b;
        if (a == c) {
          double t1 = fb / fa;
          p = cb * t1;
          q = 1.0 - t1;
        } else {
          double qq = fa / fc;
          double t1 = fb / fc;
          double t2 = fb / fa;
          p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1.0));
          q = (qq - 1.0) * (t1 - 1.0) * (t2 - 1.0);
        }
        if (p > 0) {
          q = -q;
        } else {
          p = -p;
        }
        if (p < (0.75 * cb * q - Math.abs(tolAct * q) / 2) && p < Math.abs(prevStep * q / 2)) {
          newStep = p / q;
        }
      }
      if (Math.abs(newStep) < tolAct) {
        newStep = newStep > 0 ? tolAct : -tolAct;
      }
      a = b;
      fa = fb;
      b += newStep;
      fb = f.value(b);
      if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
        c = a;
        fc = fa;
      }
    }
    return new Root(b, false);
  }
}
