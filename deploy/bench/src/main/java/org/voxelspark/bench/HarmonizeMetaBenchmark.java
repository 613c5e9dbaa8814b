package org.voxelspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.voxelspark.harmonize.ComBat;
import org.voxelspark.harmonize.ComBatBlockFit;
import org.voxelspark.harmonize.ComBatModel;
import org.voxelspark.harmonize.ComBatOptions;
import org.voxelspark.harmonize.ComBatPriorAccumulator;
import org.voxelspark.harmonize.ComBatPriors;
import org.voxelspark.harmonize.EmpiricalBayes;
import org.voxelspark.meta.MetaAnalysis;
import org.voxelspark.meta.MetaMaps;
import org.voxelspark.meta.MetaMethod;
import org.voxelspark.meta.MetaOptions;
import org.voxelspark.meta.MetaOutput;

/**
 * ComBat over 200 000 voxels × 1 000 subjects × 10 sites and the meta-analysis over 200 000 voxels
 * × 20 sites, one thread, with the data written to files that the NumPy implementation of the same
 * equations ({@code deploy/bench/scripts/combat_meta_numpy.py}) reads, so both run on the same
 * data and their results are compared. A main-method benchmark: one run takes seconds, and the
 * figure of interest is the whole two-pass protocol.
 *
 * <pre>
 * java -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.HarmonizeMetaBenchmark generate DIR
 * java -Xmx6g -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.HarmonizeMetaBenchmark run DIR [repeats]
 * /usr/bin/python3 deploy/bench/scripts/combat_meta_numpy.py DIR [repeats]
 * </pre>
 *
 * <p>Timed: ComBat pass 1 over all blocks (2 048 voxels each), the prior reduction, pass 2 over all
 * blocks; the conversion of each block from the file's float32 to float64 (and, for Java, from the
 * file's voxel-major order to the subject-major block of the group stage) is outside the timer in both
 * implementations. Meta-analysis: the pooling call over all voxels.
 */
public final class HarmonizeMetaBenchmark {
  static final int VOXELS = 200_000;
  static final int SUBJECTS = 1_000;
  static final int SITES = 10;
  static final int META_SITES = 20;
  static final int BLOCK = 2048;
  /** Non-parametric EB is O(voxels²): timed on this many voxels (the first ones). */
  static final int NP_VOXELS = 10_000;
  /** Harmonised values of every SAMPLE_STRIDE-th voxel are written for the comparison. */
  static final int SAMPLE_STRIDE = 997;

  private HarmonizeMetaBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: generate DIR | run DIR [repeats]");
    }
    Path dir = Paths.get(args[1]);
    switch (args[0]) {
      case "generate" -> generate(dir);
      case "run" -> run(dir, args.length > 2 ? Integer.parseInt(args[2]) : 3);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  static void generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(20240611);
    int[] siteOf = new int[SUBJECTS];
    double[] patient = new double[SUBJECTS];
    double[] sex = new double[SUBJECTS];
    double[] age = new double[SUBJECTS];
    StringBuilder csv = new StringBuilder("subject,site,patient,sex,age\n");
    for (int s = 0; s < SUBJECTS; s++) {
      // sites of unequal size: 60 … 140 subjects
      siteOf[s] = Math.min(SITES - 1, (int) Math.floor(Math.sqrt(rnd.nextDouble()) * SITES));
      patient[s] = rnd.nextDouble() < 0.35 + 0.03 * siteOf[s] ? 1 : 0;
      sex[s] = rnd.nextBoolean() ? 1 : 0;
      age[s] = 20 + 60 * rnd.nextDouble();
      csv.append(String.format(Locale.ROOT, "sub-%04d,site%02d,%d,%d,%.17g%n", s, siteOf[s], (int) patient[s],
          (int) sex[s], age[s]));
    }
    Files.writeString(dir.resolve("subjects.csv"), csv);
    try (FileChannel ch = FileChannel.open(dir.resolve("combat.f32"), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(4 * SUBJECTS * 256).order(ByteOrder.LITTLE_ENDIAN);
      double[] gamma = new double[SITES];
      double[] delta = new double[SITES];
      for (int f = 0; f < VOXELS; f++) {
        double mu = 0.3 + 0.4 * rnd.nextDouble();
        double sigma = 0.02 + 0.03 * rnd.nextDouble();
        for (int b = 0; b < SITES; b++) {
          gamma[b] = (b - 4.5) * 0.2 * sigma + 0.5 * sigma * rnd.nextGaussian();
          delta[b] = (0.7 + 0.06 * b) * Math.exp(0.1 * rnd.nextGaussian());
        }
        for (int s = 0; s < SUBJECTS; s++) {
          double y = mu - 0.001 * age[s] + 0.01 * sex[s] + 0.5 * sigma * patient[s] + gamma[siteOf[s]]
              + delta[siteOf[s]] * sigma * rnd.nextGaussian();
          buf.putFloat((float) y);
        }
        if (buf.remaining() < 4 * SUBJECTS) {
          buf.flip();
          ch.write(buf);
          buf.clear();
        }
      }
      buf.flip();
      ch.write(buf);
    }
    double[] effect = new double[META_SITES * VOXELS];
    double[] variance = new double[META_SITES * VOXELS];
    for (int site = 0; site < META_SITES; site++) {
      int n = 30 + 10 * site;
      for (int v = 0; v < VOXELS; v++) {
        int i = site * VOXELS + v;
        if (rnd.nextDouble() < 0.05) {
          effect[i] = Double.NaN;
          variance[i] = Double.NaN;
          continue;
        }
        double tau2 = (v % 4) * 0.01;
        double vi = 4.0 / n * (0.9 + 0.2 * rnd.nextDouble());
        effect[i] = 0.2 + Math.sqrt(tau2) * rnd.nextGaussian() + Math.sqrt(vi) * rnd.nextGaussian();
        variance[i] = vi;
      }
    }
    writeDoubles(dir.resolve("meta_effect.f64"), effect);
    writeDoubles(dir.resolve("meta_variance.f64"), variance);
    Files.writeString(dir.resolve("dims.txt"), VOXELS + " " + SUBJECTS + " " + SITES + " " + META_SITES + " " + BLOCK
        + " " + NP_VOXELS + " " + SAMPLE_STRIDE + "\n");
    System.out.println("wrote " + dir);
  }

  record Subjects(String[] ids, String[] sites, double[] covariates) {}

  static Subjects readSubjects(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("subjects.csv"));
    int n = lines.size() - 1;
    String[] ids = new String[n];
    String[] sites = new String[n];
    double[] cov = new double[3 * n];
    for (int s = 0; s < n; s++) {
      String[] f = lines.get(s + 1).split(",");
      ids[s] = f[0];
      sites[s] = f[1];
      cov[3 * s] = Double.parseDouble(f[2]);
      cov[3 * s + 1] = Double.parseDouble(f[3]);
      cov[3 * s + 2] = Double.parseDouble(f[4]);
    }
    return new Subjects(ids, sites, cov);
  }

  static void run(Path dir, int repeats) throws IOException {
    Subjects sub = readSubjects(dir);
    int n = sub.ids().length;
    float[] data = readFloats(dir.resolve("combat.f32"), VOXELS * n);
    System.out.printf(Locale.ROOT, "ComBat: %d voxels × %d subjects × %d sites, blocks of %d, one thread%n", VOXELS, n,
        SITES, BLOCK);
    ComBat combat = ComBat.of("subjects.csv", sub.ids(), sub.sites(), new String[] {"patient", "sex", "age"},
        sub.covariates(), ComBatOptions.defaults());
    CombatRun best = null;
    CombatRun last = null;
    for (int r = 0; r < repeats; r++) {
      last = combatRun(combat, data, n, VOXELS);
      System.out.println("  run " + (r + 1) + ": " + describe(last));
      if (best == null || sum(last.cpu) < sum(best.cpu)) {
        best = last;
      }
    }
    System.out.printf(Locale.ROOT, "  best: %s (%.2f µs CPU per voxel)%n", describe(best), 1e6 * sum(best.cpu) / VOXELS);
    writeDoubles(dir.resolve("java_gamma_star.f64"), last.model.gammaStar());
    writeDoubles(dir.resolve("java_delta_star.f64"), last.model.deltaStar());
    writeDoubles(dir.resolve("java_sample.f64"), last.sample);

    ComBat np = ComBat.of("subjects.csv", sub.ids(), sub.sites(), new String[] {"patient", "sex", "age"},
        sub.covariates(), ComBatOptions.defaults().withEmpiricalBayes(EmpiricalBayes.NON_PARAMETRIC));
    CombatRun npRun = combatRun(np, data, n, NP_VOXELS);
    System.out.println("ComBat non-parametric EB, first " + NP_VOXELS + " voxels: " + describe(npRun));
    writeDoubles(dir.resolve("java_np_gamma_star.f64"), npRun.model.gammaStar());
    writeDoubles(dir.resolve("java_np_delta_star.f64"), npRun.model.deltaStar());

    double[] effect = readDoubles(dir.resolve("meta_effect.f64"), META_SITES * VOXELS);
    double[] variance = readDoubles(dir.resolve("meta_variance.f64"), META_SITES * VOXELS);
    System.out.printf(Locale.ROOT, "Meta-analysis: %d voxels × %d sites (5%% missing), one thread%n", VOXELS, META_SITES);
    for (MetaMethod method : new MetaMethod[] {MetaMethod.REML, MetaMethod.DERSIMONIAN_LAIRD, MetaMethod.FIXED_EFFECT}) {
      MetaOptions o = MetaOptions.defaults().withMethod(method);
      double bestMeta = Double.POSITIVE_INFINITY;
      double bestWall = Double.POSITIVE_INFINITY;
      MetaMaps maps = null;
      for (int r = 0; r < Math.max(repeats, 3); r++) {
        long t0 = System.nanoTime();
        double c0 = cpu();
        maps = MetaAnalysis.pool(effect, variance, META_SITES, VOXELS, o);
        bestMeta = Math.min(bestMeta, cpu() - c0);
        bestWall = Math.min(bestWall, (System.nanoTime() - t0) / 1e9);
      }
      System.out.printf(Locale.ROOT, "  %s: best CPU %.3f s (wall %.3f s), %.2f µs CPU per voxel%n", method, bestMeta,
          bestWall, 1e6 * bestMeta / VOXELS);
      for (MetaOutput m : new MetaOutput[] {MetaOutput.ESTIMATE, MetaOutput.SE, MetaOutput.TAU2, MetaOutput.P,
          MetaOutput.I2, MetaOutput.Q}) {
        writeDoubles(dir.resolve("java_meta_" + method.metaforName() + "_" + m.column() + ".f64"), maps.get(m));
      }
    }
  }

  record CombatRun(double[] times, double[] cpu, ComBatModel model, double[] sample) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** CPU time of this thread, s (the figure that a loaded machine distorts least). */
  static double cpu() {
    return THREADS.getCurrentThreadCpuTime() / 1e9;
  }

  static CombatRun combatRun(ComBat combat, float[] data, int n, int voxels) {
    double[] times = new double[3];
    double[] cpu = new double[3];
    List<ComBatBlockFit> fits = new ArrayList<>();
    double[] block = new double[BLOCK * n];
    ComBatPriorAccumulator acc = combat.newPriorAccumulator();
    List<ComBatPriorAccumulator> partial = new ArrayList<>();
    for (int start = 0; start < voxels; start += BLOCK) {
      int v = Math.min(BLOCK, voxels - start);
      double[] b = v == BLOCK ? block : new double[v * n];
      convert(data, start, n, b);
      long t0 = System.nanoTime();
      double c0 = cpu();
      ComBatBlockFit fit = combat.fitBlock(start, v, b);
      partial.add(combat.newPriorAccumulator().accept(fit));
      times[0] += (System.nanoTime() - t0) / 1e9;
      cpu[0] += cpu() - c0;
      fits.add(fit);
    }
    long t1 = System.nanoTime();
    double c1 = cpu();
    for (ComBatPriorAccumulator p : partial) {
      acc.combine(p);
    }
    ComBatPriors priors = acc.finish();
    times[1] = (System.nanoTime() - t1) / 1e9;
    cpu[1] = cpu() - c1;
    List<ComBatModel> models = new ArrayList<>();
    double[] out = new double[BLOCK * n];
    List<double[]> sample = new ArrayList<>();
    for (ComBatBlockFit fit : fits) {
      int v = fit.featureCount();
      double[] b = v == BLOCK ? block : new double[v * n];
      double[] o = v == BLOCK ? out : new double[v * n];
      convert(data, fit.firstFeature(), n, b);
      long t0 = System.nanoTime();
      double c0 = cpu();
      models.add(combat.adjustBlock(fit, priors, b, o));
      times[2] += (System.nanoTime() - t0) / 1e9;
      cpu[2] += cpu() - c0;
      for (int f = 0; f < v; f++) {
        if ((fit.firstFeature() + f) % SAMPLE_STRIDE == 0) {
          double[] col = new double[n];
          for (int s = 0; s < n; s++) {
            col[s] = o[s * v + f];
          }
          sample.add(col);
        }
      }
    }
    double[] flat = new double[sample.size() * n];
    for (int i = 0; i < sample.size(); i++) {
      System.arraycopy(sample.get(i), 0, flat, i * n, n);
    }
    return new CombatRun(times, cpu, ComBatModel.concat(models), flat);
  }

  static String describe(CombatRun r) {
    return String.format(Locale.ROOT, "CPU pass 1 %.3f s, reduction %.4f s, pass 2 %.3f s, total %.3f s (wall %.3f s)",
        r.cpu[0], r.cpu[1], r.cpu[2], sum(r.cpu), sum(r.times));
  }

  /**
   * Voxels {@code [first, first + v)} of the voxel-major float32 file data ({@code [voxel·n + s]},
   * NumPy's natural order) as the subject-major float64 block ComBat takes ({@code [s·v + f]}).
   */
  static void convert(float[] data, int first, int n, double[] to) {
    int v = to.length / n;
    for (int f = 0; f < v; f++) {
      int base = (first + f) * n;
      for (int s = 0; s < n; s++) {
        to[s * v + f] = data[base + s];
      }
    }
  }

  static double sum(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s;
  }

  static float[] readFloats(Path p, int count) throws IOException {
    float[] out = new float[count];
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
      int i = 0;
      while (i < count) {
        buf.clear();
        if (ch.read(buf) < 0) {
          throw new IOException(p + " is shorter than " + count + " floats");
        }
        buf.flip();
        int m = Math.min(buf.remaining() / 4, count - i);
        buf.asFloatBuffer().get(out, i, m);
        i += m;
        ch.position(4L * i);
      }
    }
    return out;
  }

  static double[] readDoubles(Path p, int count) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[count];
    buf.asDoubleBuffer().get(out);
    return out;
  }

  static void writeDoubles(Path p, double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(values);
    try {
      Files.write(p, buf.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
