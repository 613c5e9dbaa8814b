package org.voxelspark.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.voxelspark.participant.RunKind;
import org.voxelspark.qc.MaskedStatistics;
import org.voxelspark.report.ReportRecords.QcResult;

/**
 * The QC tables ({@code participant_qc_dwi.tsv}, {@code participant_qc_bold.tsv}): one row per
 * processed run, columns {@code subject}, {@code site}, {@code run}, then the {@link QcMetric}s of
 * the kind. Values are written with 6 significant digits ({@link #format}), {@code n/a} when not
 * computable; the subject pages show the same strings and the cohort's minimum, median and maximum
 * of the values as written.
 */
public final class QcTables {
  private QcTables() {}

  /** Significant digits of the values written. */
  public static final int DIGITS = 6;

  /** {@code participant_qc_<dwi|bold>.tsv}. */
  public static String fileName(RunKind kind) {
    return "participant_qc_" + kind.datatypeDir().replace("func", "bold") + ".tsv";
  }

  /** The header of a kind's table. */
  public static List<String> header(RunKind kind) {
    List<String> h = new ArrayList<>(List.of("subject", "site", "run"));
    QcMetric.of(kind).forEach(m -> h.add(m.column()));
    return h;
  }

  /** {@code v} with {@value #DIGITS} significant digits, no exponent, no trailing zeros; "n/a" for NaN. */
  public static String format(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(DIGITS)).stripTrailingZeros().toPlainString();
  }

  /** The value a written cell stands for (NaN for "n/a"). */
  public static double parse(String cell) {
    return cell.equals("n/a") ? Double.NaN : Double.parseDouble(cell);
  }

  /** The TSV text of the runs of {@code kind} among {@code results}, in the order given. */
  public static String tsv(RunKind kind, List<QcResult> results) {
    StringBuilder sb = new StringBuilder(String.join("\t", header(kind))).append('\n');
    for (QcResult r : results) {
      if (r.kind() != kind || r.values() == null) {
        continue;
      }
      sb.append(r.subject()).append('\t').append(r.site()).append('\t').append(r.run());
      for (double v : r.values()) {
        sb.append('\t').append(format(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The cohort range of each metric: minimum, median (type 7) and maximum of the values as written
   * (formatted then read back), over the runs where the value is known, and how many they are.
   */
  public record Range(double min, double median, double max, int n) implements java.io.Serializable {
    /** Where {@code v} lies between min (0) and max (1); NaN when unknown or the range is empty. */
    public double position(double v) {
      if (!Double.isFinite(v) || !(max > min)) {
        return Double.isFinite(v) && n > 0 ? 0.5 : Double.NaN;
      }
      return (v - min) / (max - min);
    }
  }

  /** Ranges per kind, per metric (in {@link QcMetric#of} order). */
  public static Map<RunKind, Range[]> ranges(List<QcResult> results) {
    Map<RunKind, Range[]> out = new EnumMap<>(RunKind.class);
    for (RunKind kind : RunKind.values()) {
      List<QcMetric> metrics = QcMetric.of(kind);
      Range[] r = new Range[metrics.size()];
      for (int m = 0; m < metrics.size(); m++) {
        List<Double> values = new ArrayList<>();
        for (QcResult q : results) {
          if (q.kind() == kind && q.values() != null) {
            double v = parse(format(q.values()[m]));
            if (Double.isFinite(v)) {
              values.add(v);
            }
          }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        r[m] = sorted.length == 0 ? new Range(Double.NaN, Double.NaN, Double.NaN, 0)
            : new Range(sorted[0], MaskedStatistics.quantileOfSorted(sorted, 0.5), sorted[sorted.length - 1], sorted.length);
      }
      out.put(kind, r);
    }
    return out;
  }

  /** A copy of the ranges safe to capture in a Spark closure. */
  static Range[][] toArray(Map<RunKind, Range[]> ranges) {
    Range[][] a = new Range[RunKind.values().length][];
    for (RunKind k : RunKind.values()) {
      a[k.ordinal()] = Arrays.copyOf(ranges.get(k), ranges.get(k).length);
    }
    return a;
  }
}
