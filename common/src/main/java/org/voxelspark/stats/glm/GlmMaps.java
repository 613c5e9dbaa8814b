package org.voxelspark.stats.glm;

import java.io.Serializable;
import java.util.EnumMap;

/**
 * The per-voxel GLM outputs of one block of v voxels ({@link GlmOutput} defines each). Every
 * output is stored as one {@code double[]} of {@code count(scope)·v} values, map-major: element
 * {@code [i*v + j]} is map i (design column, contrast or F-test index) at voxel j of the block.
 *
 * <p>NaN marks a voxel where the output is undefined: no subject or a design that is not estimable
 * on the voxel's subjects (then every output but {@link GlmOutput#SUBJECTS} is NaN), a contrast
 * that is not a group difference (Cohen's d, Hedges' g), or a degenerate voxel (see
 * {@link GlmKernel}).
 */
public final class GlmMaps implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int voxels;
  private final int columns;
  private final int contrasts;
  private final int fTests;
  private final EnumMap<GlmOutput, double[]> data = new EnumMap<>(GlmOutput.class);

  GlmMaps(int voxels, int columns, int contrasts, int fTests) {
    this.voxels = voxels;
    this.columns = columns;
    this.contrasts = contrasts;
    this.fTests = fTests;
    for (GlmOutput o : GlmOutput.values()) {
      double[] a = new double[count(o) * voxels];
      java.util.Arrays.fill(a, Double.NaN);
      data.put(o, a);
    }
  }

  /**
   * The maps of consecutive blocks joined in order (block b's voxels follow block b−1's), as the
   * driver assembles them; every part must have the same numbers of columns, contrasts and tests.
   */
  public static GlmMaps concatenate(java.util.List<GlmMaps> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts");
    }
    GlmMaps first = parts.get(0);
    int total = 0;
    for (GlmMaps m : parts) {
      if (m.columns != first.columns || m.contrasts != first.contrasts || m.fTests != first.fTests) {
        throw new IllegalArgumentException("parts of different designs");
      }
      total += m.voxels;
    }
    GlmMaps out = new GlmMaps(total, first.columns, first.contrasts, first.fTests);
    int at = 0;
    for (GlmMaps m : parts) {
      for (GlmOutput o : GlmOutput.values()) {
        double[] src = m.data.get(o);
        double[] dst = out.data.get(o);
        for (int i = 0; i < out.count(o); i++) {
          System.arraycopy(src, i * m.voxels, dst, i * total + at, m.voxels);
        }
      }
      at += m.voxels;
    }
    return out;
  }

  /** Number of voxels v. */
  public int voxels() {
    return voxels;
  }

  /** Number of maps of an output: p, the number of contrasts or F-tests, or 1. */
  public int count(GlmOutput o) {
    return switch (o.scope()) {
      case COLUMN -> columns;
      case CONTRAST -> contrasts;
      case FTEST -> fTests;
      case VOXEL -> 1;
    };
  }

  /** The whole output, map-major ({@code [i*v + j]}). Not a copy: do not modify. */
  public double[] values(GlmOutput o) {
    return data.get(o);
  }

  /** Map i of an output as a fresh array of v values. */
  public double[] map(GlmOutput o, int i) {
    if (i < 0 || i >= count(o)) {
      throw new IndexOutOfBoundsException(o + " has " + count(o) + " maps, not index " + i);
    }
    double[] out = new double[voxels];
    System.arraycopy(data.get(o), i * voxels, out, 0, voxels);
    return out;
  }

  /** Value of map i of output o at voxel j. */
  public double get(GlmOutput o, int i, int j) {
    return data.get(o)[i * voxels + j];
  }

  void set(GlmOutput o, int i, int j, double value) {
    data.get(o)[i * voxels + j] = value;
  }
}
