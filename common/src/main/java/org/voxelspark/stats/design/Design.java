package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.voxelspark.error.UserInputException;
import org.voxelspark.stats.linalg.ThinQr;

/**
 * The design of a group analysis: the n×p design matrix over the subjects, its column names, the
 * t-contrasts and F-tests, the exchangeability blocks and the subject ids. Built once on the driver
 * ({@link DesignBuilder} from {@code participants.tsv}, or {@link #numeric} from a matrix) and
 * broadcast: it is small (n·p doubles plus names) and {@link Serializable}.
 *
 * <p><b>Guarantees</b> (checked at construction; a violation is a {@link UserInputException}):
 * full column rank (no column is a linear combination of others, see {@link ThinQr#ALIAS_TOLERANCE}),
 * at least one residual degree of freedom ({@code n > p}), every element finite, every contrast
 * non-zero, every F-test's rows linearly independent.
 *
 * <p><b>Layout.</b> {@link #matrix()} is row-major: element {@code [s*p + c]} is subject s (in
 * {@link #subjectIds()} order, which is the row order of the data blocks) and column c.
 *
 * <p>Immutable; thread-safe.
 */
public final class Design implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String[] subjectIds;
  private final int n;
  private final int p;
  private final double[] x;
  private final String[] columnNames;
  private final Term[] terms;
  private final Contrast[] contrasts;
  private final FTest[] fTests;
  private final int[] blocks;
  private final String[] blockLevels;
  private final String blockColumn;

  Design(String source, String[] subjectIds, int n, int p, double[] x, String[] columnNames, Term[] terms,
      Contrast[] contrasts, FTest[] fTests, int[] blocks, String[] blockLevels, String blockColumn) {
    this.source = source;
    this.subjectIds = subjectIds.clone();
    this.n = n;
    this.p = p;
    this.x = x.clone();
    this.columnNames = columnNames.clone();
    this.terms = terms.clone();
    this.contrasts = contrasts.clone();
    this.fTests = fTests.clone();
    this.blocks = blocks == null ? null : blocks.clone();
    this.blockLevels = blockLevels == null ? null : blockLevels.clone();
    this.blockColumn = blockColumn;
  }

  /**
   * A design from a numeric matrix (e.g. a PALM {@code design.csv}), with contrasts and F-tests
   * given as weights. Validated as every design is.
   *
   * @param source the file or option the matrix came from, for error messages
   * @param subjectIds row labels (length n)
   * @param x row-major n×p matrix
   * @param columnNames p names
   * @param contrasts t-contrasts over the p columns
   * @param fTests F-tests over the p columns
   * @param blocks exchangeability block of each subject (any ints; equal = same block), or null
   * @throws UserInputException if the design is rank deficient, has no residual degree of freedom,
   *     a non-finite element, a zero contrast or dependent F-test rows
   */
  public static Design numeric(String source, String[] subjectIds, double[] x, String[] columnNames,
      List<Contrast> contrasts, List<FTest> fTests, int[] blocks) {
    int p = columnNames.length;
    int n = subjectIds.length;
    if (x.length != (long) n * p) {
      throw new IllegalArgumentException("matrix of " + x.length + " values is not " + n + "×" + p);
    }
    List<UserInputException.Problem> problems = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < p; c++) {
        if (!Double.isFinite(x[s * p + c])) {
          problems.add(new UserInputException.Problem(source, "row " + (s + 1) + ", column " + columnNames[c],
              "is not a finite number: " + x[s * p + c]));
        }
      }
    }
    UserInputException.throwIfAny(problems);
    Term[] terms = new Term[p];
    for (int c = 0; c < p; c++) {
      terms[c] = new Term(columnNames[c], ColumnType.NUMERIC, new String[0], null, 0.0, new int[] {c});
    }
    checkDesign(source, x, n, p, columnNames, problems);
    for (Contrast c : contrasts) {
      if (c.weights().length != p) {
        throw new IllegalArgumentException("contrast " + c.name() + " has " + c.weights().length + " weights, not " + p);
      }
      checkContrastNonZero(source, c, problems);
    }
    for (FTest f : fTests) {
      checkFTestRows(source, f, p, problems);
    }
    UserInputException.throwIfAny(problems);
    int[] b = null;
    String[] levels = null;
    if (blocks != null) {
      if (blocks.length != n) {
        throw new IllegalArgumentException("blocks has " + blocks.length + " entries, not " + n);
      }
      int[] sorted = Arrays.stream(blocks).distinct().sorted().toArray();
      levels = new String[sorted.length];
      b = new int[n];
      for (int i = 0; i < sorted.length; i++) {
        levels[i] = Integer.toString(sorted[i]);
      }
      for (int s = 0; s < n; s++) {
        b[s] = Arrays.binarySearch(sorted, blocks[s]);
      }
    }
    return new Design(source, subjectIds, n, p, x, columnNames, terms, contrasts.toArray(new Contrast[0]),
        fTests.toArray(new FTest[0]), b, levels, blocks == null ? null : "blocks");
  }

  /** Rank and degrees-of-freedom checks shared by every way of building a design. */
  static void checkDesign(String source, double[] x, int n, int p, String[] names, List<UserInputException.Problem> problems) {
    if (p == 0) {
      problems.add(new UserInputException.Problem(source, "", "the model has no columns"));
      return;
    }
    ThinQr qr = ThinQr.of(x, n, p);
    for (int j = 0; j < p; j++) {
      if (!qr.isAliased(j)) {
        continue;
      }
      double[] c = qr.combinationOfKept(j);
      int[] kept = qr.keptColumns();
      StringBuilder sb = new StringBuilder();
      for (int t = 0; t < c.length; t++) {
        if (kept[t] < j && Math.abs(c[t]) > 1e-8) {
          sb.append(sb.length() == 0 ? "" : " + ").append(String.format(java.util.Locale.ROOT, "%.6g", c[t]))
              .append("·'").append(names[kept[t]]).append('\'');
        }
      }
      String what = sb.length() == 0
          ? "is zero for every subject (a constant column, once demeaned, or a level no subject has)"
          : "is a linear combination of the columns before it: " + sb;
      problems.add(new UserInputException.Problem(source, names[j],
          what + "; the design is rank deficient (" + qr.rank() + " independent columns of " + p
              + "): drop or merge one of the aliased terms"));
    }
    if (n - p < 1) {
      problems.add(new UserInputException.Problem(source, "", n + " subjects and " + p
          + " design columns leave " + (n - p) + " residual degrees of freedom; need at least 1 (more subjects or fewer terms)"));
    }
  }

  static void checkContrastNonZero(String source, Contrast c, List<UserInputException.Problem> problems) {
    boolean zero = true;
    for (double w : c.weights()) {
      if (!Double.isFinite(w)) {
        problems.add(new UserInputException.Problem(source, c.name(), "has a non-finite weight"));
        return;
      }
      zero &= w == 0;
    }
    if (zero) {
      problems.add(new UserInputException.Problem(source, c.name(),
          "is zero on every design column (" + c.expression() + "): it tests nothing"));
    }
  }

  static void checkFTestRows(String source, FTest f, int p, List<UserInputException.Problem> problems) {
    int q = f.rank();
    if (q == 0) {
      problems.add(new UserInputException.Problem(source, f.name(), "has no rows"));
      return;
    }
    double[] ct = new double[p * q];
    for (int r = 0; r < q; r++) {
      double[] row = f.row(r);
      if (row.length != p) {
        throw new IllegalArgumentException("F-test " + f.name() + " row " + r + " has " + row.length + " weights, not " + p);
      }
      for (int c = 0; c < p; c++) {
        if (!Double.isFinite(row[c])) {
          problems.add(new UserInputException.Problem(source, f.name(), "has a non-finite weight"));
          return;
        }
        ct[c * q + r] = row[c];
      }
    }
    ThinQr qr = ThinQr.of(ct, p, q);
    if (qr.rank() < q) {
      problems.add(new UserInputException.Problem(source, f.name(),
          "has " + q + " rows but only " + qr.rank() + " are linearly independent (" + f.description() + ")"));
    }
  }

  /** The table or file the design was built from. */
  public String source() {
    return source;
  }

  /** Number of subjects n. */
  public int subjects() {
    return n;
  }

  /** Number of design columns p (= the rank). */
  public int columns() {
    return p;
  }

  /** Residual degrees of freedom n − p of the full design. */
  public int residualDof() {
    return n - p;
  }

  /** The subject ids, in row order. */
  public List<String> subjectIds() {
    return List.of(subjectIds);
  }

  /** The design matrix, row-major n×p. A copy. */
  public double[] matrix() {
    return x.clone();
  }

  /** Element (subject s, column c). */
  public double get(int s, int c) {
    return x[s * p + c];
  }

  /** Column names ({@code intercept}, numeric column names, {@code name[level]}). */
  public List<String> columnNames() {
    return List.of(columnNames);
  }

  /** The model's terms in order. */
  public List<Term> terms() {
    return List.of(terms);
  }

  /** The t-contrasts in order. */
  public List<Contrast> contrasts() {
    return List.of(contrasts);
  }

  /** The F-tests in order. */
  public List<FTest> fTests() {
    return List.of(fTests);
  }

  /**
   * Exchangeability block of each subject, 0-based indices into {@link #blockLevels()}, or null
   * when every subject is in one block (free exchange).
   */
  public int[] blocks() {
    return blocks == null ? null : blocks.clone();
  }

  /** Block level names (sorted), or null without blocks. */
  public List<String> blockLevels() {
    return blockLevels == null ? null : List.of(blockLevels);
  }

  /** The table column the blocks came from, or null. */
  public String blockColumn() {
    return blockColumn;
  }

  /**
   * True for a one-sample design: a single column that is the same non-zero value for every
   * subject (the intercept only). Permuting such data changes nothing, so its shufflings are sign
   * flips ({@link org.voxelspark.stats.perm.ShufflingKind#forDesign}).
   */
  public boolean isOneSample() {
    if (p != 1) {
      return false;
    }
    for (int s = 1; s < n; s++) {
      if (x[s] != x[0]) {
        return false;
      }
    }
    return x[0] != 0;
  }

  /**
   * The design matrix as a tab-separated table: a header {@code participant_id} then the column
   * names, one row per subject; numbers in Java's shortest round-trip form ({@link Double#toString}).
   */
  public String toTsv() {
    StringBuilder sb = new StringBuilder("participant_id");
    for (String c : columnNames) {
      sb.append('\t').append(c);
    }
    sb.append('\n');
    for (int s = 0; s < n; s++) {
      sb.append(subjectIds[s]);
      for (int c = 0; c < p; c++) {
        sb.append('\t').append(x[s * p + c]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Design[" + n + " subjects × " + p + " columns " + Arrays.toString(columnNames) + ", "
        + contrasts.length + " contrasts, " + fTests.length + " F-tests"
        + (blocks == null ? "" : ", blocks by " + Objects.toString(blockColumn)) + "]";
  }
}
