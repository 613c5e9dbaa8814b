package org.voxelspark.math;

/**
 * Natural logarithm and exponential of runs of a {@code double[]}, within 1 ulp of
 * {@link StrictMath#log} / {@link StrictMath#exp} (fdlibm), written so that HotSpot's C2 compiler
 * (JDK 17) turns their arithmetic into SIMD instructions. Per element they cost about a third
 * ({@link #log}) and a half ({@link #exp}) of {@link Math#log} / {@link Math#exp}
 * ({@code docs/benchmarks.md}, LogExpBenchmark).
 *
 * <p><b>Why passes.</b> C2 in JDK 17 vectorises loops of double and long arithmetic, min/max,
 * sqrt, rint and division, but not a loop that reinterprets bits between double and long
 * ({@link Double#doubleToRawLongBits}, {@link Double#longBitsToDouble}). Each function is therefore
 * split into passes over scratch arrays: the bit manipulation (the binary exponent) in short
 * scalar passes, the polynomial in one vectorised pass. The loop shapes matter: a small change to
 * a vectorised loop body can stop C2 from vectorising it (an extra subtraction of a constant did),
 * so changes here must be measured.
 *
 * <p><b>Algorithms</b> (fdlibm's, with their coefficients; Sun Microsystems 1993):
 * <ul>
 *   <li>log: x = 2<sup>k</sup>·m with m ∈ [√2/2, √2); f = m − 1, s = f/(2 + f);
 *       ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), R a degree-7 polynomial; ln x = k·ln2 + ln(1 + f)
 *       with ln2 split in a high and a low part.
 *   <li>exp: k = rint(x/ln2), r = x − k·ln2 (two parts); exp(r) by fdlibm's rational form
 *       1 − ((lo − r·c/(2 − c)) − hi), c = r − r²·P(r²) with P of degree 5; then the result's
 *       exponent field is incremented by k.
 * </ul>
 *
 * <p><b>Domains.</b> {@link #log}: the fast path covers positive, normal, finite x; if any element
 * of the run is zero, negative, subnormal, infinite or NaN, the whole run is computed by
 * {@link Math#log} instead (so the results are always those of a correct log). {@link #exp}: the
 * fast path covers x ∈ [{@value #EXP_MIN}, {@value #EXP_MAX}]; other elements (including NaN,
 * overflow to infinity and underflow to subnormals or zero) are computed by {@link Math#exp}.
 *
 * <p>{@code out} may be the input array at the same offset (in place). Allocation-free after
 * construction; not thread-safe (one instance per thread).
 *
 * <p><b>Columns</b> ({@link Columns}): the same functions over a structure-of-arrays batch
 * {@code x[row][lane]} (the tensor fit's layout: one row per sample, one lane per voxel), where each
 * lane is one run: {@link Columns#log} gives every column exactly what {@link #log} gives that
 * column as a run (the fast path, or {@link Math#log} for the whole column when one of its elements
 * is outside the fast path's domain), {@link Columns#exp} every element exactly what {@link #exp}
 * gives it. So a lane's results never depend on the other lanes. Two implementations, bit-identical
 * by construction (the same IEEE operations in the same order; {@code LogExpTest} checks it):
 * {@link #plainColumns} (the passes above over each row) and {@link #vectorColumns} (the JDK's
 * incubating Vector API, several lanes per instruction, bit reinterpretation included), available
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 */
public final class LogExp {
  /** Smallest argument of {@link #exp}'s fast path (its result is normal). */
  public static final double EXP_MIN = -708;
  /** Largest argument of {@link #exp}'s fast path (its result is finite). */
  public static final double EXP_MAX = 709;

  // package-private: VectorLogExp evaluates the same formulas with the same constants
  static final double LN2_HI = 6.93147180369123816490e-01;
  static final double LN2_LO = 1.90821492927058770002e-10;
  static final double INV_LN2 = 1.44269504088896338700e+00;
  static final double LG1 = 6.666666666666735130e-01;
  static final double LG2 = 3.999999999940941908e-01;
  static final double LG3 = 2.857142874366239149e-01;
  static final double LG4 = 2.222219843214978396e-01;
  static final double LG5 = 1.818357216161805012e-01;
  static final double LG6 = 1.531383769920937332e-01;
  static final double LG7 = 1.479819860511658591e-01;
  static final double P1 = 1.66666666666666019037e-01;
  static final double P2 = -2.77777777770155933842e-03;
  static final double P3 = 6.61375632143793436117e-05;
  static final double P4 = -1.65339022054652515390e-06;
  static final double P5 = 4.13813679705723846039e-08;
  /** Bits of √2/2: x's bits minus these, shifted right by 52, give k with x/2^k ∈ [√2/2, √2). */
  static final long SQRT_HALF_BITS = 0x3FE6A09E667F3BCDL;
  /** 1.5·2^52: adding it to an integer-valued double |k| < 2^51 leaves k in the low mantissa bits. */
  static final double MAGIC = 0x1.8p52;
  static final long MAGIC_BITS = 0x4338000000000000L;
  static final long MIN_NORMAL_BITS = 0x0010000000000000L;
  static final long MAX_FINITE_BITS = 0x7FEFFFFFFFFFFFFFL;

  private final long[] bits;
  private final long[] exponents;
  private final double[] mantissas;
  private final double[] scales;
  private final double[] arguments;
  private final double[] results;

  /** Scratch for runs of up to {@code capacity} elements. */
  public LogExp(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    bits = new long[capacity];
    exponents = new long[capacity];
    mantissas = new double[capacity];
    scales = new double[capacity];
    arguments = new double[capacity];
    results = new double[capacity];
  }

  /** Largest run length this instance accepts. */
  public int capacity() {
    return bits.length;
  }

  /**
   * {@code out[to + i] = ln(x[from + i])} for {@code i < length}.
   *
   * @return true if every element was positive, normal and finite (the fast path); false if the
   *     run was computed by {@link Math#log} because one was not
   */
  public boolean log(double[] x, int from, double[] out, int to, int length) {
    check(length);
    toBits(x, from, bits, length);
    if (splitExponent(bits, exponents, length) < 0) {
      for (int i = 0; i < length; i++) {
        out[to + i] = Math.log(x[from + i]);
      }
      return false;
    }
    toDoubles(bits, exponents, mantissas, scales, length);
    logPolynomial(mantissas, scales, results, length);
    System.arraycopy(results, 0, out, to, length);
    return true;
  }

  /** {@code out[to + i] = exp(x[from + i])} for {@code i < length}. */
  public void exp(double[] x, int from, double[] out, int to, int length) {
    check(length);
    System.arraycopy(x, from, arguments, 0, length);
    expPolynomial(arguments, mantissas, scales, length);
    scaleByPowerOfTwo(arguments, mantissas, scales, out, to, length);
  }

  // Each pass is its own small method (C2 vectorised the same loops far less well when they shared
  // one method body: log 296 vs 139 ns for 68 elements), and the vectorised passes read and write
  // their arrays at the same index i: with an offset (out[to + i]) C2 cannot rule out an overlap
  // and does not vectorise, unless the call is inlined with constant offsets (287 vs 141 ns).

  private static void toBits(double[] x, int from, long[] b, int length) {
    for (int i = 0; i < length; i++) {
      b[i] = Double.doubleToRawLongBits(x[from + i]);
    }
  }

  /**
   * Splits each x (as bits) into x = 2^k·m, m ∈ [√2/2, √2): m's bits into {@code b}, k + MAGIC's
   * bits into {@code e}. Returns a negative value if some x is not positive, normal and finite.
   */
  private static long splitExponent(long[] b, long[] e, int length) {
    long outside = 0;
    for (int i = 0; i < length; i++) {
      long v = b[i];
      outside |= (v - MIN_NORMAL_BITS) | (MAX_FINITE_BITS - v);
      long exponent = (v - SQRT_HALF_BITS) >> 52;
      b[i] = v - (exponent << 52);
      e[i] = MAGIC_BITS + exponent;
    }
    return outside;
  }

  private static void toDoubles(long[] b, long[] e, double[] m, double[] k, int length) {
    for (int i = 0; i < length; i++) {
      m[i] = Double.longBitsToDouble(b[i]);
      k[i] = Double.longBitsToDouble(e[i]) - MAGIC;
    }
  }

  private static void logPolynomial(double[] m, double[] k, double[] out, int length) {
    for (int i = 0; i < length; i++) {
      double dk = k[i];
      double f = m[i] - 1.0;
      double s = f / (2.0 + f);
      double z = s * s;
      double w = z * z;
      double t1 = w * (LG2 + w * (LG4 + w * LG6));
      double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
      double r = t2 + t1;
      double hfsq = 0.5 * f * f;
      out[i] = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }
  }

  /** exp(r) into {@code y}, k + MAGIC into {@code k}, for x = k·ln2 + r. */
  private static void expPolynomial(double[] x, double[] y, double[] k, int length) {
    for (int i = 0; i < length; i++) {
      double v = x[i];
      double kd = Math.rint(v * INV_LN2);
      double hi = v - kd * LN2_HI;
      double lo = kd * LN2_LO;
      double r = hi - lo;
      double t = r * r;
      double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
      y[i] = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
      k[i] = kd + MAGIC;
    }
  }

  private static void scaleByPowerOfTwo(double[] x, double[] y, double[] k, double[] out, int to, int length) {
    for (int i = 0; i < length; i++) {
      double v = x[i];
      out[to + i] = v >= EXP_MIN && v <= EXP_MAX
          ? Double.longBitsToDouble(Double.doubleToRawLongBits(y[i]) + (Double.doubleToRawLongBits(k[i]) << 52))
          : Math.exp(v);
    }
  }

  private void check(int length) {
    if (length < 0 || length > bits.length) {
      throw new IllegalArgumentException("run of " + length + " elements; capacity " + bits.length);
    }
  }

  /**
   * {@link #log} and {@link #exp} over the columns of a structure-of-arrays batch: element
   * {@code x[row][lane]}, rows {@code 0 .. rows-1}, lanes {@code 0 .. lanes-1}; each lane is a run.
   * Not thread-safe (one instance per thread).
   */
  public interface Columns {
    /** A short description for logs and benchmarks. */
    String name();

    /** Lane counts must be a multiple of this (1 for the plain loops, the vector length for the Vector API). */
    int granularity();

    /** Largest lane count accepted. */
    int capacity();

    /**
     * {@code out[i][v] = ln(x[i][v])}: for each lane v, what {@link LogExp#log} gives the run
     * {@code x[0][v] .. x[rows-1][v]}. {@code out} must not share row arrays with {@code x}.
     *
     * @param slow set to true for the lanes computed by {@link Math#log} because one of their
     *     elements was zero, negative, subnormal, infinite or NaN; false for the others
     */
    void log(double[][] x, double[][] out, int rows, int lanes, boolean[] slow);

    /** {@code out[i][v] = exp(x[i][v])}, each element as {@link LogExp#exp} computes it; in place allowed. */
    void exp(double[][] x, double[][] out, int rows, int lanes);
  }

  /** The plain-loop {@link Columns}: this class's passes over each row (capacity lanes at most). */
  public static Columns plainColumns(int capacity) {
    return new PlainColumns(capacity);
  }

  /**
   * The Vector API {@link Columns} (capacity rounded up to its granularity), or null when the JVM
   * lacks {@code jdk.incubator.vector}.
   */
  public static Columns vectorColumns(int capacity) {
    return VectorApi.instance("org.voxelspark.math.VectorLogExp", Columns.class, new Class<?>[] {int.class}, capacity);
  }

  private static final class PlainColumns implements Columns {
    private final LogExp f;
    private final long[] outside;

    PlainColumns(int capacity) {
      f = new LogExp(capacity);
      outside = new long[capacity];
    }

    @Override
    public String name() {
      return "plain loops (C2 auto-vectorised)";
    }

    @Override
    public int granularity() {
      return 1;
    }

    @Override
    public int capacity() {
      return f.capacity();
    }

    @Override
    public void log(double[][] x, double[][] out, int rows, int lanes, boolean[] slow) {
      f.check(lanes);
      java.util.Arrays.fill(outside, 0, lanes, 0);
      for (int i = 0; i < rows; i++) {
        toBits(x[i], 0, f.bits, lanes);
        splitExponent(f.bits, f.exponents, outside, lanes);
        toDoubles(f.bits, f.exponents, f.mantissas, f.scales, lanes);
        logPolynomial(f.mantissas, f.scales, out[i], lanes);
      }
      for (int v = 0; v < lanes; v++) {
        slow[v] = outside[v] < 0;
        if (slow[v]) {
          for (int i = 0; i < rows; i++) {
            out[i][v] = Math.log(x[i][v]);
          }
        }
      }
    }

    @Override
    public void exp(double[][] x, double[][] out, int rows, int lanes) {
      for (int i = 0; i < rows; i++) {
        f.exp(x[i], 0, out[i], 0, lanes);
      }
    }
  }

  /** {@link #splitExponent(long[], long[], int)} with the domain test kept per element: {@code outside[i] |= …}. */
  private static void splitExponent(long[] b, long[] e, long[] outside, int length) {
    for (int i = 0; i < length; i++) {
      long v = b[i];
      outside[i] |= (v - MIN_NORMAL_BITS) | (MAX_FINITE_BITS - v);
      long exponent = (v - SQRT_HALF_BITS) >> 52;
      b[i] = v - (exponent << 52);
      e[i] = MAGIC_BITS + exponent;
    }
  }
}
